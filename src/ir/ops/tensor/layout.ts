/**
 * Ops that move elements between dims: Transpose, DepthToSpace, SpaceToDepth, ReverseSequence, Col2Im.
 */
import type { Dim } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { normalizeAxis } from '../shape-utils.js';
import { checkUnique, inputInts, inputLength, pickValues, setConstant, staticDims, strides, unknownDims } from './util.js';

function transpose(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  const perm = ctx.attrInts('perm');
  if (s === undefined) {
    ctx.setOutputTensor(0, x.dtype, perm === undefined ? undefined : unknownDims(perm.length));
    return;
  }
  const p = perm ?? s.map((_, k) => s.length - 1 - k);
  if (p.length !== s.length) ctx.fail(`perm [${p.join(',')}] has ${p.length} entries for an input of rank ${s.length}`);
  const norm = p.map((a) => normalizeAxis(ctx, a, s.length, 'perm entry'));
  checkUnique(ctx, norm, 'perm');
  const out = norm.map((a) => s[a] ?? null);
  ctx.setOutputTensor(0, x.dtype, out);
  const data = ctx.inputConstant(0);
  const inDims = staticDims(s);
  const outDims = staticDims(out);
  if (data !== undefined && inDims !== undefined && outDims !== undefined) {
    const st = strides(inDims);
    setConstant(ctx, 0, pickValues(data, outDims, (idx) => idx.reduce((acc, v, k) => acc + v * (st[norm[k] ?? 0] ?? 0), 0)));
  }
}

function requireRank4(ctx: InferContext, s: readonly Dim[]): void {
  if (s.length !== 4) ctx.fail(`input ${formatShape(s)} must have rank 4 (N,C,H,W)`);
}

function div(ctx: InferContext, d: Dim, by: number, what: string): Dim {
  if (typeof d !== 'number') return by === 1 ? d : null;
  if (d % by !== 0) ctx.fail(`${what} ${d} is not divisible by ${by}`);
  return d / by;
}

function mul(d: Dim, by: number): Dim {
  if (typeof d === 'number') return d * by;
  return by === 1 ? d : null;
}

function depthToSpace(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const b = ctx.attrInt('blocksize');
  if (b === undefined || b <= 0) ctx.fail(`blocksize must be a positive int, got ${String(b)}`);
  const s = x.shape;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, unknownDims(4));
  requireRank4(ctx, s);
  const [n, c, h, w] = s as [Dim, Dim, Dim, Dim];
  ctx.setOutputTensor(0, x.dtype, [n, div(ctx, c, b * b, 'channels'), mul(h, b), mul(w, b)]);
}

function spaceToDepth(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const b = ctx.attrInt('blocksize');
  if (b === undefined || b <= 0) ctx.fail(`blocksize must be a positive int, got ${String(b)}`);
  const s = x.shape;
  if (s === undefined) return ctx.setOutputTensor(0, x.dtype, unknownDims(4));
  requireRank4(ctx, s);
  const [n, c, h, w] = s as [Dim, Dim, Dim, Dim];
  ctx.setOutputTensor(0, x.dtype, [n, mul(c, b * b), div(ctx, h, b, 'height'), div(ctx, w, b, 'width')]);
}

function reverseSequence(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const batch = ctx.attrInt('batch_axis', 1);
  const time = ctx.attrInt('time_axis', 0);
  if (![0, 1].includes(batch) || ![0, 1].includes(time) || batch === time) {
    ctx.fail(`batch_axis ${batch} and time_axis ${time} must be 0 and 1, one each`);
  }
  const s = x.shape;
  if (s !== undefined) {
    if (s.length < 2) ctx.fail(`input ${formatShape(s)} must have rank >= 2`);
    const lens = ctx.inputTensor(1)?.shape;
    const n = lens?.[0];
    const bd = s[batch];
    if (lens !== undefined && lens.length !== 1) ctx.fail(`sequence_lens must be 1-D, got ${formatShape(lens)}`);
    if (typeof n === 'number' && typeof bd === 'number' && n !== bd) {
      ctx.fail(`sequence_lens has ${n} entries but the batch axis of ${formatShape(s)} has ${bd}`);
    }
  }
  ctx.setOutputTensor(0, x.dtype, s);
}

/** Col2Im: [N, C*prod(block), L] -> [N, C, ...image_shape]. */
function col2im(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const image = inputInts(ctx, 1);
  const block = inputInts(ctx, 2);
  const nSpatial = image?.length ?? block?.length ?? inputLength(ctx, 1) ?? inputLength(ctx, 2);
  const s = x.shape;
  if (s !== undefined && s.length !== 3) ctx.fail(`input ${formatShape(s)} must have rank 3 (N, C*prod(block_shape), L)`);
  if (nSpatial === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (image !== undefined && block !== undefined && image.length !== block.length) {
    ctx.fail(`image_shape [${image.join(',')}] and block_shape [${block.join(',')}] differ in length`);
  }
  let c: Dim = null;
  if (s !== undefined && block !== undefined) {
    const prod = block.reduce((a, b) => a * b, 1);
    c = div(ctx, s[1] ?? null, prod, 'input channels (dim 1)');
  }
  if (s !== undefined && image !== undefined && block !== undefined) checkBlocks(ctx, s[2] ?? null, image, block);
  const spatial: Dim[] = image ?? unknownDims(nSpatial);
  ctx.setOutputTensor(0, x.dtype, [s?.[0] ?? null, c, ...spatial]);
}

/** The number of sliding blocks L must match image_shape, block_shape, pads, dilations and strides. */
function checkBlocks(ctx: InferContext, l: Dim, image: readonly number[], block: readonly number[]): void {
  if (typeof l !== 'number') return;
  const n = image.length;
  const pads = ctx.attrInts('pads', new Array<number>(2 * n).fill(0));
  const dil = ctx.attrInts('dilations', new Array<number>(n).fill(1));
  const str = ctx.attrInts('strides', new Array<number>(n).fill(1));
  let blocks = 1;
  for (let k = 0; k < n; k++) {
    const eff = (dil[k] ?? 1) * ((block[k] ?? 1) - 1) + 1;
    const span = (image[k] ?? 0) + (pads[k] ?? 0) + (pads[k + n] ?? 0) - eff;
    blocks *= Math.floor(span / (str[k] ?? 1)) + 1;
  }
  if (blocks !== l) ctx.fail(`input has ${l} blocks (dim 2) but image_shape [${image.join(',')}] and block_shape [${block.join(',')}] give ${blocks}`);
}

registerShapeRules({
  Transpose: transpose,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  ReverseSequence: reverseSequence,
  Col2Im: col2im,
});
