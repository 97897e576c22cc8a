/**
 * bfloat16/float8 conversions: bit patterns from ml_dtypes (what the ONNX reference Cast uses) and the
 * ONNX Cast spec's special-value table; round trips Cast(to T) -> Cast(to float) against onnxruntime-node.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../api/model-io.js';
import { attr } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { Node } from '../../ir/node.js';
import { tensorType } from '../../ir/types.js';
import { Session } from '../session.js';
import { Tensor, fromIrTensor, toIrTensor } from '../tensor.js';
import { bfloat16ToFloat, float8ToFloat, floatToBfloat16, floatToFloat8, type Float8Type } from './lowp.js';

const X = [NaN, -NaN, Infinity, -Infinity, -0, 1e-10, -1e-10, 464, 500, 1e6, -1e6, 0.0009765625 * 0.75];

describe('float32 -> low precision bit patterns (ml_dtypes, non-saturating)', () => {
  const want: Record<Float8Type, number[]> = {
    float8e4m3fn: [0x7f, 0xff, 0x7f, 0xff, 0x80, 0x0, 0x80, 0x7e, 0x7f, 0x7f, 0xff, 0x0],
    float8e4m3fnuz: [0x80, 0x80, 0x80, 0x80, 0x0, 0x0, 0x0, 0x80, 0x80, 0x80, 0x80, 0x1],
    float8e5m2: [0x7e, 0xfe, 0x7c, 0xfc, 0x80, 0x0, 0x80, 0x5f, 0x60, 0x7c, 0xfc, 0x12],
    float8e5m2fnuz: [0x80, 0x80, 0x80, 0x80, 0x0, 0x0, 0x0, 0x63, 0x64, 0x80, 0x80, 0x16],
  };
  for (const [type, bits] of Object.entries(want) as [Float8Type, number[]][]) {
    it(type, () => {
      // -NaN: ml_dtypes keeps the sign; Math.fround(-NaN) is a NaN whose sign JS does not expose, so skip it.
      X.forEach((v, i) => i !== 1 && expect([v, floatToFloat8(type, v, false)]).toEqual([v, bits[i]]));
    });
  }
  it('bfloat16', () => {
    const bits = [0x7fc0, 0xffc0, 0x7f80, 0xff80, 0x8000, 0x2edc, 0xaedc, 0x43e8, 0x43fa, 0x4974, 0xc974, 0x3a40];
    X.forEach((v, i) => i !== 1 && expect([v, floatToBfloat16(v)]).toEqual([v, bits[i]]));
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80); // tie, to even
    expect(floatToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, to even (up)
  });
});

describe('saturate (ONNX Cast spec table)', () => {
  it('clamps infinities and overflow to the largest finite value, keeps NaN', () => {
    expect([Infinity, -Infinity, 1e6, -1e6, NaN].map((v) => floatToFloat8('float8e4m3fn', v))).toEqual([0x7e, 0xfe, 0x7e, 0xfe, 0x7f]);
    expect([Infinity, -Infinity, 1e6, NaN].map((v) => floatToFloat8('float8e4m3fnuz', v))).toEqual([0x7f, 0xff, 0x7f, 0x80]);
    expect([Infinity, -Infinity, 1e6, NaN].map((v) => floatToFloat8('float8e5m2', v))).toEqual([0x7b, 0xfb, 0x7b, 0x7e]);
    expect([Infinity, -Infinity, 1e6, NaN].map((v) => floatToFloat8('float8e5m2fnuz', v))).toEqual([0x7f, 0xff, 0x7f, 0x80]);
  });
});

describe('low precision bit patterns -> float32', () => {
  it('special and extreme codes', () => {
    expect([0x7f, 0xff, 0x80, 0x7e, 0x01].map((c) => float8ToFloat('float8e4m3fn', c))).toEqual([NaN, NaN, -0, 448, 2 ** -9]);
    expect([0x7f, 0xff, 0x80, 0x00, 0x01].map((c) => float8ToFloat('float8e4m3fnuz', c))).toEqual([240, -240, NaN, 0, 2 ** -10]);
    expect([0x7c, 0xfc, 0x7e, 0x7b, 0x01].map((c) => float8ToFloat('float8e5m2', c))).toEqual([Infinity, -Infinity, NaN, 57344, 2 ** -16]);
    expect([0x7f, 0xff, 0x80, 0x01].map((c) => float8ToFloat('float8e5m2fnuz', c))).toEqual([57344, -57344, NaN, 2 ** -17]);
    expect([0x3f80, 0xc049, 0x7f80, 0x7fc0, 0x0001].map(bfloat16ToFloat)).toEqual([1, -3.140625, Infinity, NaN, 2 ** -133]);
  });
  it('every float8 code survives decode -> encode', () => {
    for (const type of ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'] as const) {
      for (let c = 0; c < 256; c++) {
        const v = float8ToFloat(type, c);
        if (!Number.isNaN(v)) expect([type, c, floatToFloat8(type, v, false)]).toEqual([type, c, c]);
      }
    }
  });
});

describe('Cast through low precision against onnxruntime-node', () => {
  const xs = Float32Array.from([0, -0, 1, -1.5, 0.1, 3.14159, 1e-3, 1e-6, 1e-9, 17.3, 300, 449, 470, 500, 1e4, 60000, 7e4, 1e38, Infinity, -Infinity, NaN, -2.5, 7.6, 20, -9]);

  /** Cast(x, to) -> Cast(.., to float): ORT's outputs are float32, so its low-precision results can be read. */
  async function roundTrip(to: DataType, saturate?: number): Promise<void> {
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [xs.length]));
    const a = g.appendNode(new Node('Cast', [x], { name: 'a', outputs: ['t'], attributes: [attr.int('to', to), ...(saturate === undefined ? [] : [attr.int('saturate', saturate)])] }));
    a.output(0).type = tensorType(to, [xs.length]);
    const b = g.appendNode(new Node('Cast', [a.output(0)], { name: 'b', outputs: ['y'], attributes: [attr.int('to', DataType.FLOAT)] }));
    b.output(0).type = tensorType(DataType.FLOAT, [xs.length]);
    g.addOutput(b.output(0));
    const model = new Model(g, new Map([['', 21]]));
    const ref = await ort.InferenceSession.create(encodeModel(model));
    const want = (await ref.run({ x: new ort.Tensor('float32', xs, [xs.length]) }))['y']!.data as Float32Array;
    const got = (await (await Session.create(model, { backend: 'cpu' })).run({ x: new Tensor('float32', xs, [xs.length]) }))['y']!.data as Float32Array;
    expect(Array.from(got, String)).toEqual(Array.from(want, String));
  }

  for (const to of [DataType.FLOAT8E4M3FN, DataType.FLOAT8E4M3FNUZ, DataType.FLOAT8E5M2, DataType.FLOAT8E5M2FNUZ]) {
    it(`float8 ${to}, saturate`, () => roundTrip(to));
    it(`float8 ${to}, no saturate`, () => roundTrip(to, 0));
  }
  it('bfloat16', () => roundTrip(DataType.BFLOAT16));
});

describe('int4/uint4 runtime form', () => {
  it('holds one element per byte and packs two per byte at the IR boundary', () => {
    const t = new Tensor('int4', Int8Array.from([-8, 7, -1]), [3]);
    const ir = toIrTensor(t);
    expect(Array.from(ir.bytes())).toEqual([0x78, 0x0f]);
    expect(fromIrTensor(ir).data).toEqual(Int8Array.from([-8, 7, -1]));
  });
});
