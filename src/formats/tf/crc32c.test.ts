import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c, unmaskCrc32c } from './crc32c.js';

/** Bit-at-a-time reference, straight from the definition. */
function slowCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283); // the CRC catalogue's check value
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 zero bytes
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // RFC 3720 B.4: 32 0xff bytes
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e); // RFC 3720 B.4: 0..31
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the bitwise definition at every length and alignment, and continues', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let start = 0; start < 9; start++) {
      for (const len of [0, 1, 7, 8, 9, 15, 16, 17, 100, 291]) {
        const part = data.subarray(start, start + len);
        expect(crc32c(part)).toBe(slowCrc32c(part));
      }
    }
    expect(crc32c(data.subarray(100), crc32c(data.subarray(0, 100)))).toBe(crc32c(data));
  });

  it('masks and unmasks as LevelDB does', () => {
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000]) {
      expect(unmaskCrc32c(maskCrc32c(c))).toBe(c);
      expect(maskCrc32c(c)).not.toBe(c);
    }
    expect(maskCrc32c(0)).toBe(0xa282ead8);
  });
});
