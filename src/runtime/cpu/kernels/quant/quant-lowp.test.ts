/**
 * QuantizeLinear/DequantizeLinear with float8 and int4/uint4 quantized values against onnxruntime-node.
 * onnxruntime-node cannot carry float8 or 4-bit tensors across its JS API, so each model is the chain
 * QuantizeLinear -> DequantizeLinear with float32 ends, run by both engines; expected values come from onnxruntime.
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
import { Tensor } from '../../../tensor.js';

async function roundTrip(x: number[], scale: number, qtype: DataType, qattrs: Attribute[] = []): Promise<void> {
  const g = new Graph('g');
  const xin = g.addInput('x', tensorType(DataType.FLOAT, [x.length]));
  const s = g.addInput('s', tensorType(DataType.FLOAT, []));
  const qn = g.appendNode(new Node('QuantizeLinear', [xin, s], { name: 'q', outputs: ['q'], attributes: [attr.int('output_dtype', qtype), ...qattrs] }));
  qn.output(0).type = tensorType(qtype, [x.length]);
  const dn = g.appendNode(new Node('DequantizeLinear', [qn.output(0), s], { name: 'd', outputs: ['y'] }));
  dn.output(0).type = tensorType(DataType.FLOAT, [x.length]);
  g.addOutput(dn.output(0));
  const model = new Model(g, new Map([['', 21]]));
  const xs = Float32Array.from(x);
  const want = await (await ort.InferenceSession.create(encodeModel(model))).run({ x: new ort.Tensor('float32', xs, [x.length]), s: new ort.Tensor('float32', Float32Array.from([scale]), []) });
  const got = await (await Session.create(model, { backend: 'cpu' })).run({ x: new Tensor('float32', xs, [x.length]), s: new Tensor('float32', Float32Array.from([scale]), []) });
  expect(Array.from(got['y']!.data as Float32Array)).toEqual(Array.from(want['y']!.data as Float32Array));
}

const values = [0, 0.3, -0.3, 1.7, -2.5, 3.5, 10.1, -17.9, 100, 300, -1000, 60000, 1e-4];

describe('QuantizeLinear/DequantizeLinear, low-precision types', () => {
  it('float8e4m3fn, saturating', () => roundTrip(values, 0.5, DataType.FLOAT8E4M3FN));
  it('float8e5m2, saturating', () => roundTrip(values, 2, DataType.FLOAT8E5M2));
  it('int4', () => roundTrip(values, 0.5, DataType.INT4));
  it('uint4', () => roundTrip(values, 0.25, DataType.UINT4));
});
