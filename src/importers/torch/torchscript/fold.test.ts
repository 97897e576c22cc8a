/** Python semantics of the literal folding that runs constant loops and conditions at import time. */
import { describe, expect, it } from 'vitest';
import { foldAtenScalar, foldBinary, foldCompare, foldUnary } from './fold.js';
import { bool, float, int, NONE, type Literal } from './py-values.js';

const i = (v: number | bigint) => int(v) as Literal;
const f = (v: number) => float(v) as Literal;

describe('folding Python literals', () => {
  it('divides and takes remainders rounding toward -inf, and `/` gives a float', () => {
    expect(foldBinary('//', i(-7), i(2))).toEqual(int(-4));
    expect(foldBinary('%', i(-7), i(2))).toEqual(int(1));
    expect(foldBinary('%', i(7), i(-2))).toEqual(int(-1));
    expect(foldBinary('//', f(-7), i(2))).toEqual(float(-4));
    expect(foldBinary('/', i(7), i(2))).toEqual(float(3.5));
    expect(foldBinary('//', i(1), i(0))).toBeUndefined();
  });

  it('keeps ints exact past 2^53 and counts bools as ints', () => {
    expect(foldBinary('-', i(9223372036854775807n), i(1))).toEqual(int(9223372036854775806n));
    expect(foldBinary('+', bool(true) as Literal, i(1))).toEqual(int(2));
    expect(foldBinary('&', bool(true) as Literal, bool(false) as Literal)).toEqual(bool(false));
  });

  it('compares numbers across int and float, and None only by identity', () => {
    expect(foldCompare('<', i(1), f(1.5))).toBe(true);
    expect(foldCompare('==', i(2), f(2))).toBe(true);
    expect(foldCompare('is', NONE as Literal, NONE as Literal)).toBe(true);
    expect(foldCompare('==', NONE as Literal, i(0))).toBe(false);
    expect(foldCompare('is', i(1), i(1))).toBeUndefined();
    expect(foldUnary('not', i(0))).toEqual(bool(true));
  });

  it("folds TorchScript's torch.<op> spellings of scalar ops, and `is None` on anything", () => {
    expect(foldAtenScalar('eq', [foldAtenScalar('remainder', [int(5), int(2)])!, int(1)])).toEqual(bool(true));
    expect(foldAtenScalar('__isnot__', [{ kind: 'list', items: [] }, NONE])).toEqual(bool(true));
    expect(foldAtenScalar('add', [int(1), { kind: 'list', items: [] }])).toBeUndefined();
  });
});
