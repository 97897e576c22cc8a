/**
 * The elementwise table against onnxruntime-node: each case is a one-node model run by both engines on the
 * same inputs; expected values come from onnxruntime, never from our code.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../api/model-io.js';
import { DataType } from '../../../ir/dtype.js';
import { Session } from '../../session.js';
import { Tensor, type TensorType } from '../../tensor.js';
import { attr, oneNodeModel } from '../../test-models.js';
import type { Attribute } from '../../../ir/attribute.js';
import { floatToHalf } from '../float16.js';

const DT: Partial<Record<TensorType, DataType>> = {
  float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, int64: DataType.INT64,
  int8: DataType.INT8, uint8: DataType.UINT8, bool: DataType.BOOL, float16: DataType.FLOAT16,
};

interface Case {
  op: string;
  inputs: Tensor[];
  out?: TensorType;
  attrs?: Attribute[];
}

const f32 = (v: number[], dims = [v.length]): Tensor => new Tensor('float32', Float32Array.from(v), dims);
const i64 = (v: bigint[], dims = [v.length]): Tensor => new Tensor('int64', BigInt64Array.from(v), dims);
const i32 = (v: number[], dims = [v.length]): Tensor => new Tensor('int32', Int32Array.from(v), dims);
const u8 = (v: number[], dims = [v.length]): Tensor => new Tensor('uint8', Uint8Array.from(v), dims);
const bool = (v: number[], dims = [v.length]): Tensor => new Tensor('bool', Uint8Array.from(v), dims);
const f64 = (v: number[], dims = [v.length]): Tensor => new Tensor('float64', Float64Array.from(v), dims);

const f16 = (v: number[], dims = [v.length]): Tensor => new Tensor('float16', Uint16Array.from(v, floatToHalf), dims);
const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
/** Deterministic values in [-2, 2) on a 1/8 grid (exact in float16 and float32). */
const grid = (dims: number[], seed: number): number[] => Array.from({ length: count(dims) }, (_, i) => (((i * 37 + seed * 11) % 32) - 16) / 8);
const rf = (dims: number[], seed = 1): Tensor => f32(grid(dims, seed), dims);

const xs = [-2.5, -1, -0.5, 0, 0.3, 0.5, 1.5, 2.5, 3.7];
/** The broadcast patterns the binary driver specialises, and awkward ones it must still get right. */
const BROADCAST: Case[] = [
  { op: 'Add', inputs: [rf([2, 3, 4, 5]), rf([3, 1, 1], 2)] },
  { op: 'Mul', inputs: [rf([2, 3, 4]), rf([4], 2)] },
  { op: 'Sub', inputs: [rf([]), rf([2, 3], 2)] },
  { op: 'Sub', inputs: [rf([2, 3], 2), rf([1, 1])] },
  { op: 'Div', inputs: [rf([2, 1, 4]), f32([1, 2, -4], [1, 3, 1])] },
  { op: 'Add', inputs: [rf([4, 1]), rf([1, 5], 2)] },
  { op: 'Add', inputs: [rf([1, 5]), rf([4, 1], 2)] },
  { op: 'Mul', inputs: [rf([3, 1, 2, 1, 4]), rf([2, 5, 1], 2)] },
  { op: 'Pow', inputs: [f32([1, 2, 3, 0.5, 4, 9], [2, 3]), f32([2])] },
  { op: 'Max', inputs: [rf([2, 3, 4]), rf([3, 1], 2)] },
  { op: 'Greater', inputs: [rf([2, 3, 4]), rf([4], 2)], out: 'bool' },
  { op: 'Add', inputs: [i32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), i32([10, 20], [2, 1])] },
  { op: 'Div', inputs: [i32([7, -7, 9, -9, 20, -20], [3, 2]), i32([2, -3])] },
  { op: 'Add', inputs: [i64([1n, 2n, 3n, 4n, 5n, 6n], [2, 3]), i64([9007199254740993n, 0n, -1n])] },
  { op: 'Mul', inputs: [f16(grid([2, 3, 2, 2], 1), [2, 3, 2, 2]), f16([1, -2, 0.5], [3, 1, 1])] },
  { op: 'Add', inputs: [f64(grid([2, 4], 3), [2, 4]), f64([0.25])] },
  { op: 'Sub', inputs: [rf([0, 3]), rf([3], 2)] },
  { op: 'PRelu', inputs: [rf([2, 3, 2, 2]), f32([0.1, 0.2, 0.3], [3, 1, 1])] },
  { op: 'Sum', inputs: [rf([2, 3]), rf([3], 2), rf([2, 1], 3), rf([], 4)] },
  { op: 'Mean', inputs: [rf([2, 3]), rf([3], 2), rf([2, 3], 3)] },
  { op: 'Max', inputs: [rf([4], 1), rf([2, 1], 2), rf([4], 3)] },
  { op: 'Sum', inputs: [rf([2, 3])] },
  { op: 'Relu', inputs: [f16(grid([3, 4], 2), [3, 4])] },
  { op: 'Sigmoid', inputs: [f64(grid([3, 4], 2), [3, 4])] },
  { op: 'HardSwish', inputs: [rf([2, 3, 4, 4])] },
  { op: 'Where', inputs: [bool([1, 0, 1, 1, 0, 0], [2, 3]), rf([2, 3]), rf([3], 2)], out: 'float32' },
];
const CASES: Case[] = [
  ...['Abs', 'Neg', 'Exp', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Tanh', 'Erf', 'Sigmoid', 'Relu', 'Softplus', 'Softsign', 'Atan'].map((op) => ({ op, inputs: [f32(xs)] })),
  { op: 'LeakyRelu', inputs: [f32(xs)], attrs: [attr.float('alpha', 0.3)] },
  { op: 'Elu', inputs: [f32(xs)], attrs: [attr.float('alpha', 0.7)] },
  { op: 'HardSigmoid', inputs: [f32(xs)] },
  { op: 'Gelu', inputs: [f32(xs)], attrs: [attr.string('approximate', 'tanh')] },
  { op: 'Sqrt', inputs: [f64([0, 1, 2, 9.5])] },
  { op: 'Abs', inputs: [i64([-9007199254740993n, 5n, -1n])] },
  { op: 'Neg', inputs: [i32([-3, 0, 7])] },
  { op: 'Not', inputs: [bool([0, 1, 1])] },
  { op: 'IsNaN', inputs: [f32([NaN, 1, Infinity])], out: 'bool' },
  { op: 'Add', inputs: [f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([10, 20, 30])] },
  { op: 'Sub', inputs: [i64([9007199254740993n, 1n], [2, 1]), i64([1n, 2n, 3n])] },
  { op: 'Mul', inputs: [u8([200, 3]), u8([2, 4])] },
  { op: 'Div', inputs: [i32([7, -7, 7, -7]), i32([2, 2, -2, -2])] },
  { op: 'Div', inputs: [i64([7n, -7n, 9007199254740993n]), i64([2n, 2n, 3n])] },
  { op: 'Div', inputs: [f32([1, -1, 3]), f32([4, 8, 0])] },
  { op: 'Mod', inputs: [i32([7, -7, 7, -7]), i32([3, 3, -3, -3])] },
  { op: 'Mod', inputs: [f32([7.5, -7.5]), f32([2, 2])], attrs: [attr.int('fmod', 1)] },
  { op: 'Pow', inputs: [f32([2, 3, 0.5]), f32([3, 0.5, 2])] },
  { op: 'Pow', inputs: [i64([2n, 3n, -2n]), i64([10n, 3n, 3n])] },
  { op: 'Max', inputs: [f32([1, 5, 3], [3, 1]), f32([2, 4])] },
  { op: 'Min', inputs: [i64([1n, 5n]), i64([2n, 4n]), i64([0n, 9n])] },
  { op: 'Equal', inputs: [i32([1, 2, 3]), i32([1, 0, 3])], out: 'bool' },
  { op: 'Less', inputs: [f32([1, 2, 3]), f32([2])], out: 'bool' },
  { op: 'GreaterOrEqual', inputs: [i64([1n, 2n, 3n]), i64([2n])], out: 'bool' },
  { op: 'And', inputs: [bool([0, 1, 1, 0]), bool([1, 1, 0, 0])] },
  { op: 'Xor', inputs: [bool([0, 1, 1, 0]), bool([1, 1, 0, 0])] },
  { op: 'BitShift', inputs: [u8([1, 2, 128]), u8([1, 2, 1])], attrs: [attr.string('direction', 'LEFT')] },
  { op: 'BitwiseAnd', inputs: [i32([12, -1]), i32([10, 6])] },
  { op: 'Where', inputs: [bool([1, 0, 1]), f32([1, 2, 3]), f32([-1])], out: 'float32' },
  { op: 'Sum', inputs: [f32([1, 2]), f32([3, 4]), f32([5])] },
  { op: 'Mean', inputs: [f32([1, 2]), f32([3, 4])] },
  ...BROADCAST,
];

function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[]);
}

describe('elementwise kernels match onnxruntime-node', () => {
  it.each(CASES.map((c, i) => [`${c.op} ${c.inputs.map((t) => t.type).join(',')} #${i}`, c] as const))('%s', async (_n, c) => {
    const outType = c.out ?? (['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'IsNaN'].includes(c.op) ? 'bool' : c.inputs[c.op === 'Where' ? 1 : 0]!.type);
    const model = oneNodeModel(c.op, c.inputs.map((t) => ({ dtype: DT[t.type]!, shape: t.dims })), DT[outType]!, c.attrs ?? []);
    const ref = await ort.InferenceSession.create(encodeModel(model));
    const feeds = Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, toOrt(t)]));
    const want = (await ref.run(feeds))['y']!;
    const ours = await Session.create(model, { backend: 'cpu' });
    const got = (await ours.run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t]))))['y']!;
    expect(got.type).toBe(want.type);
    expect(got.dims).toEqual(want.dims);
    const g = Array.from(got.data as ArrayLike<number | bigint>);
    const w = Array.from(want.data as ArrayLike<number | bigint>);
    if (outType === 'float32' || outType === 'float64') {
      g.forEach((v, i) => {
        const e = w[i] as number;
        if (Number.isNaN(e)) expect(v).toBeNaN();
        else if (!Number.isFinite(e)) expect(v).toBe(e);
        else expect(Math.abs((v as number) - e)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(e));
      });
    } else expect(g).toEqual(w);
  });
});
