/** The indexing family: gather/scatter addressing, selection and ranking, depth/space rearrangement, resize. */
import type { KernelTable } from '../../../kernel.js';
import { depthSpaceKernels } from './depth-space.js';
import { gatherScatterKernels } from './gather-scatter.js';
import { resizeKernels } from './resize.js';
import { selectKernels } from './select.js';

export const indexingKernels: KernelTable = { ...gatherScatterKernels, ...selectKernels, ...depthSpaceKernels, ...resizeKernels };
