/**
 * GlobalLpPool against onnxruntime-node (which implements opsets 2-21; pool-variants.test.ts runs ours at
 * opsets 1 and 22 and on float16/float64 against the same reference): p = 1, 2, 3 and 4, ranks 3-5,
 * non-square planes. Expected values come from onnxruntime.
 */
import { describe, it } from 'vitest';
import { expectMatchesOrt, f32, fv, type KernelCase } from '../../../../../test/support/kernel-cases.js';
import { attr } from '../../../test-models.js';

const p = (v: number) => attr.int('p', v);

const CASES: KernelCase[] = [
  { name: 'p default (2), 4-D non-square', op: 'GlobalLpPool', inputs: [f32([2, 3, 5, 4], 1)] },
  { name: 'p=1', op: 'GlobalLpPool', inputs: [f32([1, 4, 3, 7], 2)], attrs: [p(1)] },
  { name: 'p=2 explicit', op: 'GlobalLpPool', inputs: [f32([3, 2, 6, 1], 3)], attrs: [p(2)] },
  { name: 'p=3', op: 'GlobalLpPool', inputs: [f32([2, 2, 4, 5], 4)], attrs: [p(3)] },
  { name: 'p=4', op: 'GlobalLpPool', inputs: [f32([1, 3, 2, 9], 5)], attrs: [p(4)] },
  { name: 'rank 3 (1-D spatial)', op: 'GlobalLpPool', inputs: [f32([2, 3, 9], 6)], attrs: [p(2)] },
  { name: 'rank 5 (3-D spatial), p=3', op: 'GlobalLpPool', inputs: [f32([1, 2, 3, 2, 4], 7)], attrs: [p(3)] },
  { name: 'single element planes', op: 'GlobalLpPool', inputs: [f32([2, 5, 1, 1], 8)], attrs: [p(3)] },
  { name: 'opset 2', op: 'GlobalLpPool', inputs: [f32([1, 2, 4, 3], 9)], attrs: [p(3)], opset: 2 },
];

describe('GlobalLpPool matches onnxruntime-node', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => expectMatchesOrt(c));
});
