/**
 * fuse-conv-batchnorm on small graphs: what folds (Conv with and without bias, grouped ConvTranspose, a BN
 * whose output is a graph output), what does not (a conv output read elsewhere or exposed, non-constant
 * parameters, training mode). Expected values are onnxruntime's outputs for the model before the pass;
 * the fused model must match them within rtol 1e-5 and an absolute floor of 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../ir/attribute.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { ArrayTensor } from '../ir/tensor.js';
import { verifyModel } from '../ir/verify.js';
import type { Value } from '../ir/value.js';
import { fuseConvBatchNorm } from './fuse-conv-batchnorm.js';
import { GraphBuilder, opTypes, randomFeeds, randoms, runOrt } from './optimize-transposes/test-helpers.js';

/**
 * Weights scaled as a trained net's are (by 1/sqrt(fan-in)), `positive` ones in [0.5, 1.5): values stay
 * near 1 through the layers, so float32 rounding differences of the fused form stay below the tolerance.
 */
function init(b: GraphBuilder, name: string, dims: number[], seed: number, positive = false): Value {
  const size = dims.reduce((p, d) => p * d, 1);
  const fanIn = dims.length > 1 ? size / dims[0]! : 1;
  const data = Array.from(randoms(size, seed), (x) => (positive ? 1 + x / 4 : x / Math.sqrt(fanIn) / 2));
  return b.init(name, dims, data);
}

function batchNorm(b: GraphBuilder, x: Value, channels: number, seed: number, attrs = [attr.float('epsilon', 1e-3)]): Value {
  const p = (n: string, k: number, positive = false) => init(b, `${n}_${seed}`, [channels], seed + k, positive);
  return b.one('BatchNormalization', [x, p('scale', 1, true), p('beta', 2), p('mean', 3), p('var', 4, true)], attrs);
}

/** Runs onnxruntime before and after the pass; outputs must agree within rtol 1e-5 / atol 1e-6. */
async function expectClose(model: Model): Promise<boolean> {
  const feeds = randomFeeds(model);
  const before = await runOrt(model, feeds);
  const { modified } = fuseConvBatchNorm.run(model);
  verifyModel(model);
  const after = await runOrt(model, feeds);
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const [name, want] of Object.entries(before)) {
    const got = after[name]!;
    expect(got.dims, name).toEqual(want.dims);
    const w = want.data as Float32Array;
    const g = got.data as Float32Array;
    const bad = Array.from(g).flatMap((v, i) => (Math.abs(v - w[i]!) <= 1e-6 + 1e-5 * Math.abs(w[i]!) ? [] : [[i, v, w[i]]]));
    expect(bad, `${name} within tolerance`).toEqual([]);
  }
  return modified;
}

describe('fuse-conv-batchnorm', () => {
  it('folds BN into a Conv with a bias, and into one without, keeping the output name', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 7, 7]);
    const c1 = b.one('Conv', [x, init(b, 'w1', [8, 3, 3, 3], 10), init(b, 'b1', [8], 11)], [attr.ints('pads', [1, 1, 1, 1])]);
    const r = b.one('Relu', [batchNorm(b, c1, 8, 20)]);
    const c2 = b.one('Conv', [r, init(b, 'w2', [4, 8, 1, 1], 30)]);
    b.output(batchNorm(b, c2, 4, 40), 'y', [2, 4, 7, 7]);
    const model = b.model();
    expect(await expectClose(model)).toBe(true);
    expect(opTypes(model)).toEqual(['Conv', 'Relu', 'Conv']);
    expect(model.graph.outputs[0]!.name).toBe('y');
    expect(model.graph.outputs[0]!.producer?.opType).toBe('Conv');
    // The unfused weights and BN parameters are gone; the new ones sit beside nothing else.
    expect([...model.graph.initializers.keys()].some((n) => n === 'w1' || n.startsWith('scale_'))).toBe(false);
  });

  it('folds BN into grouped and depthwise convs and a grouped ConvTranspose', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 5, 5]);
    const dw = b.one('Conv', [x, init(b, 'wd', [4, 1, 3, 3], 1), init(b, 'bd', [4], 2)], [attr.int('group', 4), attr.ints('pads', [1, 1, 1, 1])]);
    const g2 = b.one('Conv', [batchNorm(b, dw, 4, 10), init(b, 'wg', [6, 2, 1, 1], 3)], [attr.int('group', 2)]);
    const t = b.one('ConvTranspose', [batchNorm(b, g2, 6, 20), init(b, 'wt', [6, 2, 2, 2], 4), init(b, 'bt', [4], 5)], [attr.int('group', 2), attr.ints('strides', [2, 2])]);
    b.output(batchNorm(b, t, 4, 30), 'y', [1, 4, 10, 10]);
    const model = b.model();
    expect(await expectClose(model)).toBe(true);
    expect(opTypes(model)).toEqual(['Conv', 'Conv', 'ConvTranspose']);
  });

  it('folds double-precision weights in float64', () => {
    // onnxruntime has no double Conv: the fused 1x1 weights are checked against the formula directly.
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 4, 4], DataType.DOUBLE);
    const d = (name: string, data: number[], dims = [data.length]): Value => b.graph.addInitializer(name, new ArrayTensor(DataType.DOUBLE, dims, Float64Array.from(data)));
    const w = [0.5, -1, 2, 0.25, 1.5, -0.75];
    const [s, be, m, v] = [[1, 2, 3], [0.1, 0.2, 0.3], [-1, 0, 1], [0.5, 1, 2]] as const;
    const c = b.one('Conv', [x, d('w', w, [3, 2, 1, 1]), d('b', [0.3, 0.2, 0.1])]);
    b.output(b.one('BatchNormalization', [c, d('s', [...s]), d('be', [...be]), d('m', [...m]), d('v', [...v])]), 'y', [1, 3, 4, 4], DataType.DOUBLE);
    const model = b.model();
    expect(fuseConvBatchNorm.run(model).modified).toBe(true);
    verifyModel(model);
    const conv = model.graph.nodes()[0]!;
    const k = s.map((g, i) => g / Math.sqrt(v[i]! + 1e-5));
    expect(conv.input(1)!.constValue!.dtype).toBe(DataType.DOUBLE);
    expect(Array.from(conv.input(1)!.constValue!.toArray() as Float64Array)).toEqual(w.map((x, i) => x * k[Math.floor(i / 2)]!));
    expect(Array.from(conv.input(2)!.constValue!.toArray() as Float64Array)).toEqual([0.3, 0.2, 0.1].map((x, i) => (x - m[i]!) * k[i]! + be[i]!));
  });

  it('leaves a conv whose output is read elsewhere or is a graph output, non-constant parameters and training mode', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 4, 4]);
    const scale = b.input('scale', [2]);
    const w = init(b, 'w', [2, 2, 1, 1], 1);
    const c1 = b.one('Conv', [x, w]);
    b.output(b.one('Add', [batchNorm(b, c1, 2, 10), c1]), 'shared', [1, 2, 4, 4]);
    const c2 = b.one('Conv', [x, w]);
    b.output(c2, 'exposed', [1, 2, 4, 4]);
    b.output(batchNorm(b, c2, 2, 20), 'y2', [1, 2, 4, 4]);
    const c3 = b.one('Conv', [x, w]);
    const p = (n: string, k: number) => init(b, n, [2], k, true);
    b.output(b.one('BatchNormalization', [c3, scale, p('be', 1), p('m', 2), p('v', 3)]), 'y3', [1, 2, 4, 4]);
    const c4 = b.one('Conv', [x, init(b, 'w4', [2, 2, 1, 1], 4)]);
    const training = b.op('BatchNormalization', [c4, p('s4', 5), p('b4', 6), p('m4', 7), p('v4', 8)], [attr.int('training_mode', 1)], 3);
    b.output(training[0]!, 'y4', [1, 2, 4, 4]);
    const model = b.model();
    const before = opTypes(model);
    expect(fuseConvBatchNorm.run(model).modified).toBe(false);
    expect(opTypes(model)).toEqual(before);
  });

  it('keeps a shared weight for its other reader and never changes the original tensor', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 3, 3]);
    const w = init(b, 'w', [2, 2, 1, 1], 1);
    const original = Float32Array.from(w.constValue!.toArray() as Float32Array);
    const c1 = b.one('Conv', [x, w]);
    b.output(batchNorm(b, c1, 2, 10), 'y1', [1, 2, 3, 3]);
    b.output(b.one('Conv', [x, w]), 'y2', [1, 2, 3, 3]);
    const model = b.model();
    expect(await expectClose(model)).toBe(true);
    expect(model.graph.initializers.get('w')?.uses.length).toBe(1);
    expect(Array.from(w.constValue!.toArray() as Float32Array)).toEqual(Array.from(original));
  });
});
