/** Feature preprocessing of ai.onnx.ml 1: Normalizer, Scaler, Imputer (row-wise over X as [N, C]). */
import type { KernelContext } from '../../../kernel.js';
import { rowsOf } from './linear.js';

/** Each row divided by its max (not max |x|), L1 or L2 norm; a row whose divisor is 0 stays as it is. */
export function normalizer(ctx: KernelContext): void {
  const x = ctx.input(0);
  const { n, c, at } = rowsOf(ctx, x);
  const norm = ctx.attrs.string('norm', 'MAX');
  if (norm !== 'MAX' && norm !== 'L1' && norm !== 'L2') throw ctx.error(`unknown norm ${JSON.stringify(norm)}`);
  const y = ctx.output(0, x.dims, 'float32').data as Float32Array;
  for (let r = 0; r < n; r++) {
    let d = norm === 'MAX' ? -Infinity : 0;
    for (let j = 0; j < c; j++) {
      const v = at(r * c + j);
      if (norm === 'MAX') d = Math.max(d, v);
      else d += norm === 'L1' ? Math.abs(v) : v * v;
    }
    if (norm === 'L2') d = Math.sqrt(d);
    for (let j = 0; j < c; j++) y[r * c + j] = d === 0 ? at(r * c + j) : at(r * c + j) / d;
  }
}

/** Y = (X - offset) * scale, offset and scale per column or one for all. */
export function scaler(ctx: KernelContext): void {
  const x = ctx.input(0);
  const { n, c, at } = rowsOf(ctx, x);
  const offset = ctx.attrs.floats('offset', []);
  const scale = ctx.attrs.floats('scale', []);
  for (const [name, a] of [['offset', offset], ['scale', scale]] as const) {
    if (a.length > 1 && a.length !== c) throw ctx.error(`${name} has ${a.length} values for ${c} columns`);
  }
  const pick = (a: number[], j: number, dflt: number): number => (a.length === 0 ? dflt : a.length === 1 ? a[0]! : a[j]!);
  const y = ctx.output(0, x.dims, 'float32').data as Float32Array;
  for (let r = 0; r < n; r++) for (let j = 0; j < c; j++) y[r * c + j] = (at(r * c + j) - pick(offset, j, 0)) * pick(scale, j, 1);
}

/** Replaces replaced_value (NaN matches NaN) by the column's imputed value; the output keeps X's type. */
export function imputer(ctx: KernelContext): void {
  const x = ctx.input(0);
  const c = x.dims.length <= 1 ? x.size : x.dims[x.dims.length - 1]!;
  const out = ctx.output(0, x.dims, x.type);
  if (x.type === 'float32' || x.type === 'float64') {
    const imp = ctx.attrs.floats('imputed_value_floats', []);
    const rep = ctx.attrs.float('replaced_value_float', 0);
    check(ctx, imp.length, c);
    const src = x.data as Float32Array;
    const dst = out.data as Float32Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      dst[i] = v === rep || (Number.isNaN(rep) && Number.isNaN(v)) ? imp[imp.length === 1 ? 0 : i % c]! : v;
    }
  } else if (x.type === 'int64') {
    const imp = ctx.attrs.ints('imputed_value_int64s', []).map(BigInt);
    const rep = BigInt(ctx.attrs.int('replaced_value_int64', 0));
    check(ctx, imp.length, c);
    const src = x.data as BigInt64Array;
    const dst = out.data as BigInt64Array;
    for (let i = 0; i < src.length; i++) dst[i] = src[i] === rep ? imp[imp.length === 1 ? 0 : i % c]! : src[i]!;
  } else throw ctx.error(`Imputer on ${x.type} is not supported`);
}

function check(ctx: KernelContext, k: number, c: number): void {
  if (k !== 1 && k !== c) throw ctx.error(`${k} imputed values for ${c} columns (1 or one per column)`);
}
