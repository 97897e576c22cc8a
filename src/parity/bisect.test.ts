import { describe, expect, it } from 'vitest';
import { encodeModel } from '../api/model-io.js';
import { DataType } from '../ir/dtype.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { ArrayTensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { cpuKernels } from '../runtime/cpu/index.js';
import type { Kernel } from '../runtime/kernel.js';
import { bisect } from './bisect.js';

/** x -> Conv -> Relu -> Add(bias) -> Sigmoid -> y, with node names conv/relu/add/sigmoid. */
function chain(): Uint8Array {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, [1, 2, 5, 5]));
  const w = g.addInitializer('w', new ArrayTensor(DataType.FLOAT, [3, 2, 3, 3], Float32Array.from({ length: 54 }, (_, i) => Math.sin(i) * 0.3)));
  const b = g.addInitializer('b', new ArrayTensor(DataType.FLOAT, [1, 3, 1, 1], Float32Array.from([0.1, -0.2, 0.3])));
  const conv = g.appendNode(new Node('Conv', [x, w], { name: 'conv', outputs: ['c'] }));
  const relu = g.appendNode(new Node('Relu', [conv.output(0)], { name: 'relu', outputs: ['r'] }));
  const add = g.appendNode(new Node('Add', [relu.output(0), b], { name: 'add', outputs: ['a'] }));
  const sig = g.appendNode(new Node('Sigmoid', [add.output(0)], { name: 'sigmoid', outputs: ['y'] }));
  g.addOutput(sig.output(0));
  return encodeModel(new Model(g, new Map([['', 17]])));
}

/** Runs `body` while the CPU engine's kernel for `op` adds 0.5 to its first output's first element. */
async function withBrokenKernel<T>(op: string, body: () => Promise<T>): Promise<T> {
  const lookup = cpuKernels.lookup;
  cpuKernels.lookup = function (domain, name, opset) {
    const real = lookup.call(this, domain, name, opset);
    if (name !== op || real === undefined) return real;
    const broken: Kernel = (ctx) => {
      let first: { data: unknown } | undefined;
      const spy = new Proxy(ctx, {
        get(target, key) {
          if (key === 'output') return (i: number, ...rest: unknown[]) => {
            const t = (target.output as (...a: unknown[]) => { data: unknown })(i, ...rest);
            if (i === 0) first = t;
            return t;
          };
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      real(spy);
      if (first) (first.data as Float32Array)[0]! += 0.5;
    };
    return broken;
  };
  try {
    return await body();
  } finally {
    cpuKernels.lookup = lookup;
  }
}

describe('bisect', () => {
  it('finds no divergence when both engines agree', async () => {
    const report = await bisect(chain(), { random: true, seed: 1 });
    expect(report).toMatchObject({ backend: 'cpu', against: 'onnxruntime', compared: 4, divergence: null });
  });

  it('names the node whose kernel was planted wrong, with its inputs\' stats', async () => {
    const report = await withBrokenKernel('Add', () => bisect(chain(), { random: true, seed: 1 }));
    expect(report.divergence).toMatchObject({ node: 'add', op: 'Add', output: 'a' });
    expect(report.divergence!.maxAbsError).toBeGreaterThan(0.1);
    expect(report.divergence!.inputs.map((i) => i.name)).toEqual(['r', 'b']);
    expect(report.divergence!.inputs[0]!.min).toBeGreaterThanOrEqual(0);
    expect(report.divergence!.inputs[1]).toMatchObject({ min: Math.fround(-0.2), hasNaN: false });
  });

  it('leaves the user\'s model bytes untouched', async () => {
    const bytes = chain();
    const copy = bytes.slice();
    await bisect(bytes, { random: true, seed: 2 });
    expect(bytes).toEqual(copy);
  });
});
