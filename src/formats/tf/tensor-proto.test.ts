import { describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { StringTensor } from '../../ir/tensor.js';
import type { TensorProto } from './generated/tf-types.js';
import { LongClass } from './schema.js';
import { shapeDims, staticDims, tensorFromProto } from './tensor-proto.js';

const shape = (...dims: number[]) => ({ dim: dims.map((size) => ({ size })) });
const arr = (t: TensorProto) => Array.from(tensorFromProto(t).toArray() as ArrayLike<number | bigint>);

describe('tensorFromProto', () => {
  it('reads typed fields, padding a short list with its last value and an empty one with zeros', () => {
    expect(arr({ dtype: 1, tensor_shape: shape(2, 2), float_val: [1.5] })).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(arr({ dtype: 1, tensor_shape: shape(3), float_val: [1, 2] })).toEqual([1, 2, 2]);
    expect(arr({ dtype: 1, tensor_shape: shape(2), float_val: [1, 2, 3] })).toEqual([1, 2]);
    expect(arr({ dtype: 3, tensor_shape: shape(3) })).toEqual([0, 0, 0]);
    expect(arr({ dtype: 6, tensor_shape: shape(2), int_val: [-5, 200] })).toEqual([-5, -56]); // int8 wraps as TF's cast does
    expect(arr({ dtype: 10, tensor_shape: shape(3), bool_val: [true, false] })).toEqual([1, 0, 0]);
    expect(arr({ dtype: 19, tensor_shape: shape(2), half_val: [0x3c00] })).toEqual([0x3c00, 0x3c00]);
    expect(arr({ dtype: 8, tensor_shape: shape(2), scomplex_val: [1, 2] })).toEqual([1, 2, 1, 2]);
    expect(arr({ dtype: 22, tensor_shape: shape(1), uint32_val: [4294967295] })).toEqual([4294967295]);
    expect(tensorFromProto({ dtype: 1, float_val: [7] }).dims).toEqual([]);
  });

  it('keeps int64 values beyond 2^53 exact', () => {
    const big = LongClass.fromString('9007199254740993');
    expect(arr({ dtype: 9, tensor_shape: shape(2), int64_val: [big, LongClass.fromNumber(-1)] })).toEqual([9007199254740993n, -1n]);
    expect(arr({ dtype: 23, tensor_shape: shape(1), uint64_val: [LongClass.fromString('18446744073709551615', true)] })).toEqual([18446744073709551615n]);
  });

  it('views tensor_content without copying and checks its size', () => {
    const content = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const t = tensorFromProto({ dtype: 1, tensor_shape: shape(3), tensor_content: content });
    expect(t.bytes()).toBe(content);
    expect(t.dtype).toBe(DataType.FLOAT);
    expect(() => tensorFromProto({ dtype: 1, tensor_shape: shape(4), tensor_content: content }, { node: 'c' })).toThrow(
      /node "c": tensor_content has 12 bytes, but DT_FLOAT \[4\] needs 16/,
    );
  });

  it('reads strings, splatting too', () => {
    const t = tensorFromProto({ dtype: 7, tensor_shape: shape(3), string_val: [new TextEncoder().encode('a'), new TextEncoder().encode('b')] });
    expect((t as StringTensor).texts()).toEqual(['a', 'b', 'b']);
  });

  it('refuses unknown dims, unsupported types and bad sizes with FormatErrors', () => {
    expect(() => tensorFromProto({ dtype: 1, tensor_shape: shape(-1) })).toThrow(/unknown dim 0/);
    expect(() => tensorFromProto({ dtype: 1, tensor_shape: { unknown_rank: true } })).toThrow(/unknown rank/);
    expect(() => tensorFromProto({ dtype: 20 })).toThrow(/DT_RESOURCE are not supported/);
    expect(() => tensorFromProto({ dtype: 0 })).toThrow(FormatError);
    expect(() => tensorFromProto({ dtype: 29, tensor_shape: shape(2), tensor_content: new Uint8Array(2) })).toThrow(/DT_INT4 is not supported/);
  });

  it('refuses splats too large to hold, without a RangeError or a hang', () => {
    expect(() => tensorFromProto({ dtype: 1, tensor_shape: shape(1 << 30, 1 << 30), float_val: [1] })).toThrow(/too large to hold in memory/);
    expect(() => tensorFromProto({ dtype: 7, tensor_shape: shape(1 << 30, 4), string_val: [new Uint8Array(1)] })).toThrow(/too large to expand/);
  });

  it('treats *_REF types as their value type', () => {
    expect(tensorFromProto({ dtype: 101, float_val: [1] }).dtype).toBe(DataType.FLOAT);
  });
});

describe('shape helpers', () => {
  it('staticDims and shapeDims', () => {
    expect(staticDims(undefined, {})).toEqual([]);
    expect(shapeDims(shape(-1, 3))).toEqual([null, 3]);
    expect(shapeDims({ unknown_rank: true })).toBeUndefined();
  });
});
