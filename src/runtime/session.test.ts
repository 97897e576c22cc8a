import { describe, expect, it } from 'vitest';
import { DataType } from '../ir/dtype.js';
import { UnsupportedOpsError, UsageError } from '../ir/errors.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { attr } from '../ir/attribute.js';
import { tensorType } from '../ir/types.js';
import { Session } from './session.js';
import { Tensor } from './tensor.js';
import { chainModel, oneNodeModel } from './test-models.js';

describe('Session input validation', () => {
  const model = oneNodeModel('Add', [{ dtype: DataType.FLOAT, shape: [2, 3] }, { dtype: DataType.FLOAT, shape: ['N', 3] }], DataType.FLOAT);
  const x = new Tensor('float32', new Float32Array(6), [2, 3]);

  it('names a missing feed', async () => {
    const s = await Session.create(model);
    await expect(s.run({ x0: x })).rejects.toThrow(UsageError);
    await expect(s.run({ x0: x })).rejects.toThrow(/missing feed for input "x1"/);
  });

  it('names the input of a wrong dtype', async () => {
    const s = await Session.create(model);
    await expect(s.run({ x0: x, x1: new Tensor('int32', new Int32Array(6), [2, 3]) })).rejects.toThrow(/input "x1" must be float32/);
  });

  it('checks rank and static dims but lets symbolic dims vary', async () => {
    const s = await Session.create(model);
    await expect(s.run({ x0: new Tensor('float32', new Float32Array(6), [6]), x1: x })).rejects.toThrow(/input "x0" must have rank 2/);
    await expect(s.run({ x0: new Tensor('float32', new Float32Array(6), [3, 2]), x1: x })).rejects.toThrow(/input "x0": dim 0 must be 2/);
    const out = await s.run({ x0: x, x1: new Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('rejects a feed that is not an input', async () => {
    const s = await Session.create(model);
    await expect(s.run({ x0: x, x1: x, extra: x })).rejects.toThrow(/"extra" is not an input/);
  });
});

describe('Session.create', () => {
  it('reports every op without a kernel at once', async () => {
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [1]));
    const a = g.appendNode(new Node('NoSuchOpA', [x], { name: 'a' }));
    const b = g.appendNode(new Node('NoSuchOpB', [a.output(0)], { name: 'b' }));
    const c = g.appendNode(new Node('NoSuchOpA', [b.output(0)], { name: 'c' }));
    g.addOutput(c.output(0));
    const err = await Session.create(new Model(g)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOpsError);
    expect((err as UnsupportedOpsError).ops.map((o) => [o.op, o.count])).toEqual([
      ['NoSuchOpA', 2],
      ['NoSuchOpB', 1],
    ]);
  });
});

describe('subgraphs', () => {
  it('reports ops without a kernel in the graph and its If branches at once, at creation', async () => {
    const g = new Graph('g');
    const c = g.addInput('c', tensorType(DataType.BOOL, []));
    const x = g.addInput('x', tensorType(DataType.FLOAT, [1]));
    const then = new Graph('then');
    then.addOutput(then.appendNode(new Node('NoSuchOpC', [x], { name: 'bad', outputs: ['tb'] })).output(0));
    const other = new Graph('else');
    other.addOutput(other.appendNode(new Node('NoSuchOpA', [x], { name: 'bad2', outputs: ['tn'] })).output(0));
    const n = g.appendNode(new Node('If', [c], { name: 'if', outputs: ['y'], attributes: [attr.graph('then_branch', then), attr.graph('else_branch', other)] }));
    const z = g.appendNode(new Node('NoSuchOpA', [n.output(0)], { name: 'bad3', outputs: ['z'] }));
    g.addOutput(z.output(0));
    const err = await Session.create(new Model(g, new Map([['', 21]]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOpsError);
    expect((err as UnsupportedOpsError).ops.map((o) => [o.op, o.count])).toEqual([
      ['NoSuchOpA', 2],
      ['NoSuchOpC', 1],
    ]);
  });

  it('orders a node after the producers of the values its subgraphs read', async () => {
    // The If comes first in the node list but its branch reads t, made by a later node.
    const g = new Graph('g');
    const c = g.addInput('c', tensorType(DataType.BOOL, []));
    const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
    const neg = new Node('Neg', [x], { name: 'neg', outputs: ['t'] });
    const then = new Graph('then');
    then.addOutput(then.appendNode(new Node('Abs', [neg.output(0)], { name: 'abs', outputs: ['ta'] })).output(0));
    const other = new Graph('else');
    other.addOutput(other.appendNode(new Node('Identity', [neg.output(0)], { name: 'id', outputs: ['ti'] })).output(0));
    const n = g.appendNode(new Node('If', [c], { name: 'if', outputs: ['y'], attributes: [attr.graph('then_branch', then), attr.graph('else_branch', other)] }));
    g.appendNode(neg);
    g.addOutput(n.output(0));
    const s = await Session.create(new Model(g, new Map([['', 21]])));
    const out = await s.run({ c: new Tensor('bool', [false], []), x: new Tensor('float32', [1, -2]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([-1, 2]);
  });
});

describe('memory plan', () => {
  it('reuses the buffers of dead intermediates, and allocates nothing new on a second run', async () => {
    // x -> t0 -> t1 -> t2 -> t3 -> t4: after t1 is made, t0 is dead, so t2 can take t0's buffer, and so on.
    // Unoptimized: with graph optimizations on, the chain runs as one fused step (graph-optimization.test.ts).
    const s = await Session.create(chainModel(['Neg', 'Abs', 'Neg', 'Abs', 'Neg'], DataType.FLOAT, [4]), { graphOptimization: 'none' });
    const x = new Tensor('float32', new Float32Array([1, -2, 3, -4]), [4]);
    const first = await s.run({ x });
    expect(Array.from(first['t4']!.data as Float32Array)).toEqual([-1, -2, -3, -4]);
    // t0, t1 fresh; t2, t3 reuse; t4 is a graph output (never pooled).
    expect(s.lastRunStats).toEqual({ allocated: 2, reused: 2 });
    const second = await s.run({ x });
    expect(s.lastRunStats).toEqual({ allocated: 0, reused: 4 });
    expect(Array.from(second['t4']!.data as Float32Array)).toEqual([-1, -2, -3, -4]);
    // Outputs are never shared between runs.
    expect(second['t4']!.numeric.buffer).not.toBe(first['t4']!.numeric.buffer);
  });

  it('keeps one arena per input signature', async () => {
    const s = await Session.create(chainModel(['Neg', 'Neg', 'Neg'], DataType.FLOAT, ['N']), { graphOptimization: 'none' });
    await s.run({ x: new Tensor('float32', new Float32Array(4), [4]) });
    await s.run({ x: new Tensor('float32', new Float32Array(8), [8]) });
    expect(s.lastRunStats.allocated).toBe(2);
    await s.run({ x: new Tensor('float32', new Float32Array(4), [4]) });
    expect(s.lastRunStats).toEqual({ allocated: 0, reused: 2 });
  });
});
