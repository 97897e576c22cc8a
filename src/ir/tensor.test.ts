import { describe, expect, it } from 'vitest';
import { DataType } from './dtype.js';
import { ArrayTensor, BytesTensor } from './tensor.js';

describe('tensors', () => {
  it('views aligned raw bytes without copying', () => {
    const file = new Uint8Array(64);
    new Float32Array(file.buffer, 16, 2).set([1.5, -2]);
    const t = new BytesTensor(DataType.FLOAT, [2], file.subarray(16, 24));
    const arr = t.toArray() as Float32Array;
    expect(arr.buffer).toBe(file.buffer);
    expect([...arr]).toEqual([1.5, -2]);
  });

  it('copies misaligned bytes instead of failing', () => {
    const file = new Uint8Array(9);
    new DataView(file.buffer).setFloat32(1, 3.25, true);
    const t = new BytesTensor(DataType.FLOAT, [1], file.subarray(1, 5));
    expect([...(t.toArray() as Float32Array)]).toEqual([3.25]);
  });

  it('copies misaligned bytes of a Node Buffer without reading its pool', () => {
    const pool = Buffer.alloc(64, 0xee);
    pool.writeBigInt64LE(-1n, 9);
    const t = new BytesTensor(DataType.INT64, [1], pool.subarray(9, 17));
    expect([...(t.toArray() as BigInt64Array)]).toEqual([-1n]);
  });

  it('packs int4 two to a byte, first element in the low nibble, and unpacks with sign', () => {
    const t = new ArrayTensor(DataType.INT4, [3], new Int8Array([-1, 7, -8]));
    expect([...t.bytes()]).toEqual([0x7f, 0x08]);
    expect([...new BytesTensor(DataType.INT4, [3], t.bytes()).toArray()]).toEqual([-1, 7, -8]);
  });

  it('packs 2-bit types four to a byte from the least significant bits', () => {
    const t = new ArrayTensor(DataType.UINT2, [5], new Uint8Array([1, 2, 3, 0, 3]));
    expect([...t.bytes()]).toEqual([0b00111001, 0b11]);
    expect(t.byteLength).toBe(2);
  });
});
