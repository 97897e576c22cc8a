/** The nn2 family: more normalizations, Dropout/EyeLike/Det, Attention/RotaryEmbedding, the two losses, AffineGrid/GridSample. */
import type { KernelTable } from '../../../kernel.js';
import { attentionKernels } from './attention.js';
import { gridKernels } from './grid.js';
import { lossKernels } from './loss.js';
import { miscKernels } from './misc.js';
import { normalization2Kernels } from './normalization.js';

export const nn2Kernels: KernelTable = {
  ...normalization2Kernels,
  ...miscKernels,
  ...attentionKernels,
  ...lossKernels,
  ...gridKernels,
};
