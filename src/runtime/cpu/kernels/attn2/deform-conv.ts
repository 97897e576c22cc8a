/** DeformConv (opset 19, 22): 2-D deformable convolution, bilinear sampling with zeros outside the image. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

function deformConv(ctx: KernelContext): void {
  const x = ctx.input(0);
  const w = ctx.input(1);
  const offset = ctx.input(2);
  const bias = ctx.optionalInput(3);
  const mask = ctx.optionalInput(4);
  if (x.dims.length !== 4) throw ctx.error('DeformConv: only 2-D inputs (rank 4) are supported');
  const [n = 0, ic = 0, ih = 0, iw = 0] = x.dims;
  const oc = w.dims[0] ?? 0;
  const icg = w.dims[1] ?? 0;
  const [kh = 1, kw = 1] = ctx.attrs.ints('kernel_shape', w.dims.slice(2));
  const [sh = 1, sw = 1] = ctx.attrs.ints('strides', [1, 1]);
  const [dh = 1, dw = 1] = ctx.attrs.ints('dilations', [1, 1]);
  const [pt = 0, pl = 0] = ctx.attrs.ints('pads', [0, 0, 0, 0]);
  const group = ctx.attrs.int('group', 1);
  const og = ctx.attrs.int('offset_group', 1);
  if (ic !== icg * group || oc % group !== 0) throw ctx.error('DeformConv: channel counts inconsistent with group');
  if (ic % og !== 0) throw ctx.error('DeformConv: input channels not divisible by offset_group');
  const [, offC = 0, oh = 0, ow = 0] = offset.dims;
  if (offC !== og * kh * kw * 2) throw ctx.error('DeformConv: offset shape inconsistent with offset_group and kernel shape');
  const ocg = oc / group;
  const icog = ic / og;
  const xs = numbersOf(x);
  const ws = numbersOf(w);
  const os = numbersOf(offset);
  const bs = bias ? numbersOf(bias) : undefined;
  const ms = mask ? numbersOf(mask) : undefined;
  const plane = oh * ow;
  const kk = kh * kw;
  // Sampled input column per (n, ic, kernel tap, output position), weighted by the mask.
  const cols = new Float64Array(ic * kk * plane);
  const out = scratchFor(x.type, n * oc * plane);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < ic; c++) {
      const g = Math.floor(c / icog);
      const xOff = (b * ic + c) * ih * iw;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const tap = ki * kw + kj;
          const offBase = ((b * og + g) * kk + tap) * 2 * plane;
          const mBase = ((b * og + g) * kk + tap) * plane;
          for (let i = 0; i < oh; i++) {
            for (let j = 0; j < ow; j++) {
              const p = i * ow + j;
              const y = -pt + sh * i + ki * dh + os[offBase + p]!;
              const xx = -pl + sw * j + kj * dw + os[offBase + plane + p]!;
              const y0 = Math.floor(y);
              const x0 = Math.floor(xx);
              const fy = y - y0;
              const fx = xx - x0;
              let v = 0;
              for (const [yy, wy] of [[y0, 1 - fy], [y0 + 1, fy]] as const) {
                if (yy < 0 || yy >= ih || wy === 0) continue;
                for (const [xc, wx] of [[x0, 1 - fx], [x0 + 1, fx]] as const) {
                  if (xc < 0 || xc >= iw || wx === 0) continue;
                  v += wy * wx * xs[xOff + yy * iw + xc]!;
                }
              }
              if (ms) v *= ms[mBase + p]!;
              cols[(c * kk + tap) * plane + p] = v;
            }
          }
        }
      }
    }
    for (let o = 0; o < oc; o++) {
      const g = Math.floor(o / ocg);
      const oOff = (b * oc + o) * plane;
      for (let p = 0; p < plane; p++) {
        let acc = bs ? bs[o]! : 0;
        for (let cc = 0; cc < icg; cc++) {
          const c = g * icg + cc;
          for (let tap = 0; tap < kk; tap++) acc += ws[(o * icg + cc) * kk + tap]! * cols[(c * kk + tap) * plane + p]!;
        }
        out[oOff + p] = acc;
      }
    }
  }
  storeNumbers(out, ctx.output(0, [n, oc, oh, ow], x.type));
}

export const deformConvKernels: KernelTable = {
  DeformConv: deformConv,
};
