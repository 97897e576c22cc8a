/**
 * Convolutions: Conv, ConvInteger, QLinearConv, ConvTranspose, DeformConv, CausalConvWithState.
 * X is [N, C, D1..Dn]; the weight is [M, C/group, k1..kn] ([C, M/group, k...] for ConvTranspose).
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { mergeDim } from '../shape-utils.js';
import { checkDimsMatch, checkRank, readWindowParams, windowOutDims, type WindowParams } from './util.js';

interface ConvOperands {
  readonly x: Shape | undefined;
  readonly w: Shape | undefined;
  readonly rank: number;
  readonly group: number;
}

/** Shapes of X and W, their agreed rank, and the group count; undefined when the rank is unknown. */
function convOperands(ctx: InferContext, xIdx: number, wIdx: number): ConvOperands | undefined {
  const x = ctx.inputTensor(xIdx)?.shape;
  const w = ctx.inputTensor(wIdx)?.shape;
  if (x !== undefined && w !== undefined && x.length !== w.length) {
    ctx.fail(`weight rank ${w.length} must equal input rank ${x.length}`);
  }
  const rank = x?.length ?? w?.length;
  if (rank === undefined) return undefined;
  if (rank < 3) ctx.fail(`input must have rank at least 3 ([N, C, spatial...]), got rank ${rank}`);
  const group = ctx.attrInt('group', 1);
  if (group < 1) ctx.fail(`group must be at least 1, got ${group}`);
  return { x, w, rank, group };
}

function inputSpatial(x: Shape | undefined, rank: number): Shape {
  return x?.slice(2) ?? new Array<Dim>(rank - 2).fill(null);
}

/** Output shape of a forward convolution with X at `xIdx`, W at `wIdx`, an optional bias [M] at `bIdx`. */
function forwardConvShape(ctx: InferContext, xIdx: number, wIdx: number, bIdx: number): Shape | undefined {
  const ops = convOperands(ctx, xIdx, wIdx);
  if (ops === undefined) return undefined;
  const { x, w, rank, group } = ops;
  const m = w?.[0] ?? null;
  if (typeof m === 'number' && m % group !== 0) ctx.fail(`weight's output channels ${m} are not divisible by group ${group}`);
  const wc = w?.[1];
  if (typeof wc === 'number' && typeof x?.[1] === 'number' && wc * group !== x[1]) {
    ctx.fail(`input has ${x[1]} channels but weight expects ${wc} x group ${group} = ${wc * group}`);
  }
  const bias = bIdx >= 0 && ctx.hasInput(bIdx) ? ctx.inputTensor(bIdx)?.shape : undefined;
  checkRank(ctx, bias, 1, 'bias');
  checkDimsMatch(ctx, bias?.[0] ?? null, m, 'bias length vs weight output channels');
  const p = readWindowParams(ctx, rank - 2, w?.slice(2));
  const spatial = windowOutDims(ctx, inputSpatial(x, rank), p);
  return [x?.[0] ?? null, mergeDim(m, bias?.[0] ?? null), ...spatial];
}

function forwardConv(xIdx: number, wIdx: number, bIdx: number, dtypeOf: (ctx: InferContext) => DataType | undefined): ShapeRule {
  return (ctx) => {
    const dtype = dtypeOf(ctx);
    if (dtype !== undefined) ctx.setOutputTensor(0, dtype, forwardConvShape(ctx, xIdx, wIdx, bIdx));
  };
}

const dtypeOfInput = (i: number) => (ctx: InferContext) => ctx.inputTensor(i)?.dtype;

/** out = stride * (in - 1) + output_padding + dilated kernel - pads, or in * stride under SAME. */
function transposeOutDim(input: Dim, i: number, p: WindowParams, outputPadding: readonly number[]): Dim {
  const stride = p.strides[i] ?? 1;
  const op = outputPadding[i] ?? 0;
  if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') {
    return stride === 1 ? input : typeof input === 'number' ? input * stride : null;
  }
  const k = p.kernel[i];
  if (k === null || k === undefined) return null;
  const eff = (p.dilations[i] ?? 1) * (k - 1) + 1;
  const total = (p.pads[i] ?? 0) + (p.pads[i + p.kernel.length] ?? 0);
  if (typeof input !== 'number') return stride === 1 && op === 0 && total === eff - 1 ? input : null;
  return stride * (input - 1) + op + eff - total;
}

const convTranspose: ShapeRule = (ctx) => {
  const dtype = ctx.inputTensor(0)?.dtype;
  if (dtype === undefined) return;
  const ops = convOperands(ctx, 0, 1);
  if (ops === undefined) return ctx.setOutputTensor(0, dtype, undefined);
  const { x, w, rank, group } = ops;
  const n = rank - 2;
  checkDimsMatch(ctx, x?.[1] ?? null, w?.[0] ?? null, 'input channels vs weight dim 0');
  const wm = w?.[1];
  const m: Dim = typeof wm === 'number' ? wm * group : null;
  const bias = ctx.hasInput(2) ? ctx.inputTensor(2)?.shape : undefined;
  checkRank(ctx, bias, 1, 'bias');
  checkDimsMatch(ctx, bias?.[0] ?? null, m, 'bias length vs output channels');
  const p = readWindowParams(ctx, n, w?.slice(2));
  const outputPadding = ctx.attrInts('output_padding', []);
  if (outputPadding.length !== 0 && outputPadding.length !== n) {
    ctx.fail(`output_padding has ${outputPadding.length} values but the input has ${n} spatial dims`);
  }
  const outputShape = ctx.attrInts('output_shape', []);
  let spatial: Dim[];
  if (outputShape.length > 0) {
    // Some exporters write the full [N, M, spatial...] shape; the spatial part is what counts.
    if (outputShape.length !== n && outputShape.length !== n + 2) {
      ctx.fail(`output_shape has ${outputShape.length} values but the input has ${n} spatial dims`);
    }
    spatial = outputShape.slice(outputShape.length - n);
  } else {
    spatial = inputSpatial(x, rank).map((d, i) => transposeOutDim(d, i, p, outputPadding));
  }
  spatial.forEach((d, i) => {
    if (typeof d === 'number' && d < 1) ctx.fail(`output spatial dim ${i} would be ${d}`);
  });
  ctx.setOutputTensor(0, dtype, [x?.[0] ?? null, mergeDim(m, bias?.[0] ?? null), ...spatial]);
};

/** DeformConv: like Conv (no auto_pad); the offset [N, 2*offset_group*|k|, out...] also gives the output size. */
const deformConv: ShapeRule = (ctx) => {
  const dtype = ctx.inputTensor(0)?.dtype;
  if (dtype === undefined) return;
  const shape = forwardConvShape(ctx, 0, 1, 3);
  const offset = ctx.inputTensor(2)?.shape;
  if (shape === undefined || offset === undefined) return ctx.setOutputTensor(0, dtype, shape);
  checkRank(ctx, offset, shape.length, 'offset');
  const merged = shape.map((d, i) => {
    if (i === 1) return d;
    const o = offset[i] ?? null;
    checkDimsMatch(ctx, d, o, `output dim ${i} vs offset dim ${i}`);
    return mergeDim(d, o);
  });
  ctx.setOutputTensor(0, dtype, merged);
};

/** Depthwise causal conv over [B, C, L] with a carried state [B, C, k-1]; the output keeps the input's shape. */
const causalConvWithState: ShapeRule = (ctx) => {
  const t = ctx.inputTensor(0);
  if (t === undefined) return;
  const x = t.shape;
  const w = ctx.inputTensor(1)?.shape;
  const past = ctx.hasInput(3) ? ctx.inputTensor(3)?.shape : undefined;
  checkRank(ctx, x, 3, 'input');
  checkRank(ctx, w, 3, 'weight');
  checkRank(ctx, past, 3, 'past_state');
  checkDimsMatch(ctx, w?.[1] ?? null, 1, 'weight dim 1 (depthwise) must be 1');
  const c = mergeDim(x?.[1] ?? null, w?.[0] ?? null);
  checkDimsMatch(ctx, x?.[1] ?? null, w?.[0] ?? null, 'input channels vs weight channels');
  const k = w?.[2];
  if (typeof k === 'number' && k < 1) ctx.fail(`kernel size must be at least 1, got ${k}`);
  const kMinus1 = typeof k === 'number' ? k - 1 : null;
  checkDimsMatch(ctx, past?.[2] ?? null, kMinus1, 'past_state length vs kernel size - 1');
  const stateLen = mergeDim(kMinus1, past?.[2] ?? null);
  const bias = ctx.hasInput(2) ? ctx.inputTensor(2)?.shape : undefined;
  checkRank(ctx, bias, 1, 'bias');
  checkDimsMatch(ctx, bias?.[0] ?? null, c, 'bias length vs channels');
  const batch = mergeDim(x?.[0] ?? null, past?.[0] ?? null);
  ctx.setOutputTensor(0, t.dtype, [batch, c, x?.[2] ?? null]);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, t.dtype, [batch, c, stateLen]);
};

registerShapeRules({
  Conv: forwardConv(0, 1, 2, dtypeOfInput(0)),
  ConvInteger: forwardConv(0, 1, -1, () => DataType.INT32),
  // y has y_zero_point's type (T3).
  QLinearConv: forwardConv(0, 3, 8, dtypeOfInput(7)),
  ConvTranspose: convTranspose,
  DeformConv: deformConv,
  CausalConvWithState: causalConvWithState,
});
