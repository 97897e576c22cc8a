/**
 * The float4e2m1, float8e8m0 and int2/uint2 conversions against the ONNX reference (onnx 1.22.0 with
 * ml_dtypes 0.6.0, numpy 2.4): the expected codes below were printed by
 *   onnx.numpy_helper.to_float8e8m0(x, saturate, round_mode)   (Cast to FLOAT8E8M0)
 *   x.astype(ml_dtypes.float4_e2m1fn / int2 / uint2)            (Cast to FLOAT4E2M1 / INT2 / UINT2)
 * on the float32 inputs listed here; a Cast node through the Session checks the attributes reach them.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { Node } from '../../ir/node.js';
import { tensorType } from '../../ir/types.js';
import { Session } from '../session.js';
import { Tensor } from '../tensor.js';
import { type E8m0RoundMode, float4e2m1ToFloat, float8e8m0ToFloat, floatToLowp } from './lowp.js';

const E8M0_BITS = new Uint32Array([
  0x0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x3fa00000, 0x3fe00000, 0x40400000, 0x3f400000, 0x3dcccccd,
  0xbe99999a, 0xae398, 0x1, 0x7f61b1e6, 0x7f000000, 0x7f000000, 0x7f400000, 0x7f200000, 0x7f800000, 0xff800000,
  0x7fc00000, 0x41558f, 0x400000, 0xc00000,
]);
const E8M0_WANT: Record<string, number[]> = {
  'up true': [0, 0, 127, 127, 128, 128, 128, 129, 127, 124, 126, 1, 1, 254, 254, 254, 254, 254, 255, 255, 255, 1, 1, 2],
  'up false': [0, 0, 127, 127, 128, 128, 128, 129, 127, 124, 126, 1, 1, 255, 254, 254, 255, 255, 255, 255, 255, 1, 1, 2],
  'down true': [0, 0, 127, 127, 127, 127, 127, 128, 126, 123, 125, 0, 0, 254, 254, 254, 254, 254, 255, 255, 255, 0, 0, 1],
  'down false': [0, 0, 127, 127, 127, 127, 127, 128, 126, 123, 125, 0, 0, 254, 254, 254, 254, 254, 255, 255, 255, 0, 0, 1],
  'nearest true': [0, 0, 127, 127, 128, 127, 128, 129, 127, 124, 125, 0, 0, 254, 254, 254, 254, 254, 255, 255, 255, 1, 0, 2],
  'nearest false': [0, 0, 127, 127, 128, 127, 128, 129, 127, 124, 125, 0, 0, 255, 254, 254, 255, 254, 255, 255, 255, 1, 0, 2],
};

const F4_IN = [
  0, -0, 0.25, 0.25000008940696716, 0.75, 0.7498999834060669, 1.25, 1.75, 2.5, 3.5, 4.900000095367432, 5, 5.000100135803223,
  5.900000095367432, 6, 7, 1e9, Infinity, -Infinity, NaN, -0.10000000149011612, -0.25, -0.25999999046325684, -2.5, -5, -5.5,
  9.99994610111476e-41,
];
const F4_WANT = [0, 8, 0, 1, 2, 1, 2, 4, 4, 6, 6, 6, 7, 7, 7, 7, 7, 7, 15, 8, 8, 8, 9, 12, 14, 15, 0];

const INT_IN = [-5.5, -4, -3.700000047683716, -3, -2.200000047683716, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.899999976158142, 2, 3, 4.5, 7, 100, -100, NaN, Infinity];
const INT2_WANT = [-1, 0, 1, 1, -2, -2, -1, -1, 0, 0, 0, 1, 1, -2, -1, 0, -1, 0, 0, 0, 0];
const UINT2_WANT = [3, 0, 1, 1, 2, 2, 3, 3, 0, 0, 0, 1, 1, 2, 3, 0, 3, 0, 0, 0, 0];

async function cast(x: Float32Array, to: DataType, attrs = [attr.int('to', to)]): Promise<Tensor> {
  const g = new Graph('g');
  const xin = g.addInput('x', tensorType(DataType.FLOAT, [x.length]));
  const n = g.appendNode(new Node('Cast', [xin], { name: 'c', outputs: ['y'], attributes: attrs }));
  n.output(0).type = tensorType(to, [x.length]);
  g.addOutput(n.output(0));
  const s = await Session.create(new Model(g, new Map([['', 25]])), { backend: 'cpu' });
  return (await s.run({ x: new Tensor('float32', x, [x.length]) }))['y']!;
}

describe('float8e8m0', () => {
  const x = new Float32Array(E8M0_BITS.buffer);
  for (const [key, want] of Object.entries(E8M0_WANT)) {
    const [mode, sat] = key.split(' ') as [E8m0RoundMode, string];
    it(`encodes as onnx.numpy_helper.to_float8e8m0, round_mode ${mode}, saturate ${sat}`, () => {
      const out = new Uint8Array(x.length);
      floatToLowp('float8e8m0', x, out, sat === 'true', mode);
      expect(Array.from(out)).toEqual(want);
    });
  }

  it('Cast passes round_mode and saturate through', async () => {
    const y = await cast(x, DataType.FLOAT8E8M0, [attr.int('to', DataType.FLOAT8E8M0), attr.string('round_mode', 'nearest'), attr.int('saturate', 0)]);
    expect(y.type).toBe('float8e8m0');
    expect(Array.from(y.data as Uint8Array)).toEqual(E8M0_WANT['nearest false']);
  });

  it('decodes every code to 2^(code - 127), 0xff to NaN', () => {
    for (let c = 0; c < 255; c++) expect(float8e8m0ToFloat(c)).toBe(2 ** (c - 127));
    expect(float8e8m0ToFloat(0xff)).toBeNaN();
  });
});

describe('float4e2m1', () => {
  it('encodes as ml_dtypes float4_e2m1fn: half to even, saturating, NaN to -0', () => {
    const out = new Uint8Array(F4_IN.length);
    floatToLowp('float4e2m1', Float32Array.from(F4_IN), out);
    expect(Array.from(out)).toEqual(F4_WANT);
  });

  it('a negative NaN read from float32 bits gives +0, as ml_dtypes', () => {
    const out = new Uint8Array(1);
    floatToLowp('float4e2m1', new Float32Array(new Uint32Array([0xffc00000]).buffer), out);
    expect(out[0]).toBe(0);
  });

  it('decodes the 16 codes', () => {
    const want = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];
    expect(Array.from({ length: 16 }, (_, c) => float4e2m1ToFloat(c))).toEqual(want);
  });

  it('Cast to FLOAT4E2M1', async () => {
    const y = await cast(Float32Array.from(F4_IN), DataType.FLOAT4E2M1);
    expect(y.type).toBe('float4e2m1');
    expect(Array.from(y.data as Uint8Array)).toEqual(F4_WANT);
  });
});

describe('int2/uint2', () => {
  it('Cast truncates toward zero and wraps, as ml_dtypes astype', async () => {
    const x = Float32Array.from(INT_IN);
    const s = await cast(x, DataType.INT2);
    const u = await cast(x, DataType.UINT2);
    expect([s.type, u.type]).toEqual(['int2', 'uint2']);
    expect(Array.from(s.data as Int8Array)).toEqual(INT2_WANT);
    expect(Array.from(u.data as Uint8Array)).toEqual(UINT2_WANT);
  });
});
