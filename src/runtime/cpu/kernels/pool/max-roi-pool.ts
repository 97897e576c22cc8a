/**
 * MaxRoiPool (Caffe's RoI pooling, as onnxruntime computes it): X [N, C, H, W], rois [R, 5] of
 * (batch_index, x1, y1, x2, y2) in input coordinates, Y [R, C, ph, pw].
 *
 * Note [RoI pooling rounding]: the corners are scaled by spatial_scale and rounded half away from zero
 * (C `round`, not Math.round); the region is (x2 - x1 + 1) x (y2 - y1 + 1), at least 1 x 1, so a roi
 * with x2 < x1 pools a single column. Bin (i, j) covers rows [floor(i * bh), ceil((i + 1) * bh)) with
 * bh = height / ph (columns likewise), offset by the roi's start and clipped to the input; an empty bin
 * gives 0. onnxruntime does this arithmetic in float32, so we round through Math.fround for every type
 * but float64. The batch index is truncated toward zero.
 *
 * A bin's maximum starts at the type's lowest finite value and takes `v < m ? m : v` (std::max's order),
 * so a NaN survives only as a bin's last element, as in onnxruntime.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isFloatType, type TensorType } from '../../../tensor.js';
import { isNumberStorage, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

type Out = { [i: number]: number };

const LOWEST: Partial<Record<TensorType, number>> = { float64: -Number.MAX_VALUE, float32: -3.4028234663852886e38, float16: -65504, bfloat16: -3.3895313892515355e38 };

/** C's round: half away from zero. */
const roundHalfAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

function maxRoiPool(ctx: KernelContext): void {
  const X = ctx.input(0);
  const R = ctx.input(1);
  if (X.dims.length !== 4) throw ctx.error('MaxRoiPool needs X of rank 4 [N, C, H, W]');
  if (R.dims.length !== 2 || R.dims[1] !== 5) throw ctx.error('MaxRoiPool needs rois of shape [num_rois, 5]');
  if (!isFloatType(X.type)) throw ctx.error(`MaxRoiPool of ${X.type} is not supported`);
  const pooled = ctx.attrs.ints('pooled_shape');
  if (pooled.length !== 2 || pooled[0]! <= 0 || pooled[1]! <= 0) throw ctx.error('MaxRoiPool needs pooled_shape of two positive ints');
  const [PH, PW] = pooled as [number, number];
  const f = X.type === 'float64' ? (v: number) => v : Math.fround;
  const scale = f(ctx.attrs.float('spatial_scale', 1));
  const [N, C, H, W] = X.dims as [number, number, number, number];
  const numRois = R.dims[0]!;
  const direct = isNumberStorage(X.type);
  const x = direct ? (X.data as ArrayLike<number>) : numbersOf(X);
  const rois = isNumberStorage(R.type) ? (R.data as ArrayLike<number>) : numbersOf(R);
  const Y = ctx.output(0, [numRois, C, PH, PW], X.type);
  const y = direct ? (Y.data as Out) : scratchFor(X.type, Y.size);
  const lowest = LOWEST[X.type] ?? -Infinity;
  // Per bin: the clipped row range [hs, he) and column range [ws, we), refilled per roi.
  const hs = new Int32Array(PH);
  const he = new Int32Array(PH);
  const ws = new Int32Array(PW);
  const we = new Int32Array(PW);
  const bins = (start: number, end: number, pooledN: number, n: number, s: Int32Array, e: Int32Array): void => {
    const size = f(Math.max(end - start + 1, 1) / pooledN);
    for (let i = 0; i < pooledN; i++) {
      s[i] = Math.min(Math.max(Math.floor(f(i * size)) + start, 0), n);
      e[i] = Math.min(Math.max(Math.ceil(f((i + 1) * size)) + start, 0), n);
    }
  };
  for (let r = 0, yo = 0; r < numRois; r++) {
    const b = Math.trunc(rois[r * 5]!);
    if (!(b >= 0 && b < N)) throw ctx.error(`MaxRoiPool: roi ${r} has batch index ${rois[r * 5]} outside [0, ${N})`);
    const corner = (k: number): number => roundHalfAway(f(rois[r * 5 + k]! * scale));
    const [x1, y1, x2, y2] = [corner(1), corner(2), corner(3), corner(4)];
    bins(y1, y2, PH, H, hs, he);
    bins(x1, x2, PW, W, ws, we);
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let i = 0; i < PH; i++) {
        for (let j = 0; j < PW; j++, yo++) {
          if (he[i]! <= hs[i]! || we[j]! <= ws[j]!) {
            y[yo] = 0;
            continue;
          }
          let m = lowest;
          for (let h = hs[i]!; h < he[i]!; h++) {
            for (let at = plane + h * W + ws[j]!, end = plane + h * W + we[j]!; at < end; at++) {
              const v = x[at]!;
              m = v < m ? m : v;
            }
          }
          y[yo] = m;
        }
      }
    }
  }
  if (!direct) storeNumbers(y as ArrayLike<number>, Y);
}

export const maxRoiPoolKernels: KernelTable = { MaxRoiPool: maxRoiPool };
