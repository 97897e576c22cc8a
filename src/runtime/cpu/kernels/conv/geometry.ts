/**
 * Sliding-window geometry shared by Conv and the pools: output spatial dims and the pads in force, from
 * kernel_shape, strides, dilations, pads, auto_pad and ceil_mode (onnxruntime's rules).
 */
import type { KernelContext } from '../../../kernel.js';

export interface Window {
  /** Spatial input dims. */
  readonly inDims: number[];
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilations: number[];
  /** Begin pads then end pads, one per spatial dim each. */
  readonly pads: number[];
  readonly outDims: number[];
}

/** Reads the window attributes of `ctx` for spatial `inDims` and `kernel` (kernel_shape, or W's dims). */
export function windowOf(ctx: KernelContext, inDims: number[], kernel: number[], ceilMode = false): Window {
  const r = inDims.length;
  const ones = (): number[] => new Array<number>(r).fill(1);
  const strides = ctx.attrs.intsOpt('strides') ?? ones();
  const dilations = ctx.attrs.intsOpt('dilations') ?? ones();
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  let pads = ctx.attrs.intsOpt('pads') ?? new Array<number>(2 * r).fill(0);
  if (kernel.length !== r || strides.length !== r || dilations.length !== r || pads.length !== 2 * r) {
    throw ctx.error(`window attributes do not match ${r} spatial dims`);
  }
  const outDims: number[] = [];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let d = 0; d < r; d++) {
      const ext = (kernel[d]! - 1) * dilations[d]! + 1;
      const out = Math.ceil(inDims[d]! / strides[d]!);
      const total = Math.max(0, (out - 1) * strides[d]! + ext - inDims[d]!);
      const small = Math.floor(total / 2);
      pads[d] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[d + r] = total - pads[d]!;
      outDims.push(out);
    }
  } else {
    if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
    else if (autoPad !== 'NOTSET') throw ctx.error(`unknown auto_pad ${JSON.stringify(autoPad)}`);
    for (let d = 0; d < r; d++) {
      const ext = (kernel[d]! - 1) * dilations[d]! + 1;
      const span = inDims[d]! + pads[d]! + pads[d + r]! - ext;
      let out = (ceilMode ? Math.ceil(span / strides[d]!) : Math.floor(span / strides[d]!)) + 1;
      // With ceil_mode the last window must still start inside the input or its begin pad.
      if (ceilMode && (out - 1) * strides[d]! >= inDims[d]! + pads[d]!) out--;
      if (out < 0) throw ctx.error(`window larger than the padded input on spatial dim ${d}`);
      outDims.push(out);
    }
  }
  return { inDims, kernel, strides, dilations, pads, outDims };
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
