import { StringTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { spatialInts, withBatch } from './util.js';

/** What every torch convolution form comes down to. */
interface ConvParams {
  x: Value;
  w: Value;
  b: Value | null;
  stride: number[];
  /** Per spatial dim, or torch's padding='same' / 'valid' (conv*d.padding overloads). */
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  transposed: boolean;
  outputPadding: number[];
  groups: number;
}

function emitConv(ctx: LowerContext, p: ConvParams): void {
  const n = ctx.rank(p.w) - 2;
  if (n < 1) ctx.unsupported(`a convolution weight of rank ${n + 2}`);
  const kernel = ctx.shape(p.w)?.slice(2);
  const staticKernel = kernel?.every((k): k is number => typeof k === 'number') ? kernel : undefined;
  let pads: number[];
  if (p.padding === 'valid') pads = Array<number>(2 * n).fill(0);
  else if (p.padding === 'same') {
    if (staticKernel === undefined) ctx.unsupported("padding='same' with a kernel of unknown size");
    if (p.stride.some((s) => s !== 1)) ctx.unsupported("padding='same' needs stride 1");
    // torch puts the odd element of the total padding at the end, like ONNX SAME_UPPER.
    const total = staticKernel.map((k, i) => p.dilation[i]! * (k - 1));
    pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  } else pads = [...p.padding, ...p.padding];
  const attrs = {
    dilations: p.dilation,
    group: p.groups,
    kernel_shape: staticKernel,
    pads,
    strides: p.stride,
    output_padding: p.transposed && p.outputPadding.some((v) => v !== 0) ? p.outputPadding : undefined,
  };
  const inputs = p.b === null ? [p.w] : [p.w, p.b];
  const out = withBatch(ctx, p.x, n, (x) => ctx.op(p.transposed ? 'ConvTranspose' : 'Conv', [x, ...inputs], attrs));
  ctx.output(0, out);
}

/**
 * aten::_convolution (TorchScript's form of every convolution, transposed ones included) and
 * aten::convolution (core ATen): input, weight, bias, stride, padding, dilation, transposed,
 * output_padding, groups[, benchmark, deterministic, cudnn_enabled, allow_tf32 — backend hints].
 */
function convolution(ctx: LowerContext): void {
  const w = ctx.tensor([1, 'weight']);
  const n = ctx.rank(w) - 2;
  emitConv(ctx, {
    x: ctx.tensor([0, 'input']),
    w,
    b: ctx.arg([2, 'bias']),
    stride: spatialInts(ctx, [3, 'stride'], n, 1),
    padding: spatialInts(ctx, [4, 'padding'], n, 0),
    dilation: spatialInts(ctx, [5, 'dilation'], n, 1),
    transposed: ctx.bool([6, 'transposed'], false),
    outputPadding: spatialInts(ctx, [7, 'output_padding'], n, 0),
    groups: ctx.int([8, 'groups'], 1),
  });
}

/** aten::conv1d/2d/3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be 'same'/'valid'. */
function convNd(ctx: LowerContext): void {
  const w = ctx.tensor([1, 'weight']);
  const n = ctx.rank(w) - 2;
  const padArg = ctx.arg([4, 'padding']);
  const isText = padArg?.producer?.opType === 'Constant' && padArg.producer.attrTensor('value') instanceof StringTensor;
  let padding: ConvParams['padding'];
  if (isText) {
    const mode = ctx.string([4, 'padding']);
    if (mode !== 'same' && mode !== 'valid') ctx.unsupported(`padding=${JSON.stringify(mode)}`);
    padding = mode;
  } else padding = spatialInts(ctx, [4, 'padding'], n, 0);
  emitConv(ctx, {
    x: ctx.tensor([0, 'input']),
    w,
    b: ctx.arg([2, 'bias']),
    stride: spatialInts(ctx, [3, 'stride'], n, 1),
    padding,
    dilation: spatialInts(ctx, [5, 'dilation'], n, 1),
    transposed: false,
    outputPadding: Array<number>(n).fill(0),
    groups: ctx.int([6, 'groups'], 1),
  });
}

/** aten::conv_transpose1d/2d/3d.input(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
function convTransposeNd(ctx: LowerContext): void {
  const w = ctx.tensor([1, 'weight']);
  const n = ctx.rank(w) - 2;
  emitConv(ctx, {
    x: ctx.tensor([0, 'input']),
    w,
    b: ctx.arg([2, 'bias']),
    stride: spatialInts(ctx, [3, 'stride'], n, 1),
    padding: spatialInts(ctx, [4, 'padding'], n, 0),
    outputPadding: spatialInts(ctx, [5, 'output_padding'], n, 0),
    groups: ctx.int([6, 'groups'], 1),
    dilation: spatialInts(ctx, [7, 'dilation'], n, 1),
    transposed: true,
  });
}

atenTable.register({
  'aten::_convolution': convolution,
  'aten::convolution': convolution,
  'aten::conv1d': convNd,
  'aten::conv2d': convNd,
  'aten::conv3d': convNd,
  'aten::conv_transpose1d': convTransposeNd,
  'aten::conv_transpose2d': convTransposeNd,
  'aten::conv_transpose3d': convTransposeNd,
});
