/**
 * Window geometry shared by the convolution and pooling rules: reading kernel/stride/dilation/pad
 * attributes and computing each spatial output dim. Generic enough for any sliding-window op
 * (Col2Im, say); other families may import it.
 */
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

export interface WindowParams {
  /** Kernel size per spatial axis; null where neither kernel_shape nor the weight says. */
  readonly kernel: readonly (number | null)[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Explicit pads, [begin..., end...] (zeros unless auto_pad is NOTSET). */
  readonly pads: readonly number[];
  readonly autoPad: AutoPad;
  readonly ceilMode: boolean;
}

/** Reads auto_pad, accepting the empty string some exporters write for NOTSET. */
export function readAutoPad(ctx: InferContext): AutoPad {
  const s = ctx.attrString('auto_pad', 'NOTSET');
  if (s === '' || s === 'NOTSET') return 'NOTSET';
  if (s === 'SAME_UPPER' || s === 'SAME_LOWER' || s === 'VALID') return s;
  return ctx.fail(`auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '${s}'`);
}

function intsOfLength(ctx: InferContext, name: string, n: number, dflt: number): number[] {
  const v = ctx.attrInts(name);
  if (v === undefined || v.length === 0) return new Array<number>(n).fill(dflt);
  if (v.length !== n) ctx.fail(`${name} has ${v.length} values but the input has ${n} spatial dims`);
  return [...v];
}

/**
 * Reads the window attributes for `n` spatial axes. `weightKernel` are the kernel dims the weight
 * tensor gives (Conv); an explicit kernel_shape must agree with them.
 */
export function readWindowParams(ctx: InferContext, n: number, weightKernel?: readonly Dim[]): WindowParams {
  const ks = ctx.attrInts('kernel_shape');
  let kernel: (number | null)[];
  if (ks !== undefined && ks.length > 0) {
    if (ks.length !== n) ctx.fail(`kernel_shape has ${ks.length} values but the input has ${n} spatial dims`);
    kernel = [...ks];
    weightKernel?.forEach((d, i) => {
      if (typeof d === 'number' && d !== ks[i]) {
        ctx.fail(`kernel_shape[${i}] = ${ks[i]} but the weight's kernel dim is ${d}`);
      }
    });
  } else {
    kernel = weightKernel === undefined ? new Array<null>(n).fill(null) : weightKernel.map((d) => (typeof d === 'number' ? d : null));
  }
  const strides = intsOfLength(ctx, 'strides', n, 1);
  const dilations = intsOfLength(ctx, 'dilations', n, 1);
  const autoPad = readAutoPad(ctx);
  let pads = new Array<number>(2 * n).fill(0);
  const p = ctx.attrInts('pads');
  if (autoPad === 'NOTSET' && p !== undefined && p.length > 0) {
    if (p.length !== 2 * n) ctx.fail(`pads has ${p.length} values; expected ${2 * n} (begin and end for ${n} spatial dims)`);
    pads = [...p];
  }
  for (const [name, vals, min] of [['strides', strides, 1], ['dilations', dilations, 1], ['pads', pads, 0]] as const) {
    const bad = vals.findIndex((v) => v < min);
    if (bad >= 0) ctx.fail(`${name}[${bad}] = ${vals[bad]} must be at least ${min}`);
  }
  kernel.forEach((k, i) => {
    if (k !== null && k < 1) ctx.fail(`kernel size ${k} along spatial axis ${i} must be at least 1`);
  });
  const ceilMode = ctx.attrInt('ceil_mode', 0) !== 0;
  return { kernel, strides, dilations, pads, autoPad, ceilMode };
}

/** Output size of a sliding window along spatial axis `i` for an input of size `input`. */
export function windowOutDim(ctx: InferContext, input: Dim, i: number, p: WindowParams): Dim {
  const stride = p.strides[i] ?? 1;
  if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') {
    // Pads are chosen so that out = ceil(in / stride), whatever the kernel.
    if (stride === 1) return input;
    return typeof input === 'number' ? Math.ceil(input / stride) : null;
  }
  const k = p.kernel[i];
  if (k === null || k === undefined) return null;
  const eff = (p.dilations[i] ?? 1) * (k - 1) + 1;
  const begin = p.pads[i] ?? 0;
  const total = begin + (p.pads[i + p.kernel.length] ?? 0);
  if (typeof input !== 'number') {
    // The window keeps the size exactly when it slides by one over a padding that covers its overhang.
    return stride === 1 && total === eff - 1 ? input : null;
  }
  const span = input + total - eff;
  if (span < 0) {
    const what = `window of size ${eff} (kernel ${k}, dilation ${p.dilations[i] ?? 1})`;
    ctx.fail(`${what} is larger than the padded input ${input + total} along spatial axis ${i}`);
  }
  let out = (p.ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // With ceil_mode, a last window that would start inside the end padding is dropped.
  if (p.ceilMode && (out - 1) * stride >= input + begin) out--;
  return out;
}

/** Every spatial output dim of a window op over `spatial` input dims. */
export function windowOutDims(ctx: InferContext, spatial: Shape, p: WindowParams): Dim[] {
  return spatial.map((d, i) => windowOutDim(ctx, d, i, p));
}

/** Fails unless two known dims agree; `what` names them in the message. */
export function checkDimsMatch(ctx: InferContext, a: Dim, b: Dim, what: string): void {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`${what}: ${a} vs ${b}`);
}

/** Fails unless the input has the given rank (when its rank is known). */
export function checkRank(ctx: InferContext, shape: Shape | undefined, rank: number, what: string): void {
  if (shape !== undefined && shape.length !== rank) ctx.fail(`${what} must have rank ${rank}, got rank ${shape.length}`);
}
