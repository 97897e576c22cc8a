import { describe, expect, it } from 'vitest';
import { compareArrays } from './metrics.js';

describe('compareArrays', () => {
  it('measures absolute and relative error and counts elements outside the tolerance', () => {
    const s = compareArrays(Float32Array.of(1, 2.002, -4, 0.5), Float32Array.of(1, 2, -4.4, 0.5), { rtol: 1e-2, atol: 0 });
    expect(s.count).toBe(4);
    expect(s.maxAbsError).toBeCloseTo(0.4, 6);
    expect(s.maxRelError).toBeCloseTo(0.4 / 4.4, 6);
    expect(s.mismatches).toBe(1);
    expect(s.cosine).toBeGreaterThan(0.99);
  });

  it('matches NaN only with NaN, compares bigint and bool data, and flags a length difference', () => {
    expect(compareArrays([NaN, 1], [NaN, 1], { rtol: 0, atol: 0 }).mismatches).toBe(0);
    expect(compareArrays([NaN, 1], [0, 1], { rtol: 0, atol: 0 }).mismatches).toBe(1);
    expect(compareArrays(BigInt64Array.of(3n, -2n), BigInt64Array.of(3n, -1n), { rtol: 0, atol: 0 })).toMatchObject({ mismatches: 1, maxAbsError: 1 });
    expect(compareArrays([true, false], [true, true], { rtol: 0, atol: 0 }).mismatches).toBe(1);
    expect(compareArrays([1, 2, 3], [1, 2], { rtol: 0, atol: 0 }).mismatches).toBe(1);
  });

  it('gives cosine 1 for all-zero tensors and -1 for opposite ones', () => {
    expect(compareArrays([0, 0], [0, 0], { rtol: 0, atol: 0 }).cosine).toBe(1);
    expect(compareArrays([1, -2], [-1, 2], { rtol: 0, atol: 0 }).cosine).toBeCloseTo(-1, 12);
  });
});
