/** DFT (opset 17 axis attribute, opset 20 axis input) and STFT, by direct summation in double precision. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { sizeOf } from '../../../tensor.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

/**
 * One transform of `n` points: reads complex input point t from `get(t)` (zero past the input), writes bins
 * [0, bins) through `put(k, re, im)`. `sign` is -1 forward, +1 inverse (scaled by 1/n).
 */
function transform(n: number, bins: number, sign: number, get: (t: number) => [number, number], put: (k: number, re: number, im: number) => void): void {
  const xs = Array.from({ length: n }, (_, t) => get(t));
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const th = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(th);
      const s = Math.sin(th);
      const [a, b] = xs[t]!;
      re += a * c - b * s;
      im += a * s + b * c;
    }
    put(k, sign > 0 ? re / n : re, sign > 0 ? im / n : im);
  }
}

function dft(ctx: KernelContext): void {
  const x = ctx.input(0);
  const r = x.dims.length;
  const lenT = ctx.optionalInput(1);
  let axis: number;
  if (ctx.opset >= 20) {
    const a = ctx.optionalInput(2);
    axis = a && a.size > 0 ? intsOf(a)[0]! : -2;
  } else axis = ctx.attrs.int('axis', 1);
  axis = axis < 0 ? axis + r : axis;
  if (axis < 1 || axis >= r - 1) throw ctx.error(`DFT axis ${axis} must be a signal axis of rank ${r}`);
  const inverse = ctx.attrs.int('inverse', 0) !== 0;
  const onesided = ctx.attrs.int('onesided', 0) !== 0;
  const inLen = x.dims[axis]!;
  const comps = x.dims[r - 1]!;
  const n = lenT && lenT.size > 0 ? intsOf(lenT)[0]! : inverse && onesided ? 2 * (inLen - 1) : inLen;
  const outer = sizeOf(x.dims.slice(0, axis));
  const inner = sizeOf(x.dims.slice(axis + 1, r - 1));
  const dims = [...x.dims];
  let outComps = 2;
  let bins = n;
  if (inverse && onesided) outComps = 1;
  else if (onesided) bins = Math.floor(n / 2) + 1;
  dims[axis] = bins;
  dims[r - 1] = outComps;
  const src = numbersOf(x);
  const out = ctx.output(0, dims, x.type);
  const res = scratchFor(x.type, out.size);
  const at = (o: number, t: number, k: number): number => ((o * inLen + t) * inner + k) * comps;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const read = (t: number): [number, number] => {
        if (t >= inLen) return [0, 0];
        const i = at(o, t, k);
        return [src[i]!, comps === 2 ? src[i + 1]! : 0];
      };
      let get = read;
      if (inverse && onesided) {
        // the full spectrum is Hermitian: bin n-t is the conjugate of bin t
        const half = Math.floor(n / 2);
        get = (t) => {
          if (t <= half) return read(t);
          const [a, b] = read(n - t);
          return [a, -b];
        };
      }
      transform(n, bins, inverse ? 1 : -1, get, (b, re, im) => {
        const i = ((o * bins + b) * inner + k) * outComps;
        res[i] = re;
        if (outComps === 2) res[i + 1] = im;
      });
    }
  }
  storeNumbers(res, out);
}

function stft(ctx: KernelContext): void {
  const x = ctx.input(0);
  const step = intsOf(ctx.input(1))[0]!;
  const winT = ctx.optionalInput(2);
  const lenT = ctx.optionalInput(3);
  const win = winT ? numbersOf(winT) : undefined;
  const frameLen = lenT && lenT.size > 0 ? intsOf(lenT)[0]! : winT ? winT.size : 0;
  if (frameLen <= 0) throw ctx.error('STFT needs a window or a frame_length');
  const onesided = ctx.attrs.int('onesided', 1) !== 0;
  const [batch, len, comps] = [x.dims[0]!, x.dims[1]!, x.dims[2]!];
  const frames = Math.floor((len - frameLen) / step) + 1;
  const bins = onesided ? Math.floor(frameLen / 2) + 1 : frameLen;
  const src = numbersOf(x);
  const out = ctx.output(0, [batch, frames, bins, 2], x.type);
  const res = scratchFor(x.type, out.size);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < frames; f++) {
      const get = (t: number): [number, number] => {
        const i = (b * len + f * step + t) * comps;
        const w = win ? win[t]! : 1;
        return [src[i]! * w, comps === 2 ? src[i + 1]! * w : 0];
      };
      transform(frameLen, bins, -1, get, (k, re, im) => {
        const i = ((b * frames + f) * bins + k) * 2;
        res[i] = re;
        res[i + 1] = im;
      });
    }
  }
  storeNumbers(res, out);
}

export const dftKernels: KernelTable = { DFT: dft, STFT: stft };
