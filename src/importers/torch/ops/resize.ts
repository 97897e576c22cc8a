import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { concatInts, dimsOf, int64Vector, intListArg, withBatch, type IntItem } from './util.js';

/** How torch was told the output size: sizes, or scale factors (which also drive the coordinate mapping). */
type Target = { sizes: IntItem[] } | { scales: number[] };

/**
 * The target of upsample_*2d in either overload:
 * - `.vec(input, output_size?, [align_corners,] scale_factors?)`: one of the two lists is given;
 * - `.default(self, output_size, [align_corners,] scales_h=None, scales_w=None)`: the sizes are given,
 *   and scales, when present, only change the coordinate mapping.
 * TorchScript names no overload; a list after the sizes is `scale_factors`, a number is `scales_h`.
 */
function target(ctx: LowerContext, x: Value, first: number, n: number): Target {
  const sizes = ctx.has([1, 'output_size']) ? intListArg(ctx, [1, 'output_size']) : undefined;
  const factorsRef = ctx.has('scale_factors') ? 'scale_factors' : first;
  const after = ctx.arg(factorsRef);
  const isList = after !== null && (ctx.node.overload === 'vec' || ctx.shape(after)?.length === 1);
  if (isList) {
    const scales = floatList(ctx, factorsRef);
    if (scales.length !== n) ctx.unsupported(`scale_factors must have ${n} values`);
    return { scales };
  }
  if (sizes === undefined) ctx.unsupported('upsample needs output_size or scale_factors');
  if (sizes.length !== n) ctx.unsupported(`output_size must have ${n} values`);
  const named = ['scales_h', 'scales_w'];
  const scales = Array.from({ length: n }, (_, i) => (ctx.has([first + i, named[i] ?? '']) ? ctx.float([first + i, named[i] ?? '']) : undefined));
  if (scales.every((s) => s === undefined || s <= 0)) return { sizes };
  // Sizes and a separate mapping scale: ONNX takes one or the other, so the scale must give the size.
  const spatial = ctx.shape(x)?.slice(-n);
  const consistent = scales.every((s, i) => {
    const len = spatial?.[i];
    const want = sizes[i];
    return s !== undefined && typeof len === 'number' && typeof want === 'number' && Math.floor(len * s) === want;
  });
  if (!consistent) ctx.unsupported('upsample with both output_size and scales that do not produce it');
  return { scales: scales as number[] };
}

function floatList(ctx: LowerContext, ref: number | string): number[] {
  return ctx.ints(ref); // ctx.ints reads any numeric constant list as stored: DOUBLE values stay fractional
}

/**
 * The float32 scale ONNX gets for torch's double scale. torch floors in * scale in double for the
 * output size; onnxruntime does it in float32 and shape inference (ours, onnx's) in double, so with
 * 0.7 (0.69999999 in float32) on a dim of 10 they could say 7 and 6. On a static dim the scale moves
 * up by float32 steps until both computations give torch's size; the mapping changes by ~1e-7.
 */
function f32Scale(scale: number, len: number | string | null | undefined): number {
  let s = Math.fround(scale);
  if (typeof len !== 'number') return s;
  const want = Math.floor(len * scale);
  const short = (v: number): boolean => Math.floor(len * v) < want || Math.floor(Math.fround(Math.fround(len) * v)) < want;
  for (let k = 0; k < 8 && short(s); k++) s = nextFloat32(s);
  return s;
}

function nextFloat32(x: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, x);
  buf.setUint32(0, buf.getUint32(0) + 1);
  return buf.getFloat32(0);
}

/**
 * Note [upsample coordinate mapping]: torch maps output index i to input coordinate
 * - nearest: floor(i * in/out) (or i / scale when a scale is given): ONNX 'asymmetric' with
 *   nearest_mode 'floor';
 * - linear, align_corners=False: (i + 0.5) * in/out - 0.5, clamped at 0: ONNX 'half_pixel' (whose
 *   linear mode clamps the same way);
 * - linear, align_corners=True: i * (in-1)/(out-1): ONNX 'align_corners'.
 */
function upsample(mode: 'nearest' | 'linear', n: number) {
  return (ctx: LowerContext): void => {
    const x = ctx.tensor([0, 'input']);
    const alignCorners = mode === 'linear' ? ctx.bool([2, 'align_corners']) : false;
    const t = target(ctx, x, mode === 'linear' ? 3 : 2, n);
    const attrs =
      mode === 'nearest'
        ? { mode, coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
        : { mode, coordinate_transformation_mode: alignCorners ? 'align_corners' : 'half_pixel' };
    ctx.output(
      0,
      withBatch(ctx, x, n, (b) => {
        if ('scales' in t) {
          const spatial = ctx.shape(b)?.slice(-n);
          const scales = ctx.constant(DataType.FLOAT, [n + 2], [1, 1, ...t.scales.map((s, i) => f32Scale(s, spatial?.[i]))]);
          return ctx.op('Resize', [b, null, scales], attrs);
        }
        const sizes = concatInts(ctx, [dimsOf(ctx, b, 0, 2), int64Vector(ctx, t.sizes)]);
        return ctx.op('Resize', [b, null, null, sizes], attrs);
      }),
    );
  };
}

atenTable.register({
  'aten::upsample_nearest2d': upsample('nearest', 2),
  'aten::upsample_bilinear2d': upsample('linear', 2),
});
