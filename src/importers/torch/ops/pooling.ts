import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { spatialInts, withBatch } from './util.js';

interface PoolParams {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceil: boolean;
}

/** Kernel, stride (an empty list means the kernel), padding and dilation of a pool over `n` spatial dims. */
function poolParams(ctx: LowerContext, n: number, dilationAt: number | undefined, ceilAt: number): PoolParams {
  const kernel = spatialInts(ctx, [1, 'kernel_size'], n, 1);
  const strideArg = ctx.has([2, 'stride']) ? ctx.ints([2, 'stride']) : [];
  return {
    kernel,
    stride: strideArg.length === 0 ? kernel : spatialInts(ctx, [2, 'stride'], n, 1),
    padding: spatialInts(ctx, [3, 'padding'], n, 0),
    dilation: dilationAt === undefined ? Array<number>(n).fill(1) : spatialInts(ctx, [dilationAt, 'dilation'], n, 1),
    ceil: ctx.bool([ceilAt, 'ceil_mode'], false),
  };
}

/** torch's pooling output size (pooling_output_shape): with ceil_mode a last window must start inside the input or its left padding. */
function torchPoolSize(len: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((len + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= len + p) out--;
  return out;
}

/**
 * ONNX's ceil_mode attribute for torch's. ONNX's text only later adopted torch's rule that a window
 * starting in the right padding is dropped (onnxruntime 1.30 follows it), so where ceil_mode adds no
 * window on any static dim we ask for floor mode, which gives the same windows on every runtime.
 */
function ceilAttr(ctx: LowerContext, x: Value, p: PoolParams): number {
  if (!p.ceil) return 0;
  const spatial = ctx.shape(x)?.slice(-p.kernel.length);
  const same = spatial?.every((len, i) => {
    if (typeof len !== 'number') return false;
    const [k, s, pad, d] = [p.kernel[i]!, p.stride[i]!, p.padding[i]!, p.dilation[i]!];
    return torchPoolSize(len, k, s, pad, d, true) === torchPoolSize(len, k, s, pad, d, false);
  });
  return same ? 0 : 1;
}

/** aten::max_pool1d/2d/3d(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False). */
function maxPool(n: number) {
  return (ctx: LowerContext): void => {
    const x = ctx.tensor([0, 'self']);
    const p = poolParams(ctx, n, 4, 5);
    const attrs = { kernel_shape: p.kernel, strides: p.stride, pads: [...p.padding, ...p.padding], dilations: p.dilation, ceil_mode: ceilAttr(ctx, x, p) };
    ctx.output(0, withBatch(ctx, x, n, (b) => ctx.op('MaxPool', [b], attrs)));
  };
}

/**
 * aten::avg_pool1d/2d/3d(self, kernel_size, stride=[], padding=0, ceil_mode=False,
 * count_include_pad=True[, divisor_override=None]). A divisor override has no ONNX attribute.
 */
function avgPool(n: number) {
  return (ctx: LowerContext): void => {
    const x = ctx.tensor([0, 'self']);
    const p = poolParams(ctx, n, undefined, 4);
    if (ctx.has([6, 'divisor_override'])) ctx.unsupported('avg_pool divisor_override');
    const attrs = {
      kernel_shape: p.kernel,
      strides: p.stride,
      pads: [...p.padding, ...p.padding],
      ceil_mode: ceilAttr(ctx, x, p),
      count_include_pad: ctx.bool([5, 'count_include_pad'], true) ? 1 : 0,
    };
    ctx.output(0, withBatch(ctx, x, n, (b) => ctx.op('AveragePool', [b], attrs)));
  };
}

/**
 * aten::adaptive_avg_pool1d/2d(self, output_size). Output 1 everywhere is GlobalAveragePool; an input
 * size divisible by the output size gives equal windows (torch's start floor(i*L/O) and end
 * ceil((i+1)*L/O) are then i*k and (i+1)*k), i.e. AveragePool with kernel = stride = L/O. Windows of
 * unequal sizes have no ONNX form.
 */
function adaptiveAvgPool(n: number) {
  return (ctx: LowerContext): void => {
    const x = ctx.tensor([0, 'self']);
    const out = spatialInts(ctx, [1, 'output_size'], n, 1);
    if (out.every((o) => o === 1)) return ctx.output(0, withBatch(ctx, x, n, (b) => ctx.op('GlobalAveragePool', [b])));
    const spatial = ctx.shape(x)?.slice(-n);
    const kernel = out.map((o, i) => {
      const len = spatial?.[i];
      if (typeof len !== 'number') ctx.unsupported('adaptive_avg_pool to a size other than 1 over dims of unknown size');
      if (o <= 0 || len % o !== 0) ctx.unsupported(`adaptive_avg_pool from ${len} to ${o}: windows of unequal size`);
      return len / o;
    });
    ctx.output(0, withBatch(ctx, x, n, (b) => ctx.op('AveragePool', [b], { kernel_shape: kernel, strides: kernel })));
  };
}

atenTable.register({
  'aten::max_pool1d': maxPool(1),
  'aten::max_pool2d': maxPool(2),
  'aten::max_pool3d': maxPool(3),
  'aten::avg_pool1d': avgPool(1),
  'aten::avg_pool2d': avgPool(2),
  'aten::avg_pool3d': avgPool(3),
  'aten::adaptive_avg_pool1d': adaptiveAvgPool(1),
  'aten::adaptive_avg_pool2d': adaptiveAvgPool(2),
});
