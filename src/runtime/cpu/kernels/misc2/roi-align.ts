/** RoiAlign, following onnxruntime's sampling (max mode takes the largest weighted corner of each sample). */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { intsOf, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

interface Sample {
  pos: [number, number, number, number];
  w: [number, number, number, number];
}

function sample(y: number, x: number, height: number, width: number): Sample {
  if (y < -1 || y > height || x < -1 || x > width) return { pos: [0, 0, 0, 0], w: [0, 0, 0, 0] };
  y = Math.max(y, 0);
  x = Math.max(x, 0);
  let yLow = Math.trunc(y);
  let xLow = Math.trunc(x);
  let yHigh = yLow + 1;
  let xHigh = xLow + 1;
  if (yLow >= height - 1) y = yHigh = yLow = height - 1;
  if (xLow >= width - 1) x = xHigh = xLow = width - 1;
  const ly = y - yLow;
  const lx = x - xLow;
  const hy = 1 - ly;
  const hx = 1 - lx;
  return {
    pos: [yLow * width + xLow, yLow * width + xHigh, yHigh * width + xLow, yHigh * width + xHigh],
    w: [hy * hx, hy * lx, ly * hx, ly * lx],
  };
}

function roiAlign(ctx: KernelContext): void {
  const x = ctx.input(0);
  const roisT = ctx.input(1);
  const rois = numbersOf(roisT);
  const batchIdx = intsOf(ctx.input(2));
  const [, channels, height, width] = [x.dims[0]!, x.dims[1]!, x.dims[2]!, x.dims[3]!];
  const ph = ctx.attrs.int('output_height', 1);
  const pw = ctx.attrs.int('output_width', 1);
  const ratio = ctx.attrs.int('sampling_ratio', 0);
  const scale = ctx.attrs.float('spatial_scale', 1);
  const isMax = ctx.attrs.string('mode', 'avg') === 'max';
  const halfPixel = ctx.opset >= 16 && ctx.attrs.string('coordinate_transformation_mode', 'half_pixel') === 'half_pixel';
  const nRois = batchIdx.length;
  const cols = roisT.dims[1]!;
  const data = numbersOf(x);
  const out = ctx.output(0, [nRois, channels, ph, pw], x.type);
  const res = scratchFor(x.type, out.size);
  const offset = halfPixel ? 0.5 : 0;
  for (let n = 0; n < nRois; n++) {
    const r = n * cols;
    const startW = rois[r]! * scale - offset;
    const startH = rois[r + 1]! * scale - offset;
    let roiW = rois[r + 2]! * scale - offset - startW;
    let roiH = rois[r + 3]! * scale - offset - startH;
    if (!halfPixel) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = roiH / ph;
    const binW = roiW / pw;
    const gridH = ratio > 0 ? ratio : Math.ceil(roiH / ph);
    const gridW = ratio > 0 ? ratio : Math.ceil(roiW / pw);
    const count = Math.max(gridH * gridW, 1);
    const samples: Sample[] = [];
    for (let i = 0; i < ph; i++) {
      for (let j = 0; j < pw; j++) {
        for (let iy = 0; iy < gridH; iy++) {
          const yy = startH + i * binH + ((iy + 0.5) * binH) / gridH;
          for (let ix = 0; ix < gridW; ix++) samples.push(sample(yy, startW + j * binW + ((ix + 0.5) * binW) / gridW, height, width));
        }
      }
    }
    for (let c = 0; c < channels; c++) {
      const base = (batchIdx[n]! * channels + c) * height * width;
      let s = 0;
      for (let k = 0; k < ph * pw; k++) {
        let v = 0;
        for (let g = 0; g < gridH * gridW; g++) {
          const p = samples[s++]!;
          const t = p.w.map((w, q) => w * data[base + p.pos[q]!]!);
          if (isMax) v = g === 0 ? Math.max(...t) : Math.max(v, ...t);
          else v += t[0]! + t[1]! + t[2]! + t[3]!;
        }
        res[(n * channels + c) * ph * pw + k] = isMax ? v : v / count;
      }
    }
  }
  storeNumbers(res, out);
}

export const roiAlignKernels: KernelTable = { RoiAlign: roiAlign };
