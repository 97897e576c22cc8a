/** MelWeightMatrix (opset 17): triangular mel filter bank weights, [floor(dft_length/2)+1, num_mel_bins]. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { tensorTypeOf } from '../../../tensor.js';
import type { DataType } from '../../../../ir/dtype.js';
import { numbersOf, storeNumbers } from '../../numeric.js';

function melWeightMatrix(ctx: KernelContext): void {
  const scalar = (i: number): number => Number(numbersOf(ctx.input(i))[0]!);
  const numMel = scalar(0);
  const dftLength = scalar(1);
  const sampleRate = scalar(2);
  const lower = scalar(3);
  const upper = scalar(4);
  const type = tensorTypeOf(ctx.attrs.int('output_datatype', 1) as DataType);
  if (type === undefined || type === 'string') throw ctx.error('unsupported output_datatype');
  if (!(numMel > 0) || !(dftLength > 0) || !(sampleRate > 0)) throw ctx.error('num_mel_bins, dft_length and sample_rate must be positive');
  const nSpec = Math.floor(dftLength / 2) + 1;
  // As the ONNX reference: num_mel_bins + 2 points evenly spaced in mel, mapped back to FFT bins.
  const lowMel = 2595 * Math.log10(1 + lower / 700);
  const highMel = 2595 * Math.log10(1 + upper / 700);
  const step = (highMel - lowMel) / (numMel + 2);
  const bins: number[] = [];
  for (let i = 0; i < numMel + 2; i++) {
    const hz = 700 * (10 ** ((i * step + lowMel) / 2595) - 1);
    bins.push(Math.trunc(Math.floor(((dftLength + 1) * hz) / sampleRate)));
  }
  const out = new Float64Array(nSpec * numMel);
  const set = (j: number, i: number, v: number): void => {
    if (j >= 0 && j < nSpec) out[j * numMel + i] = v;
  };
  for (let i = 0; i < numMel; i++) {
    const lo = bins[i]!;
    const c = bins[i + 1]!;
    const hi = bins[i + 2]!;
    if (c === lo) set(c, i, 1);
    else for (let j = lo; j <= c; j++) set(j, i, (j - lo) / (c - lo));
    if (hi > c) for (let j = c; j < hi; j++) set(j, i, (hi - j) / (hi - c));
  }
  storeNumbers(out, ctx.output(0, [nSpec, numMel], type));
}

export const melKernels: KernelTable = { MelWeightMatrix: melWeightMatrix };
