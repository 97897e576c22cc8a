/**
 * Random NHWC graphs lowered the way the TF importer does it (each layout-sensitive op wrapped in a pair
 * of Transposes), mixed with elementwise ops, constants (initializers and Constant nodes), diamonds,
 * Concat/Slice/Split/Pad, reductions, Squeeze/Unsqueeze, Softmax and extra Transposes.
 * For each: the IR stays valid, the pass settles, the Transpose count never grows, and onnxruntime
 * gives bit-identical outputs (up to the sign of zeros that ReduceMax/ReduceMin pick; see FeedOptions).
 * Seeded, so a failure names a reproducible graph.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../../ir/attribute.js';
import type { Value } from '../../ir/value.js';
import { optimizeTransposes } from '../optimize-transposes.js';
import { count, expectSameOutputs, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW, onGrid, randoms } from './test-helpers.js';

const C = 4;
const SHAPE = [1, 3, 3, C];

function randomGraph(seed: number): GraphBuilder {
  let state = seed * 7919;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const b = new GraphBuilder();
  const pool: Value[] = [b.input('x0', SHAPE)];
  if (rand(2) === 0) pool.push(b.input('x1', SHAPE));
  const pick = (): Value => pool[pool.length - 1 - rand(Math.min(pool.length, 4))]!;
  const nchw = (v: Value, op: (y: Value) => Value): Value => b.t(op(b.t(v, NHWC_TO_NCHW)), NCHW_TO_NHWC);
  let k = 0;
  const constant = (): Value => {
    const dims = [[C], [1, 1, 1, C], [], [3, 1, C]][rand(4)]!;
    return b.init(`c${k++}`, dims, onGrid(randoms(dims.reduce((a, d) => a * d, 1), seed * 100 + k)));
  };
  const steps = 4 + rand(8);
  for (let s = 0; s < steps; s++) {
    const v = pick();
    switch (rand(14)) {
      case 0:
        pool.push(nchw(v, (y) => b.one('Conv', [y, b.init(`w${k++}`, [C, C, 1, 1], onGrid(randoms(C * C, seed + k)))])));
        break;
      case 1:
        pool.push(nchw(v, (y) => b.one('MaxPool', [y], [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])])));
        break;
      case 2:
        pool.push(b.one(['Relu', 'Sigmoid', 'Neg', 'Abs', 'Tanh'][rand(5)]!, [v]));
        break;
      case 3:
        pool.push(b.one(['Add', 'Mul', 'Sub'][rand(3)]!, rand(2) ? [v, constant()] : [constant(), v]));
        break;
      case 4:
        pool.push(b.one(['Add', 'Mul', 'Max'][rand(3)]!, [v, pick()]));
        break;
      case 5:
        pool.push(b.one('Mul', [v, b.one('Sigmoid', [v])]));
        break;
      case 6:
        pool.push(b.t(b.t(v, [0, 2, 1, 3]), [0, 2, 1, 3]));
        break;
      case 7: {
        const from = rand(C + 1);
        const cat = b.one('Concat', [v, pick()], [attr.int('axis', -1)]);
        pool.push(b.one('Slice', [cat, b.ints(`s${k++}`, [from]), b.ints(`e${k++}`, [from + C]), b.ints(`a${k++}`, [3])]));
        break;
      }
      case 8:
        pool.push(b.one('Add', [v, b.one(rand(2) ? 'ReduceMax' : 'ReduceMin', [v, b.ints(`ax${k++}`, rand(2) ? [3] : [1, 2])], [attr.int('keepdims', 1)])]));
        break;
      case 9: {
        const [lo, hi] = b.op('Split', [v, b.ints(`sp${k++}`, [1, C - 1])], [attr.int('axis', -1)], 2);
        pool.push(b.one('Concat', [hi!, lo!], [attr.int('axis', 3)]));
        break;
      }
      case 10: {
        // H grows by 3 and is sliced back to 3 rows somewhere.
        const padded = b.one('Pad', [v, b.ints(`p${k++}`, [0, 1, 0, 0, 0, 2, 0, 0]), b.init(`pv${k++}`, [], [0.5])]);
        const from = rand(4);
        pool.push(b.one('Slice', [padded, b.ints(`s${k++}`, [from, 0]), b.ints(`e${k++}`, [from + 3, C]), b.ints(`a${k++}`, [1, 3])]));
        break;
      }
      case 11:
        pool.push(b.one('Squeeze', [b.one('Unsqueeze', [v, b.ints(`u${k++}`, [2])]), b.ints(`q${k++}`, [-3])]));
        break;
      case 12:
        pool.push(b.one('Softmax', [v], [attr.int('axis', rand(2) ? -1 : 1)]));
        break;
      default: {
        const cst = b.op('Constant', [], [attr.floats('value_floats', onGrid(randoms(C, seed + k++)))])[0]!;
        pool.push(b.one('Mul', [v, cst]));
      }
    }
  }
  const outs = new Set([pool[pool.length - 1]!, pick()]);
  [...outs].forEach((o, i) => b.output(o, `out${i}`));
  return b;
}

describe('optimize-transposes on random lowered NHWC graphs', () => {
  it.each(Array.from({ length: 100 }, (_, i) => i + 1))('seed %i', async (seed) => {
    const b = randomGraph(seed);
    const model = b.model();
    const before = count(model, 'Transpose');
    // A push can open another one a few nodes away that the worklist does not revisit; the pass
    // manager's next round picks it up (about 1 graph in 1000 here needs that third round).
    await expectSameOutputs(model, [optimizeTransposes], { exact: true, seed, rounds: 3, eitherZero: true });
    expect(count(model, 'Transpose')).toBeLessThanOrEqual(before);
  });
});
