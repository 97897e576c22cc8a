/**
 * Quantization kernels against onnxruntime-node: the same one-node model run by both engines; expected
 * values come from onnxruntime.
 */
import { attr } from '../../../../ir/attribute.js';
import { describe, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import type { Attribute } from '../../../../ir/attribute.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { dataTypeOf, Tensor, type TensorType } from '../../../tensor.js';

/** Runs one `op` node on `feeds` (null: an omitted input) in onnxruntime-node and in our engine; they must agree. */
async function compare(op: string, feeds: (Tensor | null)[], outs: TensorType[], attributes: Attribute[] = [], opset = 21, tol = 1e-5): Promise<void> {
  const g = new Graph('g');
  const ins = feeds.map((t, i) => (t ? g.addInput(`x${i}`, tensorType(dataTypeOf(t.type), [...t.dims])) : null));
  const n = g.appendNode(new Node(op, ins, { name: 'n', outputs: outs.map((_, i) => `y${i}`), attributes }));
  outs.forEach((t, i) => {
    n.output(i).type = tensorType(dataTypeOf(t));
    g.addOutput(n.output(i));
  });
  const model = new Model(g, new Map([['', opset]]));
  const named = Object.fromEntries(feeds.flatMap((t, i) => (t ? [[`x${i}`, t] as const] : [])));
  const ref = await ort.InferenceSession.create(encodeModel(model));
  const want = await ref.run(Object.fromEntries(Object.entries(named).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])])));
  const got = await (await Session.create(model, { backend: 'cpu' })).run(named);
  outs.forEach((_, i) => {
    const w = want[`y${i}`]!;
    const o = got[`y${i}`]!;
    expect([o.type, o.dims]).toEqual([w.type, w.dims]);
    const ws = Array.from(w.data as ArrayLike<number>, Number);
    Array.from(o.data as ArrayLike<number>, Number).forEach((x, j) => expect(Math.abs(x - ws[j]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(ws[j]!))));
  });
}

const f32 = (v: number[], dims = [v.length]): Tensor => new Tensor('float32', Float32Array.from(v), dims);
const q = (type: TensorType, v: number[], dims = [v.length]): Tensor => new Tensor(type, v, dims);
const ramp = (n: number, a: number, step: number): number[] => Array.from({ length: n }, (_, i) => a + i * step);

describe('QuantizeLinear', () => {
  it('rounds half to even and saturates (uint8, per tensor)', () =>
    compare('QuantizeLinear', [f32([0.5, 1.5, 2.5, -0.5, -1.5, 300, -300, 7.25]), f32([1], []), q('uint8', [3], [])], ['uint8']));
  it('defaults to uint8 with no zero point', () => compare('QuantizeLinear', [f32([0.5, 1.5, -2, 600]), f32([2], [])], ['uint8']));
  it('quantizes per axis to int8', () =>
    compare('QuantizeLinear', [f32(ramp(24, -30, 2.7), [2, 3, 4]), f32([0.5, 1, 2]), q('int8', [-3, 0, 5])], ['int8'], [attr.int('axis', 1)]));
  it('quantizes to int16 on a negative axis', () =>
    compare('QuantizeLinear', [f32(ramp(6, -7000, 2900.5), [3, 2]), f32([0.25, 0.5]), q('int16', [10, -10])], ['int16'], [attr.int('axis', -1)]));
});

describe('DequantizeLinear', () => {
  it('dequantizes uint8 per tensor', () => compare('DequantizeLinear', [q('uint8', [0, 3, 128, 255]), f32([0.5], []), q('uint8', [128], [])], ['float32']));
  it('dequantizes int8 per axis', () =>
    compare('DequantizeLinear', [q('int8', ramp(12, -100, 17), [3, 4]), f32([0.1, 0.2, 0.3]), q('int8', [1, -2, 3])], ['float32'], [attr.int('axis', 0)]));
  it('dequantizes int32 with no zero point', () => compare('DequantizeLinear', [q('int32', [-1000000, 0, 7, 123456]), f32([0.001], [])], ['float32']));
  it('dequantizes uint16 blocked along axis 1', () =>
    compare('DequantizeLinear', [q('uint16', ramp(12, 0, 5000), [2, 6]), f32([1, 2, 3, 4], [2, 2]), q('uint16', [1, 2, 3, 4], [2, 2])], ['float32'],
      [attr.int('axis', 1), attr.int('block_size', 3)]));
});

describe('DynamicQuantizeLinear', () => {
  it('derives scale and zero point from the range', () =>
    compare('DynamicQuantizeLinear', [f32([-1.2, 0.3, 2.9, 5.5, -0.01, 1.7], [2, 3])], ['uint8', 'float32', 'uint8'], [], 11));
  it('handles all-positive inputs (zero point 0)', () => compare('DynamicQuantizeLinear', [f32([1, 2, 3, 255])], ['uint8', 'float32', 'uint8'], [], 11));
});

describe('MatMulInteger', () => {
  it('subtracts per-tensor zero points (uint8 x uint8)', () =>
    compare('MatMulInteger', [q('uint8', ramp(6, 1, 40), [2, 3]), q('uint8', ramp(12, 250, -20), [3, 4]), q('uint8', [12], []), q('uint8', [100], [])], ['int32'], [], 10));
  it('broadcasts batch dims with a per-column zero point of B (int8 x uint8; onnxruntime takes no per-row one)', () =>
    compare('MatMulInteger', [q('int8', ramp(24, -100, 9), [2, 3, 4]), q('uint8', ramp(8, 3, 31), [4, 2]), q('int8', [-2], []), q('uint8', [7, 9])], ['int32'], [], 10));
  it('omits zero points', () => compare('MatMulInteger', [q('int8', ramp(6, -3, 2), [3, 2]), q('int8', ramp(4, 5, -3), [2, 2])], ['int32'], [], 10));
});

describe('QLinearMatMul', () => {
  it('requantizes uint8 products', () =>
    compare('QLinearMatMul', [q('uint8', ramp(8, 2, 31), [2, 4]), f32([0.02], []), q('uint8', [113], []), q('uint8', ramp(12, 250, -19), [4, 3]), f32([0.007], []),
      q('uint8', [114], []), f32([0.05], []), q('uint8', [118], [])], ['uint8'], [], 10));
  it('requantizes 3-D int8 products', () =>
    compare('QLinearMatMul', [q('int8', ramp(24, -120, 10), [2, 3, 4]), f32([0.03], []), q('int8', [-3], []), q('int8', ramp(8, 90, -23), [4, 2]), f32([0.01], []),
      q('int8', [2], []), f32([0.08], []), q('int8', [-1], [])], ['int8'], [], 10));
});

describe('ConvInteger', () => {
  it('pads with the zero point, strides and groups', () =>
    compare('ConvInteger', [q('uint8', ramp(2 * 4 * 5 * 5, 0, 7).map((v) => v % 256), [2, 4, 5, 5]), q('uint8', ramp(4 * 2 * 3 * 3, 0, 11).map((v) => v % 256), [4, 2, 3, 3]),
      q('uint8', [9], []), q('uint8', [100], [])], ['int32'], [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 1]), attr.int('group', 2)], 10));
});

describe('QLinearConv', () => {
  it('requantizes with per-channel weight scales and a bias (uint8 x, int8 w)', () =>
    compare('QLinearConv', [q('uint8', ramp(1 * 3 * 6 * 6, 0, 13).map((v) => v % 256), [1, 3, 6, 6]), f32([0.02], []), q('uint8', [120], []),
      q('int8', ramp(2 * 3 * 2 * 2, -60, 5), [2, 3, 2, 2]), f32([0.01, 0.03]), q('int8', [0, 0]), f32([0.1], []), q('uint8', [128], []), q('int32', [500, -700])],
    ['uint8'], [attr.ints('pads', [0, 1, 1, 0]), attr.ints('dilations', [2, 1])], 10));
});
