/**
 * Movement kernels against onnxruntime-node on the strided fast paths (collapsed transposes, runs copied
 * as words for 1-, 2-, 4- and 8-byte types and strings) and their awkward cases (size-1 and empty dims,
 * negative steps and pads). Expected values come from onnxruntime, never from our code.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import { attr, type Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { Tensor, type TensorType } from '../../../tensor.js';

const DT: Partial<Record<TensorType, DataType>> = {
  float32: DataType.FLOAT, float64: DataType.DOUBLE, float16: DataType.FLOAT16, int8: DataType.INT8, uint8: DataType.UINT8,
  int16: DataType.INT16, int32: DataType.INT32, int64: DataType.INT64, bool: DataType.BOOL, string: DataType.STRING,
};

const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
const iota = (dims: number[]): number[] => Array.from({ length: count(dims) }, (_, i) => i);

/** A tensor of `type` holding 0, 1, 2, ... (wrapped to the type), distinct per element where the type allows. */
function seq(type: TensorType, dims: number[]): Tensor {
  const v = iota(dims);
  switch (type) {
    case 'string':
      return new Tensor('string', v.map((i) => `s${i}`), dims);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(v, (i) => BigInt(i) * 4294967311n - 7n), dims);
    case 'float16':
      return new Tensor('float16', Uint16Array.from(v, (i) => 0x3c00 + i), dims);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(v, (i) => (i * 7) % 3 & 1), dims);
    case 'float64':
      return new Tensor('float64', Float64Array.from(v, (i) => i + 0.25), dims);
    case 'int8':
      return new Tensor('int8', Int8Array.from(v, (i) => (i % 200) - 100), dims);
    case 'uint8':
      return new Tensor('uint8', Uint8Array.from(v, (i) => i % 256), dims);
    case 'int16':
      return new Tensor('int16', Int16Array.from(v, (i) => i - 300), dims);
    case 'int32':
      return new Tensor('int32', Int32Array.from(v, (i) => i * 1000 - 5), dims);
    default:
      return new Tensor('float32', Float32Array.from(v, (i) => i / 4 - 3), dims);
  }
}
const i64 = (v: number[]): Tensor => new Tensor('int64', BigInt64Array.from(v, BigInt), [v.length]);

interface Case {
  name: string;
  op: string;
  inputs: Tensor[];
  attrs?: Attribute[];
  opset?: number;
  outputs?: number;
}

const TYPES: TensorType[] = ['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool', 'string'];

const CASES: Case[] = [
  ...TYPES.flatMap((t): Case[] => [
    { name: `Transpose 2-D ${t}`, op: 'Transpose', inputs: [seq(t, [5, 7])], attrs: [attr.ints('perm', [1, 0])] },
    { name: `Transpose 0213 ${t}`, op: 'Transpose', inputs: [seq(t, [2, 3, 4, 5])], attrs: [attr.ints('perm', [0, 2, 1, 3])] },
    { name: `Slice ${t}`, op: 'Slice', inputs: [seq(t, [3, 4, 5]), i64([1, -1]), i64([3, 0]), i64([0, 2]), i64([1, -2])] },
    { name: `Concat ${t}`, op: 'Concat', inputs: [seq(t, [2, 1, 3]), seq(t, [2, 2, 3])], attrs: [attr.int('axis', 1)] },
    { name: `Expand ${t}`, op: 'Expand', inputs: [seq(t, [3, 1]), i64([2, 3, 4])] },
    { name: `Tile ${t}`, op: 'Tile', inputs: [seq(t, [2, 3]), i64([2, 2])] },
    // onnxruntime's string Gather copies one element per index, so strings gather rows of one.
    { name: `Gather ${t}`, op: 'Gather', inputs: [seq(t, t === 'string' ? [4, 1] : [4, 3]), i64([3, -4, 1])], attrs: [attr.int('axis', 0)] },
  ]),
  ...TYPES.filter((t) => t !== 'string' && t !== 'int16').map((t): Case => ({ name: `Pad constant ${t}`, op: 'Pad', inputs: [seq(t, [2, 3]), i64([1, 0, 0, 2]), seq(t, [])] })),
  { name: 'Transpose default perm (reverse)', op: 'Transpose', inputs: [seq('float32', [2, 3, 4])] },
  { name: 'Transpose 0231 (NCHW->NHWC)', op: 'Transpose', inputs: [seq('float32', [2, 3, 4, 5])], attrs: [attr.ints('perm', [0, 2, 3, 1])] },
  { name: 'Transpose 31420 rank 5', op: 'Transpose', inputs: [seq('float32', [2, 1, 3, 4, 2])], attrs: [attr.ints('perm', [3, 1, 4, 2, 0])] },
  { name: 'Transpose size-1 dims only move', op: 'Transpose', inputs: [seq('float32', [1, 6, 1])], attrs: [attr.ints('perm', [2, 1, 0])] },
  { name: 'Transpose identity perm', op: 'Transpose', inputs: [seq('int64', [3, 4])], attrs: [attr.ints('perm', [0, 1])] },
  { name: 'Transpose empty dim', op: 'Transpose', inputs: [seq('float32', [2, 0, 3])], attrs: [attr.ints('perm', [2, 0, 1])] },
  { name: 'Transpose scalar-like rank 0', op: 'Transpose', inputs: [seq('float32', [])] },
  { name: 'Transpose tiled 2-D (edges off the tile)', op: 'Transpose', inputs: [seq('float32', [40, 70])], attrs: [attr.ints('perm', [1, 0])] },
  { name: 'Transpose tiled batched 021', op: 'Transpose', inputs: [seq('int32', [2, 33, 50])], attrs: [attr.ints('perm', [0, 2, 1])] },
  { name: 'Transpose 102 long rows', op: 'Transpose', inputs: [seq('float32', [3, 4, 100])], attrs: [attr.ints('perm', [1, 0, 2])] },
  { name: 'Slice negative step whole axis', op: 'Slice', inputs: [seq('float32', [4, 6]), i64([-1]), i64([-1000]), i64([1]), i64([-1])] },
  { name: 'Slice step 3 to empty', op: 'Slice', inputs: [seq('int64', [4, 6]), i64([5, 2]), i64([1, 3]), i64([0, 1])] },
  { name: 'Slice contiguous middle rows', op: 'Slice', inputs: [seq('float32', [6, 80]), i64([1]), i64([5]), i64([0])] },
  { name: 'Concat 3 inputs, one empty', op: 'Concat', inputs: [seq('float32', [2, 2]), seq('float32', [2, 0]), seq('float32', [2, 3])], attrs: [attr.int('axis', -1)] },
  { name: 'Concat int64 shape pieces', op: 'Concat', inputs: [i64([2]), i64([8]), i64([-1, 4])], attrs: [attr.int('axis', 0)] },
  { name: 'Concat long runs', op: 'Concat', inputs: [seq('float32', [2, 100]), seq('float32', [2, 70])], attrs: [attr.int('axis', 1)] },
  { name: 'Split uneven', op: 'Split', inputs: [seq('int64', [2, 7]), i64([2, 5])], attrs: [attr.int('axis', 1)], outputs: 2 },
  { name: 'Split num_outputs', op: 'Split', inputs: [seq('float16', [7, 2])], attrs: [attr.int('axis', 0), attr.int('num_outputs', 3)], outputs: 3 },
  { name: 'Gather scalar index inner axis', op: 'Gather', inputs: [seq('float32', [3, 4, 5]), new Tensor('int64', [-2n], [])], attrs: [attr.int('axis', 1)] },
  { name: 'Gather 2-D indices', op: 'Gather', inputs: [seq('int64', [5, 2]), new Tensor('int64', BigInt64Array.of(0n, 4n, 2n, 2n), [2, 2])], attrs: [attr.int('axis', 0)] },
  { name: 'Expand to higher rank, leading 1', op: 'Expand', inputs: [seq('float32', [1, 3, 1]), i64([2, 1, 1, 4])] },
  { name: 'Expand no-op', op: 'Expand', inputs: [seq('float32', [2, 3]), i64([1])] },
  { name: 'Tile with a zero', op: 'Tile', inputs: [seq('float32', [2, 3]), i64([0, 2])] },
  { name: 'Tile 3-D', op: 'Tile', inputs: [seq('int64', [2, 1, 3]), i64([1, 3, 2])] },
  { name: 'Pad negative (crop) and positive', op: 'Pad', inputs: [seq('float32', [3, 4]), i64([-1, 2, 1, -2]), new Tensor('float32', [-9], [])] },
  { name: 'Pad 4-D spatial', op: 'Pad', inputs: [seq('float32', [1, 2, 3, 3]), i64([0, 0, 1, 2, 0, 0, 2, 1])] },
  { name: 'Pad with axes', op: 'Pad', inputs: [seq('float32', [2, 3, 4]), i64([1, 1]), new Tensor('float32', [5], []), i64([-1])] },
  { name: 'Pad reflect', op: 'Pad', inputs: [seq('float32', [3, 4]), i64([1, 2, 1, 2])], attrs: [attr.string('mode', 'reflect')] },
  { name: 'Pad edge', op: 'Pad', inputs: [seq('int32', [3, 4]), i64([2, 1, 0, 3])], attrs: [attr.string('mode', 'edge')] },
];

function modelOf(c: Case): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)));
  const names = Array.from({ length: c.outputs ?? 1 }, (_, i) => `y${i}`);
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs: names, attributes: c.attrs ?? [] }));
  names.forEach((_, i) => {
    n.output(i).type = tensorType(DT[c.inputs[0]!.type]!);
    g.addOutput(n.output(i));
  });
  return new Model(g, new Map([['', c.opset ?? 18]]));
}

function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[]);
}

describe('movement kernels match onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const model = modelOf(c);
    const want = await (await ort.InferenceSession.create(encodeModel(model))).run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, toOrt(t)])));
    const got = await (await Session.create(model, { backend: 'cpu' })).run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t])));
    for (const name of Object.keys(want)) {
      const w = want[name]!;
      const g = got[name]!;
      expect(g.dims, name).toEqual(w.dims);
      expect(Array.from(g.data as ArrayLike<unknown>), name).toEqual(Array.from(w.data as ArrayLike<unknown>));
    }
  });
});
