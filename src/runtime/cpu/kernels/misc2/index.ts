/** The misc2 family: CumProd, BitCast, ReverseSequence, CenterCropPad, TensorScatter, NonMaxSuppression, Unique, Col2Im, MaxUnpool, RoiAlign, DFT, STFT. */
import type { KernelTable } from '../../../kernel.js';
import { dftKernels } from './dft.js';
import { roiAlignKernels } from './roi-align.js';
import { scanKernels } from './scan.js';
import { selectKernels } from './select.js';

export const misc2Kernels: KernelTable = {
  ...scanKernels,
  ...selectKernels,
  ...roiAlignKernels,
  ...dftKernels,
};
