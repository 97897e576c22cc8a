import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { crc32c, maskCrc32c } from './crc32c.js';
import { readTable } from './sstable.js';
import { expected, VARIABLES_PREFIX, writeTable } from './test-helpers.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('readTable', () => {
  it('reads the variables.index TF 2.21 wrote: the header key, then every checkpoint key in order', () => {
    const entries = readTable(fs.readFileSync(`${VARIABLES_PREFIX}.index`), 'variables.index');
    expect(entries.map((e) => text(e.key))).toEqual(['', ...Object.keys(expected.checkpoint).sort()]);
  });

  it('rebuilds prefix-compressed keys across restarts and blocks, values zero-copy', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `layer_${String(i).padStart(4, '0')}/kernel/.ATTRIBUTES/VARIABLE_VALUE`).sort();
    const bytes = writeTable(keys.map((k, i) => [k, new Uint8Array([i & 0xff, 1, 2])]), 512, 16);
    const entries = readTable(bytes, 't.index');
    expect(entries.map((e) => text(e.key))).toEqual(keys);
    expect(entries.map((e) => e.value[0])).toEqual(keys.map((_, i) => i & 0xff));
    expect(entries[5]!.value.buffer).toBe(bytes.buffer);
  });

  it('names the file and the block when a block checksum is wrong', () => {
    const bytes = new Uint8Array(fs.readFileSync(`${VARIABLES_PREFIX}.index`));
    bytes[20]! ^= 0x40; // inside the first data block
    const e = catchError(() => readTable(bytes, 'sm/variables/variables.index'));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.file).toBe('sm/variables/variables.index');
    expect(e.message).toMatch(/data block 0 \(offset 0, \d+ bytes\): checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
  });

  it('refuses truncated files, a wrong magic number and broken handles', () => {
    const good = fs.readFileSync(`${VARIABLES_PREFIX}.index`);
    expect(() => readTable(good.subarray(0, 30), 'i')).toThrow(/too short for a table/);
    expect(() => readTable(good.subarray(0, good.length - 1), 'i')).toThrow(/no table magic number/);
    expect(() => readTable(good.subarray(100), 'i')).toThrow(FormatError);
    const badFooter = new Uint8Array(good);
    badFooter.fill(0xff, good.length - 48, good.length - 8);
    expect(() => readTable(badFooter, 'i')).toThrow(/footer: .* varint longer than 10 bytes/);
  });

  it('refuses Snappy blocks and keys out of order', () => {
    const bytes = writeTable([['a', new Uint8Array([1])]]);
    const snappy = new Uint8Array(bytes);
    // First block: entry (3 varints + 'a' + 1 value byte = 5 bytes), restart array (4), count (4), then type.
    snappy[13] = 1;
    expect(() => readTable(snappy, 'i')).toThrow(/checksum mismatch/); // the type byte is under the CRC
    new DataView(snappy.buffer).setUint32(14, maskCrc32c(crc32c(snappy.subarray(0, 14))), true);
    expect(() => readTable(snappy, 'i')).toThrow(/data block 0 .* is Snappy-compressed/);
    const unordered = writeTable([['b', new Uint8Array(0)], ['a', new Uint8Array(0)]]);
    expect(() => readTable(unordered, 'i')).toThrow(/keys are not in increasing order/);
  });

  it('damage anywhere gives FormatErrors only', () => {
    const good = fs.readFileSync(`${VARIABLES_PREFIX}.index`);
    for (let i = 0; i < good.length; i += 3) {
      const bytes = new Uint8Array(good);
      bytes[i]! ^= 0x5a;
      try {
        readTable(bytes, 'i');
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
      }
    }
  });
});

function catchError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    return e as FormatError;
  }
  throw new Error('expected an error');
}
