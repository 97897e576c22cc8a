/**
 * GlobalLpPool and MaxRoiPool where onnxruntime-node has no kernel (float16, float64; GlobalLpPool at
 * opset 1 with its float `p`; both at opset 22): ours runs the variant, onnxruntime runs the same values
 * as float32 at an opset it implements with the same semantics (opset 22 only adds bfloat16), and the
 * two must agree. Inputs are multiples of 1/64 in [-2, 2), exact in float16, so only the result's
 * rounding differs. Expected values come from onnxruntime, never from our code.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../api/model-io.js';
import type { Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { dataTypeOf, type TensorType } from '../../../tensor.js';
import { attr } from '../../../test-models.js';
import { numbersOf, tensorFromNumbers } from '../../numeric.js';

interface Variant {
  name: string;
  op: string;
  inputs: { dims: number[]; values: number[] }[];
  ort: { opset: number; attrs: Attribute[] };
  ours: { opset: number; attrs: Attribute[]; type: TensorType };
}

function model(op: string, dims: number[][], type: DataType, attrs: Attribute[], opset: number): Model {
  const g = new Graph('g');
  const ins = dims.map((d, i) => g.addInput(`x${i}`, tensorType(type, d)));
  const n = g.appendNode(new Node(op, ins, { name: 'n0', outputs: ['y'], attributes: attrs }));
  n.output(0).type = tensorType(type);
  g.addOutput(n.output(0));
  return new Model(g, new Map([['', opset]]));
}

async function expectVariantMatchesOrt(v: Variant): Promise<void> {
  const dims = v.inputs.map((i) => i.dims);
  const ref = await ort.InferenceSession.create(encodeModel(model(v.op, dims, DataType.FLOAT, v.ort.attrs, v.ort.opset)));
  const want = (await ref.run(Object.fromEntries(v.inputs.map((t, i) => [`x${i}`, new ort.Tensor('float32', Float32Array.from(t.values), t.dims)])))).y!;
  const ours = await Session.create(model(v.op, dims, dataTypeOf(v.ours.type), v.ours.attrs, v.ours.opset), { backend: 'cpu' });
  const got = (await ours.run(Object.fromEntries(v.inputs.map((t, i) => [`x${i}`, tensorFromNumbers(v.ours.type, t.dims, t.values)])))).y!;
  expect(got.type).toBe(v.ours.type);
  expect(got.dims).toEqual(want.dims);
  const rel = v.ours.type === 'float16' ? 1e-3 : 1e-4;
  const gv = Array.from(numbersOf(got));
  const wv = Array.from(want.data as Float32Array);
  gv.forEach((g, i) => expect(Math.abs(g - wv[i]!), `y[${i}]`).toBeLessThanOrEqual(1e-5 + rel * Math.abs(wv[i]!)));
}

/** Deterministic multiples of 1/64 in [-2, 2). */
function grid(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.floor(s / 2 ** 26) / 32 - 2;
  });
}
const input = (dims: number[], seed: number) => ({ dims, values: grid(dims.reduce((a, b) => a * b, 1), seed) });
const rois = (...r: number[][]) => ({ dims: [r.length, 5], values: r.flat() });

const lpX = input([2, 3, 5, 4], 11);
const roiX = input([2, 3, 7, 9], 12);
const roiBoxes = rois([0, 0, 0, 8, 6], [1, -2, 1, 5, 9], [1, 6, 4, 2, 1], [0, 2.5, 1.5, 7.5, 4.5], [1, 10, 8, 14, 12]);
const roiAttrs = [attr.ints('pooled_shape', [3, 2]), attr.float('spatial_scale', 0.5)];
const roiAttrs1 = [attr.ints('pooled_shape', [2, 4])];

const VARIANTS: Variant[] = [
  ...(['float32', 'float64', 'float16'] as const).flatMap((type): Variant[] => [
    { name: `GlobalLpPool p=3 opset 22 ${type}`, op: 'GlobalLpPool', inputs: [lpX], ort: { opset: 21, attrs: [attr.int('p', 3)] }, ours: { opset: 22, attrs: [attr.int('p', 3)], type } },
    { name: `GlobalLpPool p=1.0 opset 1 ${type}`, op: 'GlobalLpPool', inputs: [lpX], ort: { opset: 2, attrs: [attr.int('p', 1)] }, ours: { opset: 1, attrs: [attr.float('p', 1)], type } },
    { name: `GlobalLpPool default p opset 1 ${type}`, op: 'GlobalLpPool', inputs: [lpX], ort: { opset: 2, attrs: [] }, ours: { opset: 1, attrs: [], type } },
    { name: `MaxRoiPool opset 22 ${type}`, op: 'MaxRoiPool', inputs: [roiX, roiBoxes], ort: { opset: 21, attrs: roiAttrs }, ours: { opset: 22, attrs: roiAttrs, type } },
    { name: `MaxRoiPool opset 1 ${type}`, op: 'MaxRoiPool', inputs: [roiX, roiBoxes], ort: { opset: 1, attrs: roiAttrs1 }, ours: { opset: 1, attrs: roiAttrs1, type } },
  ]),
];

describe('GlobalLpPool and MaxRoiPool variants onnxruntime lacks match its float32 results', () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s', async (_n, v) => expectVariantMatchesOrt(v));
});
