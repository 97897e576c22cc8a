import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxTestDataDir } from '../../../test/support/test-data.js';
import { decodeMessage, decodeModelProto, decodeTensorProto, encodeMessage, encodeModelProto, encodeTensorProto } from './codec.js';
import { BEYOND_2_53, INT64_MAX, INT64_MIN, kitchenSinkModel, UINT64_MAX } from './kitchen-sink.js';
import { toHex, toPlainObject } from './plain-object.js';
import { isLong } from './schema.js';

const hex = (b: Uint8Array): string => toHex(b);
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('encode/decode of the whole schema', () => {
  it('round-trips a model that sets every field, int64 extremes included', () => {
    const model = kitchenSinkModel();
    const decoded = decodeModelProto(encodeModelProto(model));
    expect(toPlainObject('ModelProto', decoded)).toEqual(toPlainObject('ModelProto', model));

    const opset = decoded.opset_import?.[1]?.version;
    expect(isLong(opset) && opset.toString()).toBe(INT64_MAX.toString());
    const init = decoded.graph?.initializer?.[0];
    expect(init?.dims?.map(String)).toEqual(['2', BEYOND_2_53.toString(), '0']);
    expect(init?.int64_data?.map(String)).toEqual([INT64_MIN.toString(), INT64_MAX.toString(), '-1']);
    expect(init?.uint64_data?.map(String)).toEqual([UINT64_MAX.toString(), '0']);
    expect(Object.is(init?.float_data?.[1], -0)).toBe(true);
    // proto2 presence: an explicit 0 is kept as a set field, not folded into "absent".
    const i0 = decoded.graph?.node?.[0]?.attribute?.find((a) => a.name === 'i0');
    expect(Object.prototype.hasOwnProperty.call(i0, 'i')).toBe(true);
  });

  it('reads absent singular fields as undefined (Note [no prototype defaults]) and names the set oneof member', () => {
    const m = decodeModelProto(encodeModelProto({ producer_name: 'x', graph: { input: [{ type: { sequence_type: {} } }] } }));
    expect(m.ir_version).toBeUndefined();
    expect(m.doc_string).toBeUndefined();
    expect(m.opset_import).toEqual([]);
    const type = m.graph?.input?.[0]?.type;
    expect(type?.tensor_type).toBeUndefined();
    expect(type?.value).toBe('sequence_type');
    const dim = decodeMessage('TensorShapeProto_Dimension', encodeMessage('TensorShapeProto_Dimension', { dim_param: 'N' }));
    expect([dim.value, dim.dim_value, dim.dim_param]).toEqual(['dim_param', undefined, 'N']);
  });

  it('accepts plain numbers for int64 and decodes them as Long', () => {
    const m = decodeModelProto(encodeModelProto({ ir_version: 10, model_version: -5 }));
    expect(isLong(m.ir_version)).toBe(true);
    expect(String(m.ir_version)).toBe('10');
    expect(String(m.model_version)).toBe('-5');
  });

  it('writes proto2 repeated scalars unpacked unless [packed = true], and reads both forms', () => {
    // dims = [1, 2] unpacked (tag 08 twice); float_data = [1.5] packed (tag 22, length 4).
    const encoded = encodeTensorProto({ dims: [1, 2], float_data: [1.5] });
    expect(hex(encoded)).toBe('0801080222040000c03f');
    const swapped = bytes('0a020102 25 0000c03f'); // dims packed, float_data unpacked (wire type 5)
    const t = decodeTensorProto(swapped);
    expect(t.dims?.map(String)).toEqual(['1', '2']);
    expect(t.float_data).toEqual([1.5]);
  });

  it('keeps unknown fields and re-encodes them after the known ones', () => {
    // TensorProto{name: "a"} + field 99 varint 7 + field 100 bytes "xy" + field 2 (data_type) with the wrong wire type.
    const input = bytes('4201 61  98 06 07  a2 06 02 7879  15 01020304');
    const t = decodeTensorProto(input);
    expect(t.name).toBe('a');
    expect(t.$unknowns?.map(hex)).toEqual(['980607', 'a20602' + '7879', '1501020304']);
    // $unknowns is not enumerable; decoded repeated fields are own (empty) arrays; absent singulars are undefined.
    expect(Object.keys(t).filter((k) => !Array.isArray(t[k as keyof typeof t]))).toEqual(['name']);
    expect(t.data_type).toBeUndefined();
    expect(t.dims).toEqual([]);
    const again = encodeTensorProto(t);
    expect(hex(again)).toBe('4201619806' + '07a206027879' + '1501020304');
    expect(toPlainObject('TensorProto', decodeTensorProto(again))).toEqual(toPlainObject('TensorProto', t));
  });

  it('round-trips the non-tensor test values (sequence, map, optional)', () => {
    const seq = { name: 's', elem_type: 1, tensor_values: [{ dims: [1], data_type: 1, float_data: [2] }] };
    const map = { key_type: 7, keys: [INT64_MAX, -1], values: seq };
    const opt = { elem_type: 3, sequence_value: { elem_type: 4, map_values: [map] } };
    const d = decodeMessage('OptionalProto', encodeMessage('OptionalProto', opt));
    expect(toPlainObject('OptionalProto', d)).toEqual(toPlainObject('OptionalProto', opt));
  });
});

describe('zero-copy bytes fields (Note [zero-copy bytes])', () => {
  const model = encodeModelProto({
    ir_version: 9,
    graph: { initializer: [{ name: 'w', dims: [4], data_type: 2, raw_data: new Uint8Array([9, 8, 7, 6]) }] },
  });

  it('raw_data is a view into a Uint8Array input', () => {
    const backing = new Uint8Array(model.length + 16);
    backing.set(model, 16);
    const input = backing.subarray(16); // a view with a non-zero offset, like a slice of a larger file
    const raw = decodeModelProto(input).graph?.initializer?.[0]?.raw_data;
    expect(raw).toEqual(new Uint8Array([9, 8, 7, 6]));
    expect(raw?.buffer).toBe(input.buffer);
    backing[backing.length - 1] = 42; // raw_data is the last field, so its last byte is the input's last byte
    expect(raw?.[3]).toBe(42);
  });

  it('raw_data is a view into a Node Buffer input (a file read)', () => {
    const dir = path.join(onnxTestDataDir(), 'node', 'test_abs', 'test_data_set_0');
    const input = fs.readFileSync(path.join(dir, 'input_0.pb'));
    const t = decodeTensorProto(input);
    expect(t.raw_data?.length).toBe(3 * 4 * 5 * 4);
    expect(t.raw_data?.buffer).toBe(input.buffer);
    expect(t.raw_data!.byteOffset).toBeGreaterThanOrEqual(input.byteOffset);
    expect(t.raw_data!.byteOffset + t.raw_data!.length).toBeLessThanOrEqual(input.byteOffset + input.length);
  });
});

describe('encode refuses malformed messages', () => {
  it('a wrong JS type becomes a FormatError naming the field', () => {
    const bad = { ir_version: 'nine' } as unknown as Parameters<typeof encodeModelProto>[0];
    expect(() => encodeModelProto(bad, 'out.onnx')).toThrowError(/out\.onnx: cannot encode ModelProto: ir_version: integer\|Long expected/);
  });

  it('nesting deeper than protobufjs allows becomes a FormatError', () => {
    let type: Record<string, unknown> = { tensor_type: { elem_type: 1 } };
    for (let i = 0; i < 200; i++) type = { sequence_type: { elem_type: type } };
    const m = { graph: { input: [{ name: 'x', type }] } } as Parameters<typeof encodeModelProto>[0];
    expect(() => encodeModelProto(m)).toThrowError(/^cannot encode ModelProto: graph\.input\.type\.sequence_type.{50,300}$/);
  });
});
