/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (reductions none/sum/mean, weights, ignore_index). */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import type { Tensor } from '../../../tensor.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

/** -w[t] * logp[n, t, d] per target, reduced; `logp` is [N, C, D] flattened. */
function nll(ctx: KernelContext, x: Tensor, logp: ArrayLike<number>): void {
  const target = ctx.input(1);
  const weightT = ctx.optionalInput(2);
  const weight = weightT ? numbersOf(weightT) : undefined;
  const reduction = ctx.attrs.string('reduction', 'mean');
  const ignore = ctx.attrs.has('ignore_index') ? ctx.attrs.int('ignore_index') : undefined;
  const n = x.dims[0] ?? 1;
  const c = x.dims[1] ?? 1;
  const d = target.size / n;
  const ts = intsOf(target);
  const loss = new Float64Array(target.size);
  let wsum = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < d; k++) {
      const i = b * d + k;
      const t = ts[i]!;
      if (t === ignore) continue;
      if (t < 0 || t >= c) throw ctx.error(`target ${t} is out of range [0, ${c})`);
      const w = weight ? weight[t]! : 1;
      loss[i] = -w * logp[(b * c + t) * d + k]!;
      wsum += w;
    }
  }
  if (reduction === 'none') storeNumbers(loss, ctx.output(0, target.dims, x.type));
  else {
    let s = 0;
    for (const v of loss) s += v;
    const out = scratchFor(x.type, 1);
    out[0] = reduction === 'sum' ? s : s / wsum;
    storeNumbers(out, ctx.output(0, [], x.type));
  }
}

function nllLoss(ctx: KernelContext): void {
  const x = ctx.input(0);
  nll(ctx, x, numbersOf(x));
}

function softmaxCrossEntropy(ctx: KernelContext): void {
  const x = ctx.input(0);
  const n = x.dims[0] ?? 1;
  const c = x.dims[1] ?? 1;
  const d = x.size / (n * c);
  const xs = numbersOf(x);
  const logp = new Float64Array(x.size);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < d; k++) {
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, xs[(b * c + j) * d + k]!);
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(xs[(b * c + j) * d + k]! - m);
      const ls = Math.log(s);
      for (let j = 0; j < c; j++) logp[(b * c + j) * d + k] = xs[(b * c + j) * d + k]! - m - ls;
    }
  }
  nll(ctx, x, logp);
  if (ctx.hasOutput(1)) storeNumbers(logp, ctx.output(1, x.dims, x.type));
}

export const lossKernels: KernelTable = {
  NegativeLogLikelihoodLoss: nllLoss,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropy,
};
