/**
 * GlobalLpPool: per (n, c) plane, (sum |x|^p)^(1/p) over every spatial position, the same sum LpPool
 * takes over one window (pool.ts). `p` is a float attribute at opset 1 and an int from opset 2 on;
 * `attrs.float` reads either. Sums are taken in doubles, so float32 results may differ from
 * onnxruntime's float accumulation in the last bits.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isFloatType } from '../../../tensor.js';
import { reducePlanes } from './global-planes.js';

function globalLpPool(ctx: KernelContext): void {
  const X = ctx.input(0);
  if (X.dims.length < 3) throw ctx.error('GlobalLpPool needs an input of rank >= 3');
  if (!isFloatType(X.type)) throw ctx.error(`GlobalLpPool of ${X.type} is not supported`);
  const p = ctx.attrs.float('p', 2);
  reducePlanes(ctx, X, (x, at, inner) => {
    let s = 0;
    if (p === 2) for (let i = at; i < at + inner; i++) s += x[i]! * x[i]!;
    else if (p === 1) for (let i = at; i < at + inner; i++) s += Math.abs(x[i]!);
    else for (let i = at; i < at + inner; i++) s += Math.abs(x[i]!) ** p;
    return p === 2 ? Math.sqrt(s) : s ** (1 / p);
  });
}

export const lpPoolGlobalKernels: KernelTable = { GlobalLpPool: globalLpPool };
