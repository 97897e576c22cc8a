/**
 * Fused residual Adds (Note [fused residual] in activation.ts): Conv -> Add(z) (-> activation) runs as one
 * step, bit-identical to the session that runs every node on its own, on the WebAssembly and JavaScript
 * paths, and within rtol 1e-5 / atol 1e-6 of onnxruntime; a z of another shape declines at run time.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr } from '../../../ir/attribute.js';
import type { Value } from '../../../ir/value.js';
import { GraphBuilder, randoms, runOrt } from '../../../passes/optimize-transposes/test-helpers.js';
import type { ExecutionPlan } from '../../plan.js';
import { Session } from '../../session.js';
import { Tensor } from '../../tensor.js';
import { setWasmEnabled } from '../wasm/instance.js';

const planOf = (s: Session): ExecutionPlan => (s as unknown as { plan: ExecutionPlan }).plan;
const labels = (s: Session): string[] => planOf(s).steps.filter((st) => st.reuse === 'never').map((st) => st.label);

function weights(b: GraphBuilder, name: string, dims: number[], seed: number): Value {
  const size = dims.reduce((p, d) => p * d, 1);
  return b.init(name, dims, Array.from(randoms(size, seed), (x) => x / Math.sqrt(size / dims[0]!)));
}

const pad1 = [attr.ints('pads', [1, 1, 1, 1])];

/** [what, channels, spatial, build(b, x) -> y, the fused labels]. */
const CASES: [string, number, number, (b: GraphBuilder, x: Value) => Value, string[]][] = [
  // A basic block's second half: the shortcut is the block's input.
  ['conv 3x3 + x, Relu', 8, 6, (b, x) => b.one('Relu', [b.one('Add', [b.one('Conv', [x, weights(b, 'w', [8, 8, 3, 3], 1), weights(b, 'bias', [8], 2)], pad1), x])]), ['Conv+Add+Relu']],
  // z on the left; depth 288 > one depth block of 256 (the residual only on the last block).
  ['x + conv 3x3 deep, Clip', 32, 8, (b, x) => b.one('Clip', [b.one('Add', [x, b.one('Conv', [x, weights(b, 'w', [32, 32, 3, 3], 3)], pad1)]), b.init('lo', [], [0]), b.init('hi', [], [6])]), ['Conv+Add+Clip']],
  ['depthwise + x, no activation', 8, 7, (b, x) => b.one('Add', [b.one('Conv', [x, weights(b, 'w', [8, 1, 3, 3], 4), weights(b, 'bias', [8], 5)], [attr.int('group', 8), ...pad1]), x]), ['Conv+Add']],
  ['conv 1x1 + relu(x), HardSwish', 8, 5, (b, x) => {
    const r = b.one('Relu', [x]);
    return b.one('HardSwish', [b.one('Add', [b.one('Conv', [r, weights(b, 'w', [8, 8, 1, 1], 6)]), r])]);
  }, ['Relu', 'Conv+Add+HardSwish']],
  // A shortcut made after the Conv (a downsample branch scheduled later) is not fused.
  ['conv + a later conv', 8, 4, (b, x) => {
    const main = b.one('Conv', [x, weights(b, 'w', [8, 8, 3, 3], 7)], pad1);
    const short = b.one('Conv', [x, weights(b, 'w2', [8, 8, 1, 1], 8)]);
    return b.one('Relu', [b.one('Add', [main, short])]);
  }, ['Conv', 'Conv+Add+Relu']],
  // A broadcast z: the fused form declines at run time and the original steps run.
  ['conv + a per-channel z', 8, 4, (b, x) => b.one('Add', [b.one('Conv', [x, weights(b, 'w', [8, 8, 3, 3], 9)], pad1), b.input('z', [1, 8, 1, 1])]), ['Conv+Add']],
];

describe('fused residual', () => {
  for (const [what, C, S, build, want] of CASES) {
    it(what, async () => {
      const b = new GraphBuilder();
      const x = b.input('x', [2, C, S, S]);
      b.output(build(b, x), 'y');
      const model = b.model(18);
      const feeds: Record<string, Tensor> = { x: new Tensor('float32', randoms(2 * C * S * S, 11), [2, C, S, S]) };
      if (model.graph.inputs.some((v) => v.name === 'z')) feeds['z'] = new Tensor('float32', randoms(C, 12), [1, C, 1, 1]);
      let none: Float32Array = new Float32Array();
      for (const wasm of [false, true]) {
        setWasmEnabled(wasm);
        try {
          none = (await (await Session.create(model, { graphOptimization: 'none' })).run(feeds))['y']!.data as Float32Array;
          const s = await Session.create(model);
          const got = labels(s);
          expect(got.filter((l) => l.includes('+')), what).toEqual(want.filter((l) => l.includes('+')));
          for (let run = 0; run < 2; run++) {
            const y = (await s.run(feeds))['y']!.data as Float32Array;
            expect(Array.from(y), `${what} wasm=${wasm}`).toEqual(Array.from(none));
          }
        } finally {
          setWasmEnabled(true);
        }
      }
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data as Float32Array, [...t.dims])]));
      const ref = (await runOrt(model, ortFeeds))['y']!.data as Float32Array;
      none.forEach((v, i) => expect(Math.abs(v - ref[i]!), `${what} element ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(ref[i]!)));
    });
  }
});
