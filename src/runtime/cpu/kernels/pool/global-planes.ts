/** The shared frame of the global pools: one value per (n, c) plane, output dims [N, C, 1, ...]. */
import type { KernelContext } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

/** `reduce(xs, at, n)` gives the value of the plane of `n` elements at `at`; written to output 0. */
export function reducePlanes(ctx: KernelContext, x: Tensor, reduce: (xs: ArrayLike<number>, at: number, n: number) => number): void {
  const planes = (x.dims[0] ?? 1) * (x.dims[1] ?? 1);
  let inner = 1;
  for (let i = 2; i < x.dims.length; i++) inner *= x.dims[i]!;
  const direct = isNumberStorage(x.type);
  const xs = direct ? (x.data as ArrayLike<number>) : numbersOf(x);
  const y = ctx.output(0, x.dims.map((d, i) => (i < 2 ? d : 1)), x.type);
  const ys = direct ? (y.data as { [i: number]: number }) : scratchFor(x.type, planes);
  for (let o = 0, at = 0; o < planes; o++, at += inner) ys[o] = reduce(xs, at, inner);
  if (!direct) storeNumbers(ys as ArrayLike<number>, y);
}
