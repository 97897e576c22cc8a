/**
 * One-node kernel cases checked against onnxruntime-node (the kernel families' `*.test.ts` under
 * src/runtime/cpu/kernels): both engines run the same model on the same inputs and every output must
 * agree within 1e-5 + 1e-4 * |expected|. Expected values come from onnxruntime, never from our code.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../src/api/model-io.js';
import type { Attribute } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph } from '../../src/ir/graph.js';
import { Model } from '../../src/ir/model.js';
import { Node } from '../../src/ir/node.js';
import { tensorType } from '../../src/ir/types.js';
import { Session } from '../../src/runtime/session.js';
import { Tensor, type TensorType } from '../../src/runtime/tensor.js';

export interface KernelCase {
  name: string;
  op: string;
  /** Undefined entries are omitted optional inputs. */
  inputs: (Tensor | undefined)[];
  attrs?: Attribute[];
  outputs?: { name: string; type: TensorType }[];
  opset?: number;
}

/** Deterministic pseudo-random values in [-1, 1). */
export function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
export const f32 = (dims: number[], seed: number): Tensor => new Tensor('float32', Float32Array.from(rand(count(dims), seed)), dims);
export const fv = (dims: number[], values: number[]): Tensor => new Tensor('float32', Float32Array.from(values), dims);
export const i64 = (dims: number[], values: number[]): Tensor => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

/** The default: one float32 output named y. */
export const Y: { name: string; type: TensorType }[] = [{ name: 'y', type: 'float32' }];

const DT: Record<string, DataType> = { float32: DataType.FLOAT, int64: DataType.INT64, bool: DataType.BOOL };

function modelOf(c: KernelCase): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => (t ? g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)) : null));
  const outputs = c.outputs ?? Y;
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs: outputs.map((o) => o.name), attributes: c.attrs ?? [] }));
  outputs.forEach((o, i) => {
    n.output(i).type = tensorType(DT[o.type]!);
    g.addOutput(n.output(i));
  });
  return new Model(g, new Map([['', c.opset ?? 21]]));
}

export async function expectMatchesOrt(c: KernelCase): Promise<void> {
  const model = modelOf(c);
  const feeds = c.inputs.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : []));
  const ref = await ort.InferenceSession.create(encodeModel(model));
  const want = await ref.run(Object.fromEntries(feeds.map(([k, t]) => [k, new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[])])));
  const ours = await Session.create(model, { backend: 'cpu' });
  const got = await ours.run(Object.fromEntries(feeds));
  for (const { name } of c.outputs ?? Y) {
    const g = got[name]!;
    const w = want[name]!;
    expect(g.dims, name).toEqual(w.dims);
    const gv = Array.from(g.data as ArrayLike<number | bigint>, Number);
    const wv = Array.from(w.data as ArrayLike<number | bigint>, Number);
    expect(gv.length).toBe(wv.length);
    gv.forEach((v, i) => expect(Math.abs(v - wv[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(wv[i]!)));
  }
}
