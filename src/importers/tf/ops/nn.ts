import { AttributeType } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import type { Dim } from '../../../ir/shape.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { ACTIVATIONS, scalarLike } from './elementwise.js';

/*
 * Note [NHWC around NCHW ops]: TF keeps channels last; ONNX's Conv, pools and BatchNormalization want
 * them second. A layout-sensitive op becomes Transpose(to channels-first) -> the ONNX op ->
 * Transpose(back), and nothing else here tracks layout: optimize-transposes cancels the pairs that
 * meet between consecutive ops. With data_format NCHW the op is already in ONNX's layout.
 */

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** Whether the op's data_format keeps channels last (NHWC, NDHWC) or second (NCHW, NCDHW). */
function channelsLast(ctx: LowerContext): boolean {
  const f = ctx.attrString('data_format', 'NHWC');
  if (f === 'NHWC' || f === 'NDHWC') return true;
  if (f === 'NCHW' || f === 'NCDHW') return false;
  return ctx.unsupported(`data_format ${f}`);
}

function toOnnxLayout(ctx: LowerContext, x: Value, last: boolean): Value {
  const r = ctx.rank(x);
  return last ? ctx.op('Transpose', [x], { perm: [0, r - 1, ...range(1, r - 1)] }) : x;
}

function toTfLayout(ctx: LowerContext, y: Value, last: boolean): Value {
  const r = ctx.rank(y);
  return last ? ctx.op('Transpose', [y], { perm: [0, ...range(2, r), 1] }) : y;
}

const staticDim = (d: Dim | undefined): number | undefined => (typeof d === 'number' ? d : undefined);

/** The H and W entries of a 4-entry attribute (strides, dilations, ksize) in data_format order. */
function spatial(ctx: LowerContext, name: string, last: boolean, dflt?: number[]): [number, number] {
  const v = ctx.attrInts(name, dflt);
  if (v.length !== 4) ctx.unsupported(`${name} with ${v.length} entries`);
  const [n, c, h, w] = last ? [v[0], v[3], v[1], v[2]] : [v[0], v[1], v[2], v[3]];
  if (n !== 1 || c !== 1) ctx.unsupported(`${name} over the batch or channel dim`);
  return [h!, w!];
}

/**
 * ONNX pads for TF's `padding`. SAME: out = ceil(in / stride) and the total padding is
 * max((out - 1) * stride + k - in, 0) with k the dilated kernel, the odd pixel going at the end. It is
 * written out when it is known: always at stride 1 (k - 1), else with a static input size. Otherwise
 * auto_pad SAME_UPPER says the same, except that onnxruntime leaves dilation out of its auto padding,
 * so a dilated kernel over an input of unknown size is refused. EXPLICIT: `explicit_paddings` holds a
 * [before, after] pair per dim in data_format order.
 */
function padding(ctx: LowerContext, x: Value, last: boolean, kernel: (number | undefined)[], strides: number[], dilated = false): { pads?: number[]; auto_pad?: string } {
  const mode = ctx.attrString('padding');
  if (mode === 'VALID') return { pads: [0, 0, 0, 0] };
  if (mode === 'EXPLICIT') {
    const p = ctx.attrInts('explicit_paddings', []);
    if (p.length !== 8) ctx.unsupported(`explicit_paddings with ${p.length} entries`);
    const [h, w] = last ? [2, 4] : [4, 6];
    return { pads: [p[h]!, p[w]!, p[h + 1]!, p[w + 1]!] };
  }
  if (mode !== 'SAME') ctx.unsupported(`padding ${mode}`);
  const shape = ctx.shape(x);
  const sizes = (last ? [shape?.[1], shape?.[2]] : [shape?.[2], shape?.[3]]).map(staticDim);
  const total = sizes.map((n, i) => {
    const [k, s] = [kernel[i], strides[i]!];
    if (k === undefined || (n === undefined && s !== 1)) return undefined;
    return n === undefined ? k - 1 : Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  });
  if (total.some((t) => t === undefined)) {
    if (dilated) ctx.unsupported('SAME padding of a dilated kernel that is not known statically (strided, input of unknown size)');
    return { auto_pad: 'SAME_UPPER' };
  }
  const t = total as number[];
  return { pads: [...t.map((v) => Math.floor(v / 2)), ...t.map((v) => v - Math.floor(v / 2))] };
}

/**
 * The parts of a 2-D convolution in ONNX terms: the input in NCHW, the filter as OIHW and the Conv
 * attributes. Conv2D filters are HWIO; a filter with I = C_in / g makes a grouped convolution (with
 * C_in unknown, g = 1 is assumed: ONNX then rejects a grouped filter at run time rather than compute
 * something else).
 * Depthwise filters are [H, W, C, M] with output channel c * M + m, which is ONNX's group = C
 * convolution over a [C * M, 1, H, W] filter: reshape to [H, W, 1, C * M], then HWIO -> OIHW.
 */
function convParts(ctx: LowerContext, depthwise: boolean): { x: Value; w: Value; attrs: Record<string, number | number[] | string | undefined>; last: boolean } {
  const last = channelsLast(ctx);
  const x = ctx.tensor(0);
  const f = ctx.tensor(1);
  if (ctx.rank(x) !== 4 || ctx.rank(f) !== 4) ctx.unsupported('a 2-D convolution whose input or filter is not 4-D');
  if (ctx.attrString('filter_format', 'HWIO') !== 'HWIO') ctx.unsupported(`filter_format ${ctx.attrString('filter_format')}`);
  const fs = ctx.shape(f)!;
  const inChannels = staticDim(ctx.shape(x)![last ? 3 : 1]);
  const strides = spatial(ctx, 'strides', last);
  const dilations = spatial(ctx, 'dilations', last, [1, 1, 1, 1]);
  const kernel = [staticDim(fs[0]), staticDim(fs[1])];
  const effective = kernel.map((k, i) => (k === undefined ? undefined : (k - 1) * dilations[i]! + 1));
  const filterIn = staticDim(fs[2]);
  let group = 1;
  if (depthwise) {
    const g = filterIn ?? inChannels;
    if (g === undefined) ctx.unsupported('a depthwise convolution with an unknown channel count');
    group = g;
  } else if (inChannels !== undefined && filterIn !== undefined) group = inChannels / filterIn;
  const hwio = depthwise ? ctx.op('Reshape', [f, ctx.int64s([0, 0, 1, -1])]) : f;
  const attrs = {
    group,
    strides,
    dilations,
    kernel_shape: kernel.every((k) => k !== undefined) ? (kernel as number[]) : undefined,
    ...padding(ctx, x, last, effective, strides, dilations.some((d) => d !== 1)),
  };
  return { x: toOnnxLayout(ctx, x, last), w: ctx.op('Transpose', [hwio], { perm: [3, 2, 0, 1] }), attrs, last };
}

function conv(depthwise: boolean): LoweringRule {
  return (ctx) => {
    const p = convParts(ctx, depthwise);
    ctx.output(0, toTfLayout(ctx, ctx.op('Conv', [p.x, p.w], p.attrs), p.last));
  };
}

/** fused_ops of a grappler / TF.js fused op, and a reader over its `num_args` extra inputs (after the two operands). */
export function fusedOps(ctx: LowerContext): { ops: string[]; take: () => Value } {
  const a = ctx.node.attr('fused_ops');
  const ops = a?.type === AttributeType.STRINGS ? (a.value ?? []).map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s))) : [];
  if (ctx.attrInt('num_host_args', 0) !== 0) ctx.unsupported('host arguments (quantized fusions)');
  const n = ctx.attrInt('num_args', 0);
  let next = 2;
  const take = (): Value => (next < 2 + n ? ctx.tensor(next++) : ctx.unsupported(`fused_ops ${ops.join(',')} needs more than num_args=${n} arguments`));
  return { ops, take };
}

/**
 * The activation ending a fused op: one of the standalone activations (LeakyRelu's slope in
 * `leakyrelu_alpha`), TF.js's Prelu (slope = the next argument, broadcast against the TF layout), or
 * grappler's GeluExact / GeluApproximate (x/2 * (1 + erf(x/sqrt 2)) and its tanh approximation).
 */
export function fusedActivation(ctx: LowerContext, name: string, y: Value, take: () => Value): Value {
  const f = ACTIVATIONS[name];
  if (f) return f(ctx, y, ctx.attrFloat('leakyrelu_alpha', 0.2));
  if (name === 'Prelu') return ctx.op('PRelu', [y, take()]);
  const c = (v: number): Value => scalarLike(ctx, y, v);
  let inner: Value;
  if (name === 'GeluExact') inner = ctx.op('Erf', [ctx.op('Mul', [y, c(Math.SQRT1_2)])]);
  else if (name === 'GeluApproximate') {
    const cube = ctx.op('Mul', [ctx.op('Mul', [y, y]), y]);
    const arg = ctx.op('Mul', [ctx.op('Add', [y, ctx.op('Mul', [cube, c(0.044715)])]), c(Math.sqrt(2 / Math.PI))]);
    inner = ctx.op('Tanh', [arg]);
  } else return ctx.unsupported(`fused activation ${name}`);
  return ctx.op('Mul', [ctx.op('Mul', [y, c(0.5)]), ctx.op('Add', [inner, c(1)])]);
}

/**
 * _FusedConv2D (grappler, TF.js) and TF.js's FusedDepthwiseConv2dNative: a convolution, then
 * fused_ops in order: BiasAdd (into Conv's bias input) or FusedBatchNorm (scale, offset, mean,
 * variance; `epsilon`), then optionally an activation. Elementwise activations stay inside the NCHW
 * region; Prelu's slope broadcasts against NHWC, so it runs after the layout is restored.
 */
function fusedConv(depthwise: boolean): LoweringRule {
  return (ctx) => {
    const { ops, take } = fusedOps(ctx);
    const p = convParts(ctx, depthwise);
    const [first, act, ...more] = ops;
    if (more.length > 0) ctx.unsupported(`fused_ops ${ops.join(',')}`);
    let y: Value;
    if (first === 'BiasAdd') y = ctx.op('Conv', [p.x, p.w, take()], p.attrs);
    else if (first === 'FusedBatchNorm') {
      const c = ctx.op('Conv', [p.x, p.w], p.attrs);
      y = ctx.op('BatchNormalization', [c, take(), take(), take(), take()], { epsilon: ctx.attrFloat('epsilon', 0.0001) });
    } else return ctx.unsupported(`fused_ops ${ops.join(',')}`);
    if (act === undefined) return ctx.output(0, toTfLayout(ctx, y, p.last));
    if (act === 'Prelu') return ctx.output(0, fusedActivation(ctx, act, toTfLayout(ctx, y, p.last), take));
    ctx.output(0, toTfLayout(ctx, fusedActivation(ctx, act, y, take), p.last));
  };
}

/** MaxPool / AvgPool over H and W. TF's SAME average excludes the padding, as count_include_pad=0. */
function pool(onnxOp: 'MaxPool' | 'AveragePool'): LoweringRule {
  return (ctx) => {
    const last = channelsLast(ctx);
    const x = ctx.tensor(0);
    if (ctx.rank(x) !== 4) ctx.unsupported('pooling of a tensor that is not 4-D');
    const kernel = spatial(ctx, 'ksize', last);
    const strides = spatial(ctx, 'strides', last);
    const attrs = { kernel_shape: kernel, strides, ...padding(ctx, x, last, kernel, strides) };
    const y = ctx.op(onnxOp, [toOnnxLayout(ctx, x, last)], onnxOp === 'AveragePool' ? { ...attrs, count_include_pad: 0 } : attrs);
    ctx.output(0, toTfLayout(ctx, y, last));
  };
}

/**
 * BiasAdd adds a [C] bias along the channel dim: the last one (NHWC, plain numpy broadcasting) or,
 * for NCHW, dim 1 at any rank, where unit dims after the bias line it up without a transpose.
 */
const biasAdd: LoweringRule = (ctx) => {
  const [x, b] = [ctx.tensor(0), ctx.tensor(1)];
  if (channelsLast(ctx)) return ctx.output(0, ctx.op('Add', [x, b]));
  const trailing = ctx.rank(x) - 2;
  const bias = trailing > 0 ? ctx.op('Unsqueeze', [b, ctx.int64s(range(1, trailing + 1))]) : b;
  ctx.output(0, ctx.op('Add', [x, bias]));
};

/**
 * FusedBatchNorm* at inference (is_training=false; TF's default is true, so an inference graph says
 * so): ONNX BatchNormalization in channels-first. batch_mean / batch_variance and reserve spaces 1-2
 * are the given mean and variance at inference; reserve space 3 (V3) is an empty float tensor.
 */
const fusedBatchNorm: LoweringRule = (ctx) => {
  if (ctx.attrInt('is_training', 1) !== 0) ctx.unsupported('FusedBatchNorm in training mode');
  const last = channelsLast(ctx);
  const [x, scale, offset, mean, variance] = [0, 1, 2, 3, 4].map((i) => ctx.tensor(i)) as [Value, Value, Value, Value, Value];
  const y = ctx.op('BatchNormalization', [toOnnxLayout(ctx, x, last), scale, offset, mean, variance], { epsilon: ctx.attrFloat('epsilon', 0.0001) });
  ctx.output(0, toTfLayout(ctx, y, last));
  // Identity nodes rather than the inputs themselves, as for IdentityN (see elementwise.ts).
  [mean, variance, mean, variance].forEach((v, i) => ctx.output(i + 1, ctx.op('Identity', [v])));
  if (ctx.node.outputs.length > 5) ctx.output(5, ctx.constant(DataType.FLOAT, [0], []));
};

tfTable.register({
  'tf::Conv2D': conv(false),
  'tf::DepthwiseConv2dNative': conv(true),
  'tf::_FusedConv2D': fusedConv(false),
  'tf::FusedDepthwiseConv2dNative': fusedConv(true),
  'tf::MaxPool': pool('MaxPool'),
  'tf::AvgPool': pool('AveragePool'),
  'tf::BiasAdd': biasAdd,
  'tf::FusedBatchNorm': fusedBatchNorm,
  'tf::FusedBatchNormV2': fusedBatchNorm,
  'tf::FusedBatchNormV3': fusedBatchNorm,
  // Over the last axis, as ONNX Softmax has been since opset 13.
  'tf::Softmax': (ctx) => ctx.output(0, ctx.op('Softmax', [ctx.tensor(0)], { axis: -1 })),
  'tf::LogSoftmax': (ctx) => ctx.output(0, ctx.op('LogSoftmax', [ctx.tensor(0)], { axis: -1 })),
});
