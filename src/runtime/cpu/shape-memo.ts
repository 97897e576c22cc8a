/**
 * `ctx.memo` for tables made from dims (broadcast runs, strided plans, pool windows). Building a key string
 * from dims costs ~100 ns a call; a step's shapes rarely change between runs, so the dims of the last hit
 * are kept under `tag` and compared number by number first (~10 ns). Other dims fall back to `ctx.memo`
 * under a key that names them, so alternating shapes still hit the cache.
 */
import type { KernelContext } from '../kernel.js';

interface Last {
  dims: number[][];
  value: unknown;
  set: boolean;
}

function sameAll(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/**
 * The value `make` gives for `dims` (any number lists the value depends on), made once per step and
 * distinct `dims`. `tag` names the table and everything else it depends on besides the node (a dtype's
 * width, say); each call site of a kernel uses its own tag.
 */
export function memoDims<T>(ctx: KernelContext, tag: string, dims: readonly (readonly number[])[], make: () => T): T {
  const last = ctx.memo<Last>(tag, () => ({ dims: [], value: undefined, set: false }));
  if (last.set && sameAll(last.dims, dims)) return last.value as T;
  const value = ctx.memo(`${tag}:${dims.map((d) => d.join(',')).join('|')}`, make);
  last.dims = dims.map((d) => d.slice());
  last.value = value;
  last.set = true;
  return value;
}
