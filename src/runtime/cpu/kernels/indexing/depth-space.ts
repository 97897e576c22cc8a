/** DepthToSpace (DCR and CRD) and SpaceToDepth: a reshape to rank 6, a transpose, a reshape back. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { stridesOf } from '../../broadcast.js';
import { el, forEachIndex } from './common.js';

/** Writes `x` viewed with `viewDims`, permuted by `perm`, into output 0 of `outDims`. */
function permuteInto(ctx: KernelContext, viewDims: number[], perm: number[], outDims: number[]): void {
  const x = ctx.input(0);
  const s = stridesOf(viewDims);
  const ps = perm.map((p) => s[p]!);
  const out = ctx.output(0, outDims, x.type);
  const xi = el(x);
  const oi = el(out);
  forEachIndex(perm.map((p) => viewDims[p]!), (k, c) => {
    let off = 0;
    for (let a = 0; a < c.length; a++) off += c[a]! * ps[a]!;
    oi[k] = xi[off];
  });
}

function dims4(ctx: KernelContext): [number, number, number, number] {
  const d = ctx.input(0).dims;
  if (d.length !== 4) throw ctx.error(`expected a rank 4 input, got rank ${d.length}`);
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}

function depthToSpace(ctx: KernelContext): void {
  const [n, c, h, w] = dims4(ctx);
  const b = ctx.attrs.int('blocksize');
  if (c % (b * b) !== 0) throw ctx.error(`channels ${c} are not divisible by blocksize² ${b * b}`);
  const c2 = c / (b * b);
  const out = [n, c2, h * b, w * b];
  if (ctx.attrs.string('mode', 'DCR') === 'CRD') permuteInto(ctx, [n, c2, b, b, h, w], [0, 1, 4, 2, 5, 3], out);
  else permuteInto(ctx, [n, b, b, c2, h, w], [0, 3, 4, 1, 5, 2], out);
}

function spaceToDepth(ctx: KernelContext): void {
  const [n, c, h, w] = dims4(ctx);
  const b = ctx.attrs.int('blocksize');
  if (h % b !== 0 || w % b !== 0) throw ctx.error(`spatial dims ${h}x${w} are not divisible by blocksize ${b}`);
  permuteInto(ctx, [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], [n, c * b * b, h / b, w / b]);
}

export const depthSpaceKernels: KernelTable = {
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
};
