/** CausalConvWithState (opset 27): depthwise causal Conv1d over [past_state ++ input], optional fused SiLU. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { Tensor, allocData } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

function causalConvWithState(ctx: KernelContext): void {
  const x = ctx.input(0);
  const w = ctx.input(1);
  const bias = ctx.optionalInput(2);
  const past = ctx.optionalInput(3);
  const act = ctx.attrs.string('activation', 'none');
  if (act !== 'none' && act !== 'silu' && act !== 'swish') throw ctx.error(`CausalConvWithState: unsupported activation '${act}'`);
  if (x.dims.length !== 3 || w.dims.length !== 3) throw ctx.error('CausalConvWithState: input and weight must be rank 3');
  const [b = 0, c = 0, len = 0] = x.dims;
  const kk = w.dims[2] ?? 1;
  const p = kk - 1;
  const plen = len + p;
  const xs = numbersOf(x);
  const ws = numbersOf(w);
  const bs = bias ? numbersOf(bias) : undefined;
  const ps = past ? numbersOf(past) : undefined;
  if (past && (past.dims[0] !== b || past.dims[1] !== c || past.dims[2] !== p)) throw ctx.error('CausalConvWithState: past_state shape mismatch');
  const padded = new Float64Array(b * c * plen);
  for (let n = 0; n < b * c; n++) {
    if (ps) for (let j = 0; j < p; j++) padded[n * plen + j] = ps[n * p + j]!;
    for (let j = 0; j < len; j++) padded[n * plen + p + j] = xs[n * len + j]!;
  }
  const y = ctx.output(0, [b, c, len], x.type);
  const ys = scratchFor(x.type, b * c * len);
  for (let n = 0; n < b * c; n++) {
    const ch = n % c;
    for (let j = 0; j < len; j++) {
      let acc = bs ? bs[ch]! : 0;
      for (let i = 0; i < kk; i++) acc += padded[n * plen + j + i]! * ws[ch * kk + i]!;
      ys[n * len + j] = acc;
    }
  }
  if (act !== 'none') {
    // The reference rounds the conv result to the input type first, then applies SiLU.
    const rounded = new Tensor(x.type, allocData(x.type, ys.length), [ys.length]);
    storeNumbers(ys, rounded);
    const r = numbersOf(rounded);
    for (let i = 0; i < ys.length; i++) {
      const v = r[i]!;
      ys[i] = v / (1 + Math.exp(-v));
    }
  }
  storeNumbers(ys, y);
  if (ctx.hasOutput(1)) {
    const st = ctx.output(1, [b, c, p], x.type);
    const ss = scratchFor(x.type, b * c * p);
    for (let n = 0; n < b * c; n++) for (let j = 0; j < p; j++) ss[n * p + j] = padded[n * plen + len + j]!;
    storeNumbers(ss, st);
  }
}

export const causalConvKernels: KernelTable = {
  CausalConvWithState: causalConvWithState,
};
