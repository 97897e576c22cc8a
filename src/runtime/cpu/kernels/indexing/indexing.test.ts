/**
 * The indexing family against onnxruntime-node: each case is a one-node model run by both engines on the
 * same inputs; expected values come from onnxruntime, never from our code.
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
  float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, int64: DataType.INT64,
  uint8: DataType.UINT8, bool: DataType.BOOL, float16: DataType.FLOAT16,
};

interface Case {
  op: string;
  /** null: an omitted optional input. */
  inputs: (Tensor | null)[];
  outs: TensorType[];
  attrs?: Attribute[];
  opset?: number;
}

const f32 = (v: number[], dims = [v.length]): Tensor => new Tensor('float32', Float32Array.from(v), dims);
const i64 = (v: (number | bigint)[], dims = [v.length]): Tensor => new Tensor('int64', BigInt64Array.from(v, BigInt), dims);
const i32 = (v: number[], dims = [v.length]): Tensor => new Tensor('int32', Int32Array.from(v), dims);
const bool = (v: number[], dims = [v.length]): Tensor => new Tensor('bool', Uint8Array.from(v), dims);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

const CASES: Case[] = [
  { op: 'GatherElements', inputs: [f32(range(6), [2, 3]), i64([2, -1, 0, 1, 0, -3], [2, 3])], outs: ['float32'], attrs: [attr.int('axis', 1)] },
  { op: 'GatherElements', inputs: [i64([9007199254740993n, 2, 3, 4], [2, 2]), i64([1, 0], [1, 2])], outs: ['int64'] },
  { op: 'ScatterElements', inputs: [f32(range(6), [2, 3]), i64([0, 0, 2, 1], [2, 2]), f32([10, 20, 30, 40], [2, 2])], outs: ['float32'], attrs: [attr.int('axis', 1), attr.string('reduction', 'add')] },
  { op: 'ScatterElements', inputs: [i64(range(6), [3, 2]), i64([2, 2, 0, -1], [2, 2]), i64([7, -5, 9, 3], [2, 2])], outs: ['int64'], attrs: [attr.string('reduction', 'max')] },
  { op: 'ScatterElements', inputs: [i32([5, 5, 5], [3]), i64([1, 1], [2]), i32([3, 4], [2])], outs: ['int32'], attrs: [attr.string('reduction', 'mul')] },
  { op: 'GatherND', inputs: [f32(range(24), [2, 3, 4]), i64([1, 2, 0, 3], [2, 1, 2])], outs: ['float32'], attrs: [attr.int('batch_dims', 1)] },
  { op: 'GatherND', inputs: [i32(range(8), [2, 2, 2]), i64([0, 1, 1, 0], [2, 2])], outs: ['int32'] },
  { op: 'ScatterND', inputs: [f32(range(8), [2, 4]), i64([1, 0, 1], [3, 1]), f32(range(12).map((x) => x + 1), [3, 4])], outs: ['float32'], attrs: [attr.string('reduction', 'mul')] },
  { op: 'ScatterND', inputs: [i64(range(6), [2, 3]), i64([0, 2, 1, 1], [2, 2]), i64([100, -100], [2])], outs: ['int64'], attrs: [attr.string('reduction', 'min')] },
  { op: 'OneHot', inputs: [i64([0, 3, -1, 7], [2, 2]), i64([4], [1]), f32([-1, 5])], outs: ['float32'], attrs: [attr.int('axis', 1)] },
  { op: 'TopK', inputs: [f32([3, 1, 3, 2, 1, 3, 0, 2], [2, 4]), i64([3])], outs: ['float32', 'int64'] },
  { op: 'TopK', inputs: [i64([3, 1, 3, 2, 1, 3, 0, 1], [4, 2]), i64([2])], outs: ['int64', 'int64'], attrs: [attr.int('axis', 0), attr.int('largest', 0)] },
  { op: 'CumSum', inputs: [f32(range(6), [2, 3]), i32([1])], outs: ['float32'], attrs: [attr.int('exclusive', 1), attr.int('reverse', 1)] },
  { op: 'CumSum', inputs: [i64([9007199254740993n, 1, 2, 3], [2, 2]), i64([0])], outs: ['int64'] },
  { op: 'Trilu', inputs: [f32(range(24), [2, 3, 4]), i64([1])], outs: ['float32'] },
  { op: 'Trilu', inputs: [i32(range(12), [4, 3]), i64([-1])], outs: ['int32'], attrs: [attr.int('upper', 0)] },
  { op: 'NonZero', inputs: [f32([0, 1.5, -0, 2, 0, NaN], [2, 3])], outs: ['int64'] },
  { op: 'NonZero', inputs: [bool([1, 0, 1, 1], [2, 1, 2])], outs: ['int64'] },
  { op: 'Compress', inputs: [f32(range(12), [3, 4]), bool([0, 1, 1])], outs: ['float32'], attrs: [attr.int('axis', 1)] },
  { op: 'Compress', inputs: [i32(range(6), [2, 3]), bool([1, 0, 0, 1, 1])], outs: ['int32'] },
  { op: 'DepthToSpace', inputs: [f32(range(32), [1, 8, 2, 2])], outs: ['float32'], attrs: [attr.int('blocksize', 2)] },
  { op: 'DepthToSpace', inputs: [f32(range(32), [1, 8, 2, 2])], outs: ['float32'], attrs: [attr.int('blocksize', 2), attr.string('mode', 'CRD')] },
  { op: 'SpaceToDepth', inputs: [f32(range(32), [1, 2, 4, 4])], outs: ['float32'], attrs: [attr.int('blocksize', 2)] },
  ...resizeCases(),
];

function resizeCases(): Case[] {
  const img = f32(range(20).map((v) => (v * 7) % 11), [1, 1, 4, 5]);
  const none = f32([], [0]);
  const omit = null;
  const sc = (v: number[]): Tensor => f32(v);
  const sz = (v: number[]): Tensor => i64(v);
  const mk = (inputs: (Tensor | null)[], ...attrs: Attribute[]): Case => ({ op: 'Resize', inputs, outs: ['float32'], attrs });
  return [
    mk([img, none, sc([1, 1, 2, 1.5])], attr.string('mode', 'linear')),
    // align_corners with scale * size integral: onnxruntime divides by the integer output length where the
    // ONNX reference (and this kernel, to pass the conformance suite) uses the unrounded `scale * size`.
    mk([img, none, sc([1, 1, 0.5, 0.8])], attr.string('mode', 'cubic'), attr.string('coordinate_transformation_mode', 'align_corners')),
    mk([img, none, sc([1, 1, 1.7, 2.3])], attr.string('mode', 'cubic'), attr.int('exclude_outside', 1), attr.float('cubic_coeff_a', -0.5)),
    mk([img, none, sc([1, 1, 2.5, 0.5])], attr.string('coordinate_transformation_mode', 'asymmetric'), attr.string('nearest_mode', 'floor')),
    mk([img, omit, omit, sz([1, 1, 7, 3])], attr.string('nearest_mode', 'round_prefer_ceil'), attr.string('coordinate_transformation_mode', 'half_pixel_symmetric')),
    mk([img, omit, omit, sz([3, 8])], attr.ints('axes', [2, 3]), attr.string('keep_aspect_ratio_policy', 'not_larger'), attr.string('mode', 'linear')),
    mk([img, f32([0, 0, 0.2, -0.1, 1, 1, 0.9, 1.2]), omit, sz([1, 1, 3, 4])], attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'tf_crop_and_resize'), attr.float('extrapolation_value', 9)),
    mk([img, none, sc([1, 1, 0.5, 0.6])], attr.string('mode', 'linear'), attr.int('antialias', 1)),
    // Integer results truncate as in onnxruntime; weights exact in binary, so float32 vs float64 sums agree.
    { op: 'Resize', inputs: [new Tensor('uint8', Uint8Array.from(range(12).map((v) => (v * 37) % 256)), [1, 1, 3, 4]), none, sc([1, 1, 2, 2])], outs: ['uint8'], attrs: [attr.string('mode', 'linear')] },
    mk([img, omit, omit, sz([1, 1, 2, 3])], attr.string('mode', 'cubic'), attr.int('antialias', 1)),
  ];
}

function model(c: Case): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => (t ? g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)) : null));
  const names = c.outs.map((_, i) => `y${i}`);
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs: names, attributes: c.attrs ?? [] }));
  c.outs.forEach((t, i) => {
    n.output(i).type = tensorType(DT[t]!);
    g.addOutput(n.output(i));
  });
  return new Model(g, new Map([['', c.opset ?? 21]]));
}

describe('indexing kernels match onnxruntime-node', () => {
  it.each(CASES.map((c, i) => [`${c.op} ${c.inputs.map((t) => t?.type ?? '-').join(',')} #${i}`, c] as const))('%s', async (_n, c) => {
    const m = model(c);
    const ref = await ort.InferenceSession.create(encodeModel(m));
    const want = await ref.run(Object.fromEntries(c.inputs.flatMap((t, i) => (t ? [[`x${i}`, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])]] : []))));
    const ours = await Session.create(m, { backend: 'cpu' });
    const got = await ours.run(Object.fromEntries(c.inputs.flatMap((t, i) => (t ? [[`x${i}`, t]] : []))));
    c.outs.forEach((_, i) => {
      const g = got[`y${i}`]!;
      const w = want[`y${i}`]!;
      expect(g.type).toBe(w.type);
      expect(g.dims).toEqual(w.dims);
      const gv = Array.from(g.data as ArrayLike<number | bigint>);
      const wv = Array.from(w.data as ArrayLike<number | bigint>);
      if (g.type === 'float32') gv.forEach((v, j) => expect(Math.abs((v as number) - (wv[j] as number))).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(wv[j] as number)));
      else expect(gv).toEqual(wv);
    });
  });
});
