/**
 * If, Loop and Scan against onnxruntime-node: small models with subgraphs that read outer-scope values
 * (also two scopes up), run by both engines on the same inputs; expected values come from onnxruntime.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import { attr, type Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import type { Shape } from '../../../../ir/shape.js';
import { tensorType } from '../../../../ir/types.js';
import type { Value } from '../../../../ir/value.js';
import { Session } from '../../../session.js';
import { Tensor } from '../../../tensor.js';

const f32 = (v: number[], dims = [v.length]): Tensor => new Tensor('float32', Float32Array.from(v), dims);
const i64 = (v: number, dims: number[] = []): Tensor => new Tensor('int64', BigInt64Array.of(BigInt(v)), dims);
const bool = (v: boolean): Tensor => new Tensor('bool', Uint8Array.of(v ? 1 : 0), []);

/** Appends `op(inputs) -> name` to `g`, typed. */
function add(g: Graph, op: string, inputs: (Value | null)[], name: string, dtype: DataType, shape: Shape, attributes: Attribute[] = []): Value {
  const n = g.appendNode(new Node(op, inputs, { name, outputs: [name], attributes }));
  const v = n.output(0);
  v.type = tensorType(dtype, shape);
  return v;
}

/** Appends a node of several outputs, each typed. */
function addMulti(g: Graph, op: string, inputs: (Value | null)[], outs: [string, DataType, Shape][], attributes: Attribute[]): Value[] {
  const n = g.appendNode(new Node(op, inputs, { name: op.toLowerCase(), outputs: outs.map((o) => o[0]), attributes }));
  return outs.map(([, dt, shape], i) => {
    const v = n.output(i);
    v.type = tensorType(dt, shape);
    return v;
  });
}

async function compare(model: Model, feeds: Record<string, Tensor>): Promise<void> {
  const ref = await ort.InferenceSession.create(encodeModel(model));
  const want = await ref.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])])));
  const ours = await Session.create(model, { backend: 'cpu' });
  const got = await ours.run(feeds);
  for (const v of model.graph.outputs) {
    const w = want[v.name]!;
    const g = got[v.name]!;
    expect([v.name, g.type, g.dims]).toEqual([v.name, w.type, w.dims]);
    const gs = Array.from(g.data as ArrayLike<number | bigint>);
    const ws = Array.from(w.data as ArrayLike<number | bigint>);
    expect(gs.length).toBe(ws.length);
    gs.forEach((x, i) => expect(Math.abs(Number(x) - Number(ws[i]))).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(Number(ws[i])))));
  }
}

describe('If', () => {
  // t = Abs(x) is read only inside the branches: without capture tracking its buffer would be released at
  // once and taken by u = Neg(x). w is likewise only read by the then-branch.
  function ifModel(): Model {
    const g = new Graph('main');
    const c = g.addInput('c', tensorType(DataType.BOOL, []));
    const x = g.addInput('x', tensorType(DataType.FLOAT, [4]));
    const t = add(g, 'Abs', [x], 't', DataType.FLOAT, [4]);
    const u = add(g, 'Neg', [x], 'u', DataType.FLOAT, [4]);
    const v = add(g, 'Neg', [u], 'v', DataType.FLOAT, [4]);
    const w = add(g, 'Neg', [v], 'w', DataType.FLOAT, [4]);
    const then = new Graph('then');
    then.addOutput(add(then, 'Add', [t, w], 'ty', DataType.FLOAT, [4]));
    const other = new Graph('else');
    other.addOutput(add(other, 'Sub', [t, x], 'ey', DataType.FLOAT, [4]));
    g.addOutput(add(g, 'If', [c], 'y', DataType.FLOAT, [4], [attr.graph('then_branch', then), attr.graph('else_branch', other)]));
    return new Model(g, new Map([['', 21]]));
  }
  const x = f32([1, -2, 3.5, -4]);
  it('runs the then-branch, reading outer values kept alive for it', () => compare(ifModel(), { c: bool(true), x }));
  it('runs the else-branch', () => compare(ifModel(), { c: bool(false), x }));
});

describe('Loop', () => {
  // body(i, cin, a): a1 = a + x (x from the outer graph); s = If(i < 1, a1 * x, a1) (x two scopes up);
  // cout = i < 2. Outputs: the final a and the stacked s.
  function loopModel(withCond: boolean): Model {
    const g = new Graph('main');
    const m = g.addInput('m', tensorType(DataType.INT64, []));
    const c = withCond ? g.addInput('cond', tensorType(DataType.BOOL, [])) : null;
    const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
    const a0 = g.addInput('a0', tensorType(DataType.FLOAT, [2]));
    const body = new Graph('body');
    const i = body.addInput('i', tensorType(DataType.INT64, []));
    body.addInput('cin', tensorType(DataType.BOOL, []));
    const a = body.addInput('a', tensorType(DataType.FLOAT, [2]));
    const a1 = add(body, 'Add', [a, x], 'a1', DataType.FLOAT, [2]);
    const one = add(body, 'Constant', [], 'one', DataType.INT64, [], [attr.int('value_int', 1)]);
    const two = add(body, 'Constant', [], 'two', DataType.INT64, [], [attr.int('value_int', 2)]);
    const first = add(body, 'Less', [i, one], 'first', DataType.BOOL, []);
    const then = new Graph('then');
    then.addOutput(add(then, 'Mul', [a1, x], 'ts', DataType.FLOAT, [2]));
    const other = new Graph('else');
    other.addOutput(add(other, 'Identity', [a1], 'es', DataType.FLOAT, [2]));
    const s = add(body, 'If', [first], 's', DataType.FLOAT, [2], [attr.graph('then_branch', then), attr.graph('else_branch', other)]);
    const cout = add(body, 'Less', [i, two], 'cout', DataType.BOOL, []);
    body.addOutput(cout);
    body.addOutput(a1);
    body.addOutput(s);
    const [af, ss] = addMulti(g, 'Loop', [m, c, a0], [['a_final', DataType.FLOAT, [2]], ['scans', DataType.FLOAT, ['T', 2]]], [attr.graph('body', body)]);
    g.addOutput(af!);
    g.addOutput(ss!);
    return new Model(g, new Map([['', 21]]));
  }
  const x = f32([0.5, -1]);
  const a0 = f32([1, 2]);
  it('stops when the body condition turns false before the trip count', () => compare(loopModel(true), { m: i64(5), cond: bool(true), x, a0 }));
  it('stops at the trip count', () => compare(loopModel(true), { m: i64(2), cond: bool(true), x, a0 }));
  it('stops at the trip count with cond omitted', () => compare(loopModel(false), { m: i64(1), x, a0 }));
  it('runs no iteration when cond starts false', () => compare(loopModel(true), { m: i64(5), cond: bool(false), x, a0 }));
  it('still stops on the body condition when the cond input is omitted (as onnxruntime does)', () => compare(loopModel(false), { m: i64(4), x, a0 }));
});

describe('Scan', () => {
  // State s accumulates slices of xs taken along axis 1 in reverse; two scan outputs: s1 * k (k from the
  // outer graph) stacked along axis 0, and x - s stacked along the last axis in reverse.
  function scanModel(): Model {
    const g = new Graph('main');
    const s0 = g.addInput('s0', tensorType(DataType.FLOAT, [2]));
    const xs = g.addInput('xs', tensorType(DataType.FLOAT, [2, 3]));
    const k = g.addInput('k', tensorType(DataType.FLOAT, [2]));
    const body = new Graph('body');
    const s = body.addInput('s', tensorType(DataType.FLOAT, [2]));
    const x = body.addInput('x', tensorType(DataType.FLOAT, [2]));
    const s1 = add(body, 'Add', [s, x], 's1', DataType.FLOAT, [2]);
    body.addOutput(s1);
    body.addOutput(add(body, 'Mul', [s1, k], 'y1', DataType.FLOAT, [2]));
    body.addOutput(add(body, 'Sub', [x, s], 'y2', DataType.FLOAT, [2]));
    const outs = addMulti(g, 'Scan', [s0, xs], [['s_final', DataType.FLOAT, [2]], ['ys1', DataType.FLOAT, [3, 2]], ['ys2', DataType.FLOAT, [2, 3]]], [
      attr.graph('body', body),
      attr.int('num_scan_inputs', 1),
      attr.ints('scan_input_axes', [1]),
      attr.ints('scan_input_directions', [1]),
      attr.ints('scan_output_axes', [0, -1]),
      attr.ints('scan_output_directions', [0, 1]),
    ]);
    for (const o of outs) g.addOutput(o);
    return new Model(g, new Map([['', 21]]));
  }
  it('scans along axis 1 in reverse, stacking outputs on chosen axes and directions', () =>
    compare(scanModel(), { s0: f32([0.25, -1]), xs: f32([1, 2, 3, 4, 5, 6], [2, 3]), k: f32([2, -3]) }));
});
