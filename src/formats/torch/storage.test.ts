import { describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { dtypeFromStorageClass, dtypeFromTorchName, dtypeInfoFor, isContiguous, rebuildTensor, swapBytes, TorchStorage } from './storage.js';

const f32 = dtypeFromTorchName('float32')!;
const where = { file: 'm.pt', path: 'data.pkl byte 7' };

function floatStorage(values: number[], byteOrder: 'little' | 'big' = 'little'): TorchStorage {
  const le = new Uint8Array(new Float32Array(values).buffer);
  return new TorchStorage('data/0', byteOrder === 'little' ? le : swapBytes(le, 4), byteOrder, f32);
}

/** Reference: element i of a strided view, by index arithmetic. */
function naive(values: number[], offset: number, size: number[], stride: number[]): number[] {
  const out: number[] = [];
  const idx = size.map(() => 0);
  const n = size.reduce((a, b) => a * b, 1);
  for (let k = 0; k < n; k++) {
    out.push(values[offset + idx.reduce((s, v, d) => s + v * stride[d]!, 0)]!);
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('dtype tables', () => {
  it('maps every storage class torch writes to an element type and size', () => {
    const table: [string, DataType, number][] = [
      ['DoubleStorage', DataType.DOUBLE, 8], ['FloatStorage', DataType.FLOAT, 4], ['HalfStorage', DataType.FLOAT16, 2],
      ['LongStorage', DataType.INT64, 8], ['IntStorage', DataType.INT32, 4], ['ShortStorage', DataType.INT16, 2],
      ['CharStorage', DataType.INT8, 1], ['ByteStorage', DataType.UINT8, 1], ['BoolStorage', DataType.BOOL, 1],
      ['BFloat16Storage', DataType.BFLOAT16, 2], ['ComplexDoubleStorage', DataType.COMPLEX128, 16],
      ['ComplexFloatStorage', DataType.COMPLEX64, 8], ['UInt16Storage', DataType.UINT16, 2], ['UInt32Storage', DataType.UINT32, 4],
      ['UInt64Storage', DataType.UINT64, 8], ['Float8_e4m3fnStorage', DataType.FLOAT8E4M3FN, 1], ['Float8_e5m2Storage', DataType.FLOAT8E5M2, 1],
      ['Float8_e4m3fnuzStorage', DataType.FLOAT8E4M3FNUZ, 1], ['Float8_e5m2fnuzStorage', DataType.FLOAT8E5M2FNUZ, 1],
      ['Float8_e8m0fnuStorage', DataType.FLOAT8E8M0, 1],
    ];
    for (const [name, dtype, size] of table) {
      const info = dtypeFromStorageClass(name);
      expect(info, name).toBeDefined();
      expect([info!.dtype, info!.itemSize]).toEqual([dtype, size]);
      expect(dtypeFromTorchName(info!.name)).toBe(info);
      expect(dtypeInfoFor(dtype)).toBe(info);
    }
    expect(dtypeFromStorageClass('QInt8Storage')).toBeUndefined();
    expect(dtypeFromStorageClass('Storage')).toBeUndefined();
  });
});

describe('rebuildTensor', () => {
  const values = Array.from({ length: 24 }, (_, i) => i * 0.5);

  it('views a contiguous tensor in place, at its storage offset', () => {
    const s = floatStorage(values);
    const t = rebuildTensor(s, f32, 4, [2, 3], [3, 1], where);
    expect(t.dtype).toBe(DataType.FLOAT);
    expect(t.dims).toEqual([2, 3]);
    const b = t.bytes();
    expect(b.buffer).toBe(s.raw.buffer);
    expect(b.byteOffset).toBe(s.raw.byteOffset + 16);
    expect([...t.toArray()]).toEqual(values.slice(4, 10));
  });

  it('treats size-1 dims as contiguous whatever their stride, and scalars too', () => {
    expect(isContiguous([1, 3], [99, 1])).toBe(true);
    expect(isContiguous([3, 1], [1, 1])).toBe(true);
    expect(isContiguous([2, 3], [1, 2])).toBe(false);
    const scalar = rebuildTensor(floatStorage(values), f32, 5, [], [], where);
    expect(scalar.dims).toEqual([]);
    expect([...scalar.toArray()]).toEqual([2.5]);
  });

  it('copies non-contiguous views: transposes, steps, permutes and broadcasts', () => {
    const views: [number, number[], number[]][] = [
      [0, [3, 2], [1, 3]], // a transpose of [2, 3]
      [1, [3, 2], [4, 2]], // every other column, from offset 1
      [0, [2, 3, 4], [1, 8, 2]], // a permutation of [2, 3, 4] ... with repeats in range
      [3, [4, 3], [0, 1]], // expand (stride 0)
      [0, [2, 2, 2], [12, 1, 4]],
    ];
    for (const [offset, size, stride] of views) {
      const s = floatStorage(values);
      const t = rebuildTensor(s, f32, offset, size, stride, where);
      expect(t.dims).toEqual(size);
      expect([...t.toArray()], `${size}/${stride}`).toEqual(naive(values, offset, size, stride));
      expect(t.bytes().buffer).not.toBe(s.raw.buffer);
    }
  });

  it('returns an empty tensor for zero elements', () => {
    expect(rebuildTensor(floatStorage([]), f32, 0, [0, 3], [3, 1], where).bytes().byteLength).toBe(0);
  });

  it('byte-swaps big-endian storages once, per element or per complex half', () => {
    const s = floatStorage([1.5, -2, 3.25], 'big');
    const t = rebuildTensor(s, f32, 1, [2], [1], where);
    expect([...t.toArray()]).toEqual([-2, 3.25]);
    expect(rebuildTensor(s, f32, 0, [1], [1], where).bytes().buffer).toBe(t.bytes().buffer); // one swapped copy
    const c64 = dtypeFromTorchName('complex64')!;
    const le = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const cs = new TorchStorage('data/1', swapBytes(le, 4), 'big', c64);
    expect([...rebuildTensor(cs, c64, 0, [2], [1], where).toArray()]).toEqual([1, 2, 3, 4]);
    const i64 = dtypeFromTorchName('int64')!;
    const big = new TorchStorage('data/2', new Uint8Array([0, 0, 0, 0, 0, 0, 1, 2]), 'big', i64);
    expect([...rebuildTensor(big, i64, 0, [1], [1], where).toArray()]).toEqual([258n]);
  });

  it('rejects views outside the storage and malformed geometry, naming the place', () => {
    const s = floatStorage(values);
    const bad: [number, number[], number[], RegExp][] = [
      [20, [5], [1], /reaches element 24, past the storage's 24/],
      [0, [5, 5], [5, 1], /reaches element 24/],
      [0, [2, 3], [1], /size has 2 dims but stride has 1/],
      [-1, [2], [1], /bad size, stride or offset -1/],
      [0, [2], [-1], /bad size, stride or offset -1/],
      [0, [1.5], [1], /bad size, stride or offset 1.5/],
    ];
    for (const [offset, size, stride, message] of bad) {
      const err = (() => {
        try {
          rebuildTensor(s, f32, offset, size, stride, where);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).message).toMatch(/^m\.pt, data\.pkl byte 7: tensor on storage data\/0: /);
      expect((err as FormatError).message).toMatch(message);
    }
    const odd = new TorchStorage('data/3', new Uint8Array(6), 'little', f32);
    expect(() => rebuildTensor(odd, f32, 0, [1], [1], where)).toThrow(/6 bytes is not a whole number of float32 elements/);
  });

  it('caps what a strided copy may allocate (a broadcast of one element cannot become gigabytes)', () => {
    const s = floatStorage([1]);
    const limits = { maxCopyBytes: 1 << 30, maxCopyRatio: 64, minCopyCap: 1024 };
    expect(() => rebuildTensor(s, f32, 0, [1 << 20, 1 << 20], [0, 0], where, limits)).toThrow(/exceeds the 1024-byte copy limit/);
    expect(() => rebuildTensor(s, f32, 0, [1 << 16, 1 << 16], [0, 0], where)).toThrow(/copy limit/);
    expect([...rebuildTensor(s, f32, 0, [16, 16], [0, 0], where, limits).toArray()]).toEqual(new Array(256).fill(1));
  });
});
