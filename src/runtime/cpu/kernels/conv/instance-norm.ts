/** InstanceNormalization: y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c] over each (n, c) plane. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { product } from './geometry.js';

function instanceNorm(ctx: KernelContext): void {
  const X = ctx.input(0);
  const scale = numbersOf(ctx.input(1));
  const bias = numbersOf(ctx.input(2));
  const eps = ctx.attrs.float('epsilon', 1e-5);
  if (X.dims.length < 2) throw ctx.error('InstanceNormalization needs an input of rank >= 2');
  const [N, C] = [X.dims[0]!, X.dims[1]!];
  const size = product(X.dims.slice(2));
  const x = numbersOf(X);
  const y = scratchFor(X.type, X.size);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const o = (n * C + c) * size;
      let s = 0;
      for (let i = 0; i < size; i++) s += x[o + i]!;
      const mean = s / size;
      let v = 0;
      for (let i = 0; i < size; i++) v += (x[o + i]! - mean) ** 2;
      const k = scale[c]! / Math.sqrt(v / size + eps);
      const b = bias[c]!;
      for (let i = 0; i < size; i++) y[o + i] = (x[o + i]! - mean) * k + b;
    }
  storeNumbers(y, ctx.output(0, X.dims, X.type));
}

export const instanceNormKernels: KernelTable = { InstanceNormalization: instanceNorm };
