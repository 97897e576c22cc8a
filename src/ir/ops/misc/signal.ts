/**
 * Signal and image processing: DFT, STFT, the window generators, MelWeightMatrix and ImageDecoder.
 * Signals carry a trailing dim of 1 (real) or 2 (complex: real and imaginary parts).
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { checkAllowedDtype, checkRank, dimAt, scalarConstant } from './util.js';

/** floor(n/2)+1: the bins a one-sided (real-input) transform of length n keeps. */
function oneSidedBins(n: Dim): Dim {
  return typeof n === 'number' ? Math.floor(n / 2) + 1 : null;
}

function checkComplexDim(ctx: InferContext, shape: Shape, what: string): void {
  const last = shape[shape.length - 1];
  if (typeof last === 'number' && last !== 1 && last !== 2) {
    ctx.fail(`${what}'s last dim must be 1 (real) or 2 (complex), got ${last}`);
  }
}

/**
 * The DFT axis: attribute `axis` (default 1) in opset 17, optional scalar input 2 (default -2) from 20.
 * Undefined when the input is present but not constant. The valid range is [-r, -2] U [0, r-2].
 */
function dftAxis(ctx: InferContext, rank: number): number | undefined {
  let axis: number | undefined;
  if (ctx.schema.sinceVersion < 20) axis = ctx.attrInt('axis', 1);
  else axis = ctx.hasInput(2) ? scalarConstant(ctx, 2) : -2;
  if (axis === undefined) return undefined;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank - 2) ctx.fail(`axis ${axis} is out of range for rank ${rank} (the last dim holds real/imaginary parts)`);
  return a;
}

function dft(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  if (x.shape === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  const rank = x.shape.length;
  if (rank < 2) ctx.fail(`input must have rank >= 2 (signal dims then 1 or 2), got rank ${rank}`);
  checkComplexDim(ctx, x.shape, 'input');
  const inverse = ctx.attrInt('inverse', 0) !== 0;
  const onesided = ctx.attrInt('onesided', 0) !== 0;
  const last = x.shape[rank - 1];
  if (onesided && !inverse && last === 2) ctx.fail('a one-sided forward DFT (RFFT) takes real input (last dim 1), got complex');
  if (onesided && inverse && last === 1) ctx.fail('a one-sided inverse DFT (IRFFT) takes complex input (last dim 2), got real');
  const hasLength = ctx.hasInput(1);
  const length = hasLength ? scalarConstant(ctx, 1) : undefined;
  if (length !== undefined && length <= 0) ctx.fail(`dft_length must be positive, got ${length}`);

  const out: Dim[] = [...x.shape];
  out[rank - 1] = inverse && onesided ? 1 : 2;
  const axis = dftAxis(ctx, rank);
  if (axis === undefined) {
    // Which dim changes is unknown; only a plain transform of the full length leaves every dim as it is.
    const resizes = onesided || hasLength;
    ctx.setOutputTensor(0, x.dtype, resizes ? out.map((d, i) => (i === rank - 1 ? d : null)) : out);
    return;
  }
  const n: Dim = hasLength ? (length ?? null) : (x.shape[axis] ?? null);
  if (onesided && !inverse) out[axis] = oneSidedBins(n);
  else if (onesided && inverse && !hasLength) {
    // IRFFT's default length rebuilds the full signal from floor(n/2)+1 bins: 2*(bins-1).
    out[axis] = typeof n === 'number' ? 2 * (n - 1) : null;
  } else out[axis] = n;
  ctx.setOutputTensor(0, x.dtype, out);
}

/** signal [batch, length, 1|2] -> [batch, frames, bins, 2]; frames = floor((length - frame_length) / step) + 1. */
function stft(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  checkRank(ctx, x.shape, [3], 'signal');
  if (x.shape !== undefined) checkComplexDim(ctx, x.shape, 'signal');
  const window = ctx.inputTensor(2)?.shape;
  checkRank(ctx, window, [1], 'window');
  const step = scalarConstant(ctx, 1);
  if (step !== undefined && step <= 0) ctx.fail(`frame_step must be positive, got ${step}`);

  const length = dimAt(x.shape, 1);
  const windowLength = dimAt(window, 0);
  const given = ctx.hasInput(3) ? scalarConstant(ctx, 3) : undefined;
  if (given !== undefined && typeof windowLength === 'number' && given !== windowLength) {
    ctx.fail(`frame_length ${given} differs from the window length ${windowLength}`);
  }
  let frameLength: Dim;
  let frames: Dim = null;
  if (!ctx.hasInput(2) && !ctx.hasInput(3)) {
    // Neither says: one frame spanning the whole signal.
    frameLength = length;
    frames = 1;
  } else {
    frameLength = given ?? windowLength;
  }
  if (typeof length === 'number' && typeof frameLength === 'number' && step !== undefined) {
    if (frameLength > length) ctx.fail(`frame_length ${frameLength} exceeds the signal length ${length}`);
    frames = Math.floor((length - frameLength) / step) + 1;
  }
  const onesided = ctx.attrInt('onesided', 1) !== 0;
  const bins = onesided ? oneSidedBins(frameLength) : frameLength;
  ctx.setOutputTensor(0, x.dtype, [dimAt(x.shape, 0), frames, bins, 2]);
}

function outputDatatype(ctx: InferContext, typeParam: string): DataType {
  return checkAllowedDtype(ctx, ctx.attrInt('output_datatype', DataType.FLOAT), typeParam, 'output_datatype');
}

/** Hann, Hamming and Blackman windows: a 1-D tensor of `size` (a scalar input) samples. */
function windowOp(ctx: InferContext): void {
  // The spec says scalar; exporters often write a one-element 1-D tensor, which runtimes accept.
  checkRank(ctx, ctx.inputTensor(0)?.shape, [0, 1], 'size');
  const size = scalarConstant(ctx, 0);
  if (size !== undefined && size < 0) ctx.fail(`size must not be negative, got ${size}`);
  ctx.setOutputTensor(0, outputDatatype(ctx, 'T2'), [size ?? null]);
}

/** [floor(dft_length/2)+1, num_mel_bins]. */
function melWeightMatrix(ctx: InferContext): void {
  const bins = scalarConstant(ctx, 0);
  const dftLength = scalarConstant(ctx, 1);
  if (bins !== undefined && bins <= 0) ctx.fail(`num_mel_bins must be positive, got ${bins}`);
  if (dftLength !== undefined && dftLength <= 0) ctx.fail(`dft_length must be positive, got ${dftLength}`);
  ctx.setOutputTensor(0, outputDatatype(ctx, 'T3'), [oneSidedBins(dftLength ?? null), bins ?? null]);
}

/** Channel-last [height, width, channels]; the pixel format fixes the channel count. */
function imageDecoder(ctx: InferContext): void {
  checkRank(ctx, ctx.inputTensor(0)?.shape, [1], 'encoded_stream');
  const format = ctx.attrString('pixel_format', 'RGB');
  const channels = format === 'Grayscale' ? 1 : format === 'RGB' || format === 'BGR' ? 3 : undefined;
  if (channels === undefined) ctx.fail(`pixel_format must be RGB, BGR or Grayscale, got '${format}'`);
  ctx.setOutputTensor(0, DataType.UINT8, [null, null, channels]);
}

registerShapeRules({
  DFT: dft,
  STFT: stft,
  HannWindow: windowOp,
  HammingWindow: windowOp,
  BlackmanWindow: windowOp,
  MelWeightMatrix: melWeightMatrix,
  ImageDecoder: imageDecoder,
});
