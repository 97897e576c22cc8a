/** Softmax, LogSoftmax, Hardmax: over one axis from opset 13, over the flattened tail before. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf } from '../../../tensor.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

function softmaxKernel(kind: 'soft' | 'log' | 'hard') {
  return (ctx: KernelContext): void => {
    const x = ctx.input(0);
    const r = x.dims.length;
    let axis = ctx.attrs.int('axis', ctx.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += r;
    const out = ctx.output(0, x.dims, x.type);
    const xs = numbersOf(x);
    const ys = scratchFor(x.type, x.size);
    // Before 13 the input is coerced to 2-D [outer, rest]: the tail after `axis` is the row.
    const [outer, d, inner] = ctx.opset >= 13 ? [sizeOf(x.dims.slice(0, axis)), x.dims[axis] ?? 1, sizeOf(x.dims.slice(axis + 1))] : [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis)), 1];
    for (let o = 0; o < outer; o++) {
      for (let q = 0; q < inner; q++) {
        const base = o * d * inner + q;
        let mx = -Infinity;
        let arg = 0;
        for (let i = 0; i < d; i++) {
          const v = xs[base + i * inner]!;
          if (v > mx) {
            mx = v;
            arg = i;
          }
        }
        if (kind === 'hard') {
          for (let i = 0; i < d; i++) ys[base + i * inner] = i === arg ? 1 : 0;
          continue;
        }
        let sum = 0;
        for (let i = 0; i < d; i++) sum += Math.exp(xs[base + i * inner]! - mx);
        const ls = Math.log(sum);
        for (let i = 0; i < d; i++) {
          const v = xs[base + i * inner]! - mx;
          ys[base + i * inner] = kind === 'log' ? v - ls : Math.exp(v) / sum;
        }
      }
    }
    storeNumbers(ys, out);
  };
}

export const softmaxKernels: KernelTable = {
  Softmax: softmaxKernel('soft'),
  LogSoftmax: softmaxKernel('log'),
  Hardmax: softmaxKernel('hard'),
};
