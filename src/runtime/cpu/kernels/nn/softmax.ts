/** Softmax, LogSoftmax, Hardmax: over one axis from opset 13, over the flattened tail before. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

type Kind = 'soft' | 'log' | 'hard';
type Out = { [i: number]: number };

/**
 * One row of `d` elements at `base`, `inner` apart. Exponentials are written to the output on the way to
 * their sum and scaled after, so each element's exp is computed once. Each element is read before its own
 * output is written, so `ys` may be `xs`'s storage.
 */
function row(kind: Kind, xs: ArrayLike<number>, ys: Out, base: number, d: number, inner: number): void {
  const end = base + d * inner;
  let mx = -Infinity;
  let arg = base;
  for (let i = base; i < end; i += inner) {
    const v = xs[i]!;
    if (v > mx) (mx = v), (arg = i);
  }
  if (kind === 'hard') {
    for (let i = base; i < end; i += inner) ys[i] = i === arg ? 1 : 0;
    return;
  }
  let sum = 0;
  if (kind === 'log') {
    for (let i = base; i < end; i += inner) sum += Math.exp(xs[i]! - mx);
    const ls = Math.log(sum);
    for (let i = base; i < end; i += inner) ys[i] = xs[i]! - mx - ls;
    return;
  }
  // Keep the exps in double while they are summed: the output may be float32 storage.
  if (inner === 1 && d <= EXP_BUF.length) {
    for (let i = 0; i < d; i++) sum += EXP_BUF[i] = Math.exp(xs[base + i]! - mx);
    const k = 1 / sum;
    for (let i = 0; i < d; i++) ys[base + i] = EXP_BUF[i]! * k;
    return;
  }
  for (let i = base; i < end; i += inner) sum += Math.exp(xs[i]! - mx);
  for (let i = base; i < end; i += inner) ys[i] = Math.exp(xs[i]! - mx) / sum;
}
const EXP_BUF = new Float64Array(4096);

function softmaxKernel(kind: Kind) {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const dims = x.dims;
    const r = dims.length;
    let axis = ctx.memo('axis', () => ctx.attrs.int('axis', ctx.opset >= 13 ? -1 : 1));
    if (axis < 0) axis += r;
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= dims[i]!;
    // Before 13 the input is coerced to 2-D [outer, rest]: the tail after `axis` is the row.
    const d = ctx.opset >= 13 ? (dims[axis] ?? 1) : outer === 0 ? 0 : x.size / outer;
    const inner = ctx.opset >= 13 && d > 0 && outer > 0 ? x.size / outer / d : 1;
    const direct = isNumberStorage(x.type);
    const xs = direct ? (x.data as ArrayLike<number>) : numbersOf(x);
    const out = ctx.output(0, dims, x.type);
    const ys = direct ? (out.data as Out) : scratchFor(x.type, x.size);
    for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) row(kind, xs, ys, o * d * inner + q, d, inner);
    if (!direct) storeNumbers(ys as ArrayLike<number>, out);
  };
}

export const softmaxKernels: KernelTable = {
  Softmax: softmaxKernel('soft'),
  LogSoftmax: softmaxKernel('log'),
  Hardmax: softmaxKernel('hard'),
};
