/**
 * Conv, ConvTranspose, InstanceNormalization, MaxPool, AveragePool and LpPool against onnxruntime-node: each
 * case is a one-node model run by both engines on the same inputs; expected values come from onnxruntime,
 * never from our code. Every case runs on the WebAssembly kernels and again on the JavaScript path.
 */
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import type { Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { Tensor } from '../../../tensor.js';
import { attr } from '../../../test-models.js';
import { floatArrayToHalf } from '../../float16.js';
import { setWasmEnabled } from '../../wasm/instance.js';

interface Case {
  name: string;
  op: string;
  inputs: Tensor[];
  attrs?: Attribute[];
  /** Output names; a second one is MaxPool's Indices (int64). */
  outputs?: string[];
}

/** Deterministic pseudo-random values in [-1, 1). */
function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
const f32 = (dims: number[], seed: number): Tensor => new Tensor('float32', Float32Array.from(rand(dims.reduce((a, b) => a * b, 1), seed)), dims);
const f16 = (dims: number[], seed: number): Tensor => {
  const v = rand(dims.reduce((a, b) => a * b, 1), seed);
  return new Tensor('float16', floatArrayToHalf(v, new Uint16Array(v.length)), dims);
};

/** An IEEE half's bits as a number (independent of our float16 module). */
function halfBits(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

const CASES: Case[] = [
  { name: 'conv 2d plain', op: 'Conv', inputs: [f32([2, 3, 7, 6], 1), f32([4, 3, 3, 3], 2)] },
  { name: 'conv 2d bias pads strides dilations', op: 'Conv', inputs: [f32([1, 3, 9, 8], 3), f32([5, 3, 3, 2], 4), f32([5], 5)],
    attrs: [attr.ints('pads', [1, 0, 2, 1]), attr.ints('strides', [2, 1]), attr.ints('dilations', [2, 1])] },
  { name: 'conv 2d group 2', op: 'Conv', inputs: [f32([1, 4, 6, 6], 6), f32([6, 2, 3, 3], 7), f32([6], 8)], attrs: [attr.int('group', 2), attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'conv depthwise multiplier 2', op: 'Conv', inputs: [f32([2, 3, 8, 7], 9), f32([6, 1, 3, 3], 10), f32([6], 11)],
    attrs: [attr.int('group', 3), attr.ints('strides', [2, 2]), attr.string('auto_pad', 'SAME_UPPER')] },
  { name: 'conv depthwise 1d', op: 'Conv', inputs: [f32([2, 4, 13], 48), f32([4, 1, 3], 49)],
    attrs: [attr.int('group', 4), attr.ints('pads', [2, 1]), attr.ints('dilations', [2]), attr.ints('strides', [3])] },
  { name: 'conv 1x1', op: 'Conv', inputs: [f32([2, 5, 4, 3], 12), f32([7, 5, 1, 1], 13), f32([7], 14)] },
  { name: 'conv 1x1 stride 2', op: 'Conv', inputs: [f32([2, 8, 8, 8], 50), f32([16, 8, 1, 1], 51)], attrs: [attr.ints('strides', [2, 2])] },
  { name: 'conv 3x3 stride 2 odd input', op: 'Conv', inputs: [f32([1, 5, 9, 11], 52), f32([7, 5, 3, 3], 53), f32([7], 54)],
    attrs: [attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'conv stride 3 dilation 2 asymmetric pads', op: 'Conv', inputs: [f32([1, 3, 13, 10], 55), f32([5, 3, 3, 2], 56)],
    attrs: [attr.ints('strides', [3, 1]), attr.ints('dilations', [2, 2]), attr.ints('pads', [2, 0, 1, 3])] },
  { name: 'conv large (packed panels)', op: 'Conv', inputs: [f32([1, 32, 20, 20], 57), f32([64, 32, 3, 3], 58), f32([64], 59)],
    attrs: [attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'conv depthwise 3x3 pad 1', op: 'Conv', inputs: [f32([2, 16, 8, 8], 60), f32([16, 1, 3, 3], 61), f32([16], 62)],
    attrs: [attr.int('group', 16), attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'conv depthwise stride 3 dilation 2 wide', op: 'Conv', inputs: [f32([1, 5, 17, 37], 63), f32([5, 1, 3, 3], 64)],
    attrs: [attr.int('group', 5), attr.ints('strides', [3, 3]), attr.ints('dilations', [2, 2]), attr.ints('pads', [2, 2, 1, 0])] },
  { name: 'conv float16 3x3 pad 1 bias', op: 'Conv', inputs: [f16([2, 3, 7, 6], 68), f16([4, 3, 3, 3], 69), f16([4], 70)], attrs: [attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'conv float16 depthwise', op: 'Conv', inputs: [f16([1, 4, 6, 6], 71), f16([4, 1, 3, 3], 72)], attrs: [attr.int('group', 4), attr.ints('strides', [2, 2])] },
  { name: 'conv 1d stride dilation', op: 'Conv', inputs: [f32([2, 4, 29], 65), f32([6, 4, 5], 66), f32([6], 67)],
    attrs: [attr.ints('strides', [2]), attr.ints('dilations', [3]), attr.ints('pads', [4, 1])] },
  { name: 'conv 1d same_lower', op: 'Conv', inputs: [f32([1, 2, 11], 15), f32([3, 2, 4], 16)], attrs: [attr.string('auto_pad', 'SAME_LOWER'), attr.ints('strides', [2])] },
  { name: 'conv 3d', op: 'Conv', inputs: [f32([1, 2, 5, 4, 6], 17), f32([3, 2, 2, 3, 2], 18), f32([3], 19)], attrs: [attr.ints('pads', [1, 0, 1, 0, 1, 1])] },
  { name: 'conv valid strides', op: 'Conv', inputs: [f32([1, 2, 6, 6], 20), f32([2, 2, 3, 3], 21)], attrs: [attr.string('auto_pad', 'VALID'), attr.ints('strides', [2, 2])] },
  { name: 'convtranspose 2d', op: 'ConvTranspose', inputs: [f32([2, 3, 4, 5], 22), f32([3, 2, 3, 3], 23), f32([2], 24)] },
  { name: 'convtranspose strides pads output_padding', op: 'ConvTranspose', inputs: [f32([1, 2, 3, 4], 25), f32([2, 3, 3, 2], 26)],
    attrs: [attr.ints('strides', [2, 3]), attr.ints('pads', [1, 0, 0, 1]), attr.ints('output_padding', [1, 1])] },
  { name: 'convtranspose group 2 dilations', op: 'ConvTranspose', inputs: [f32([1, 4, 3, 3], 27), f32([4, 1, 2, 2], 28), f32([2], 29)],
    attrs: [attr.int('group', 2), attr.ints('dilations', [2, 2])] },
  { name: 'convtranspose output_shape', op: 'ConvTranspose', inputs: [f32([1, 1, 3, 3], 30), f32([1, 2, 3, 3], 31)],
    attrs: [attr.ints('strides', [3, 2]), attr.ints('output_shape', [10, 8])] },
  { name: 'convtranspose 1d', op: 'ConvTranspose', inputs: [f32([1, 2, 5], 32), f32([2, 3, 3], 33)], attrs: [attr.ints('strides', [2])] },
  { name: 'convtranspose same_upper odd pad', op: 'ConvTranspose', inputs: [f32([1, 1, 3, 3], 46), f32([1, 2, 3, 3], 47)],
    attrs: [attr.ints('strides', [2, 2]), attr.string('auto_pad', 'SAME_UPPER')] },
  { name: 'instancenorm', op: 'InstanceNormalization', inputs: [f32([2, 3, 4, 5], 34), f32([3], 35), f32([3], 36)], attrs: [attr.float('epsilon', 1e-3)] },
  { name: 'maxpool 2d indices', op: 'MaxPool', inputs: [f32([2, 3, 7, 6], 37)], outputs: ['y', 'indices'],
    attrs: [attr.ints('kernel_shape', [3, 2]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 0, 1, 1])] },
  { name: 'maxpool ceil dilations', op: 'MaxPool', inputs: [f32([1, 2, 9, 8], 38)], outputs: ['y', 'indices'],
    attrs: [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2]), attr.ints('dilations', [2, 1]), attr.int('ceil_mode', 1)] },
  { name: 'maxpool storage_order 1', op: 'MaxPool', inputs: [f32([1, 2, 5, 4], 39)], outputs: ['y', 'indices'],
    attrs: [attr.ints('kernel_shape', [2, 2]), attr.int('storage_order', 1)] },
  { name: 'maxpool 1d same_upper', op: 'MaxPool', inputs: [f32([2, 2, 9], 40)], attrs: [attr.ints('kernel_shape', [4]), attr.ints('strides', [2]), attr.string('auto_pad', 'SAME_UPPER')] },
  { name: 'maxpool 3d', op: 'MaxPool', inputs: [f32([1, 2, 4, 5, 6], 41)], attrs: [attr.ints('kernel_shape', [2, 2, 3]), attr.ints('strides', [1, 2, 2])] },
  { name: 'averagepool pads', op: 'AveragePool', inputs: [f32([2, 3, 7, 6], 42)], attrs: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])] },
  { name: 'averagepool count_include_pad ceil', op: 'AveragePool', inputs: [f32([1, 2, 8, 7], 43)],
    attrs: [attr.ints('kernel_shape', [3, 2]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 0, 1, 1]), attr.int('count_include_pad', 1), attr.int('ceil_mode', 1)] },
  { name: 'averagepool same_lower', op: 'AveragePool', inputs: [f32([1, 2, 6, 5], 44)], attrs: [attr.ints('kernel_shape', [2, 3]), attr.string('auto_pad', 'SAME_LOWER')] },
  { name: 'lppool p=3', op: 'LpPool', inputs: [f32([1, 2, 6, 5], 45)], attrs: [attr.ints('kernel_shape', [2, 2]), attr.int('p', 3), attr.ints('pads', [0, 1, 1, 0])] },
];

const DT = { float32: DataType.FLOAT, float64: DataType.DOUBLE, float16: DataType.FLOAT16 } as Record<string, DataType>;

function modelOf(c: Case): Model {
  const g = new Graph('g');
  const ins = c.inputs.map((t, i) => g.addInput(`x${i}`, tensorType(DT[t.type]!, t.dims)));
  const outputs = c.outputs ?? ['y'];
  const n = g.appendNode(new Node(c.op, ins, { name: 'n0', outputs, attributes: c.attrs ?? [] }));
  outputs.forEach((_, i) => {
    n.output(i).type = tensorType(i === 0 ? DT[c.inputs[0]!.type]! : DataType.INT64);
    g.addOutput(n.output(i));
  });
  return new Model(g, new Map([['', 19]]));
}

for (const [label, on] of [['WebAssembly', true], ['JavaScript', false]] as const) {
  describe(`conv and pool kernels match onnxruntime-node (${label})`, () => {
    beforeAll(() => setWasmEnabled(on));
    afterAll(() => setWasmEnabled(true));

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const model = modelOf(c);
      const ref = await ort.InferenceSession.create(encodeModel(model));
      const want = await ref.run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])])));
      const ours = await Session.create(model, { backend: 'cpu' });
      const got = await ours.run(Object.fromEntries(c.inputs.map((t, i) => [`x${i}`, t])));
      for (const name of c.outputs ?? ['y']) {
        const g = got[name]!;
        const w = want[name]!;
        expect(g.dims, name).toEqual(w.dims);
        const half = w.type === 'float16';
        const gv = Array.from(g.data as ArrayLike<number | bigint>, (v) => (half ? halfBits(v as number) : v));
        const wv = Array.from(w.data as ArrayLike<number | bigint>, (v) => (half ? halfBits(v as number) : v));
        // float16 results round to 11 bits: allow one half ulp of the result either way.
        const rtol = half ? 2 ** -10 : 1e-5;
        if (w.type === 'int64') expect(gv, name).toEqual(wv);
        else gv.forEach((v, i) => expect(Math.abs((v as number) - (wv[i] as number)), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + rtol * Math.abs(wv[i] as number)));
      }
    });
  });
}
