/** The CPU backend: every kernel family table, registered once. */
import type { Backend } from '../backend.js';
import { KernelRegistry } from '../registry.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { matmulKernels } from './kernels/math/matmul.js';
import { normalizationKernels } from './kernels/nn/normalization.js';
import { softmaxKernels } from './kernels/nn/softmax.js';
import { reduceKernels } from './kernels/reduce/reduce.js';
import { castKernels } from './kernels/tensor/cast.js';
import { movementKernels } from './kernels/tensor/movement.js';
import { shapeKernels } from './kernels/tensor/shape-ops.js';

export const cpuKernels = new KernelRegistry()
  .add('', elementwiseKernels)
  .add('', shapeKernels)
  .add('', movementKernels)
  .add('', castKernels)
  .add('', matmulKernels)
  .add('', reduceKernels)
  .add('', softmaxKernels)
  .add('', normalizationKernels);

export const cpuBackend: Backend = { name: 'cpu', kernels: cpuKernels };
