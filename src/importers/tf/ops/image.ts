import { DataType } from '../../../ir/dtype.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { castTo, constInts, int64Input, int64s, TO_NCHW, TO_NHWC } from './int-values.js';

/*
 * NHWC image ops. Each one is Transpose to NCHW, the ONNX op, Transpose back; the transpose pass
 * cancels the pairs between neighbours, so no layout is tracked here.
 */

/**
 * Note [TF resize coordinates]: TF maps output pixel y to input coordinate
 * - align_corners: y * (in - 1) / (out - 1) (y * in / out when out is 1, i.e. 0), nearest rounding half
 *   away from zero: ONNX 'align_corners' (onnxruntime also maps a length-1 output to 0) with
 *   nearest_mode 'round_prefer_ceil' (coordinates are never negative, so the two roundings agree);
 * - half_pixel_centers, bilinear: (y + 0.5) * in / out - 0.5, clamped to the edges: ONNX 'half_pixel'
 *   (not 'pytorch_half_pixel', which maps a length-1 output to 0 where TF takes the centre);
 * - half_pixel_centers, nearest: floor((y + 0.5) * in / out), no -0.5: ONNX 'tf_half_pixel_for_nn'
 *   with 'floor';
 * - neither: y * in / out (floor for nearest): ONNX 'asymmetric' with 'floor'.
 * TF rejects align_corners together with half_pixel_centers.
 */
function resize(mode: 'linear' | 'nearest'): LoweringRule {
  return (ctx) => {
    let x = ctx.tensor(0);
    const align = ctx.attrInt('align_corners', 0) === 1;
    const half = ctx.attrInt('half_pixel_centers', 0) === 1;
    if (align && half) ctx.unsupported('align_corners and half_pixel_centers together (TF rejects them too)');
    // ResizeBilinear interpolates in float and always returns float32, whatever the input type.
    if (mode === 'linear') x = castTo(ctx, x, DataType.FLOAT);
    const coordinate = align ? 'align_corners' : half ? (mode === 'linear' ? 'half_pixel' : 'tf_half_pixel_for_nn') : 'asymmetric';
    const attrs = { mode, coordinate_transformation_mode: coordinate, nearest_mode: mode === 'nearest' ? (align ? 'round_prefer_ceil' : 'floor') : undefined };
    const nchw = ctx.op('Transpose', [x], { perm: TO_NCHW });
    const sizeV = ctx.tensor(1);
    const hw = constInts(ctx, sizeV);
    const [n, c] = [ctx.shape(x)?.[0], ctx.shape(x)?.[3]];
    // Full NCHW sizes: Resize's `axes` (opset 18) would let H and W stand alone, but onnxruntime 1.30
    // fails its shape inference on that form ("Number of elements of input 'sizes' (0)").
    const sizes =
      hw !== undefined && typeof n === 'number' && typeof c === 'number'
        ? int64s(ctx, [n, c, ...hw])
        : ctx.op('Concat', [ctx.op('Slice', [ctx.op('Shape', [nchw]), int64s(ctx, [0]), int64s(ctx, [2])]), int64Input(ctx, sizeV)], { axis: 0 });
    const y = ctx.op('Resize', [nchw, null, null, sizes], attrs);
    ctx.output(0, ctx.op('Transpose', [y], { perm: TO_NHWC }));
  };
}

/**
 * DepthToSpace/SpaceToDepth: TF's channel order within a block is (row, column, channel), which is
 * ONNX's DCR mode for DepthToSpace and ONNX's only order for SpaceToDepth. NCHW (accepted by TF on
 * GPU only) needs no transposes.
 */
function blockOp(onnxOp: string, extra: Record<string, string>): LoweringRule {
  return (ctx) => {
    const x = ctx.tensor(0);
    const format = ctx.attrString('data_format', 'NHWC');
    const attrs = { blocksize: ctx.attrInt('block_size'), ...extra };
    if (format === 'NCHW') return ctx.output(0, ctx.op(onnxOp, [x], attrs));
    if (format !== 'NHWC') ctx.unsupported(`${onnxOp} with data_format ${format}`);
    const y = ctx.op(onnxOp, [ctx.op('Transpose', [x], { perm: TO_NCHW })], attrs);
    ctx.output(0, ctx.op('Transpose', [y], { perm: TO_NHWC }));
  };
}

tfTable.register({
  'tf::ResizeBilinear': resize('linear'),
  'tf::ResizeNearestNeighbor': resize('nearest'),
  'tf::DepthToSpace': blockOp('DepthToSpace', { mode: 'DCR' }),
  'tf::SpaceToDepth': blockOp('SpaceToDepth', {}),
});
