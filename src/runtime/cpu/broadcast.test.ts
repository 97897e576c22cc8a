import { describe, expect, it } from 'vitest';
import { broadcastIndex, broadcastShape, stridesOf } from './broadcast.js';

describe('broadcastShape', () => {
  it('follows numpy rules', () => {
    expect(broadcastShape([2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShape([4, 1, 5], [3, 1])).toEqual([4, 3, 5]);
    expect(broadcastShape([], [2])).toEqual([2]);
    expect(broadcastShape([0, 1], [1, 3])).toEqual([0, 3]);
    expect(broadcastShape([2, 3], [2])).toBeUndefined();
  });
});

describe('broadcastIndex', () => {
  it('is undefined for the same shape', () => {
    expect(broadcastIndex([2, 3], [2, 3])).toBeUndefined();
  });
  it('maps a row vector across rows and a column across columns', () => {
    expect(Array.from(broadcastIndex([2, 3], [3])!)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(broadcastIndex([2, 3], [2, 1])!)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(broadcastIndex([2, 2, 2], [2, 1, 2])!)).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
    expect(Array.from(broadcastIndex([3], [])!)).toEqual([0, 0, 0]);
  });
  it('gives row-major strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });
});
