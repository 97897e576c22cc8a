/** Element and slice addressing: GatherElements, ScatterElements (and Scatter), GatherND, ScatterND. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf } from '../../../tensor.js';
import { stridesOf } from '../../broadcast.js';
import { intsOf } from '../../numeric.js';
import { normAxis } from '../tensor/shape-ops.js';
import { access, copyToOutput, el, forEachIndex, reductionOf, wrapIndex } from './common.js';

function gatherElements(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const r = x.dims.length;
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), r);
  const idx = intsOf(idxT);
  const out = ctx.output(0, idxT.dims, x.type);
  const xs = stridesOf(x.dims);
  const d = x.dims[axis]!;
  const xi = el(x);
  const oi = el(out);
  forEachIndex(idxT.dims, (k, c) => {
    let off = 0;
    for (let a = 0; a < r; a++) off += (a === axis ? wrapIndex(ctx, idx[k]!, d) : c[a]!) * xs[a]!;
    oi[k] = xi[off];
  });
}

function scatterElements(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const upd = ctx.input(2);
  const r = x.dims.length;
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), r);
  const combine = reductionOf(ctx);
  const idx = intsOf(idxT);
  const out = copyToOutput(ctx, x);
  const xs = stridesOf(x.dims);
  const d = x.dims[axis]!;
  const o = access(out);
  const u = access(upd);
  forEachIndex(idxT.dims, (k, c) => {
    let off = 0;
    for (let a = 0; a < r; a++) off += (a === axis ? wrapIndex(ctx, idx[k]!, d) : c[a]!) * xs[a]!;
    o.set(off, combine(o.get(off), u.get(k)));
  });
}

/** For each index tuple (the last dim of `indices`) within its batch: the flat offset of its slice in data. */
function sliceOffsets(ctx: KernelContext, dataDims: readonly number[], indicesDims: readonly number[], idx: number[], batchDims: number): { offsets: number[]; slice: number; k: number } {
  const q = indicesDims.length;
  const k = indicesDims[q - 1]!;
  if (k > dataDims.length - batchDims) throw ctx.error(`index tuples of length ${k} exceed the data rank`);
  const ds = stridesOf(dataDims);
  const batch = sizeOf(indicesDims.slice(0, batchDims));
  const tuples = sizeOf(indicesDims.slice(batchDims, q - 1));
  const batchStride = sizeOf(dataDims.slice(batchDims));
  const offsets: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < tuples; t++) {
      let off = b * batchStride;
      const at = (b * tuples + t) * k;
      for (let j = 0; j < k; j++) off += wrapIndex(ctx, idx[at + j]!, dataDims[batchDims + j]!) * ds[batchDims + j]!;
      offsets.push(off);
    }
  }
  return { offsets, slice: sizeOf(dataDims.slice(batchDims + k)), k };
}

function gatherND(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const b = ctx.attrs.int('batch_dims', 0);
  const { offsets, slice, k } = sliceOffsets(ctx, x.dims, idxT.dims, intsOf(idxT), b);
  const dims = [...idxT.dims.slice(0, -1), ...x.dims.slice(b + k)];
  const out = ctx.output(0, dims, x.type);
  const xi = el(x);
  const oi = el(out);
  offsets.forEach((off, t) => {
    for (let e = 0; e < slice; e++) oi[t * slice + e] = xi[off + e];
  });
}

function scatterND(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idxT = ctx.input(1);
  const upd = ctx.input(2);
  const combine = reductionOf(ctx);
  const { offsets, slice } = sliceOffsets(ctx, x.dims, idxT.dims, intsOf(idxT), 0);
  const out = copyToOutput(ctx, x);
  const o = access(out);
  const u = access(upd);
  offsets.forEach((off, t) => {
    for (let e = 0; e < slice; e++) o.set(off + e, combine(o.get(off + e), u.get(t * slice + e)));
  });
}

export const gatherScatterKernels: KernelTable = {
  GatherElements: gatherElements,
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  GatherND: gatherND,
  ScatterND: scatterND,
};
