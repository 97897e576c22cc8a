/** The CPU backend: every kernel family table, registered once. */
import type { Backend } from '../backend.js';
import { KernelRegistry } from '../registry.js';
import { convKernels } from './kernels/conv/conv.js';
import { controlKernels } from './kernels/control/control.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { matmulKernels } from './kernels/math/matmul.js';
import { normalizationKernels } from './kernels/nn/normalization.js';
import { softmaxKernels } from './kernels/nn/softmax.js';
import { poolKernels } from './kernels/pool/pool.js';
import { reduceKernels } from './kernels/reduce/reduce.js';
import { castKernels } from './kernels/tensor/cast.js';
import { movementKernels } from './kernels/tensor/movement.js';
import { shapeKernels } from './kernels/tensor/shape-ops.js';
import { indexingKernels } from './kernels/indexing/index.js';
import { nn2Kernels } from './kernels/nn2/index.js';
import { quantKernels } from './kernels/quant/quant.js';
import { sequenceKernels } from './kernels/sequence/sequence.js';
import { einsumKernels } from './kernels/einsum/einsum.js';
import { rnnKernels } from './kernels/rnn/rnn.js';
import { misc2Kernels } from './kernels/misc2/index.js';
import { stringKernels } from './kernels/strings/strings.js';
import { mlKernels } from './kernels/ml/ml.js';
import { trainingKernels } from './kernels/training/optimizers.js';
import { melKernels } from './kernels/training/mel.js';
import { attn2Kernels, attn2PreviewKernels } from './kernels/attn2/index.js';
import { randomKernels } from './kernels/random/random.js';
import { initWasm } from './wasm/instance.js';

export const cpuKernels = new KernelRegistry()
  .add('', elementwiseKernels)
  .add('', shapeKernels)
  .add('', movementKernels)
  .add('', castKernels)
  .add('', matmulKernels)
  .add('', reduceKernels)
  .add('', softmaxKernels)
  .add('', normalizationKernels)
  .add('', convKernels)
  .add('', poolKernels)
  .add('', indexingKernels)
  .add('', controlKernels)
  .add('', nn2Kernels)
  .add('', quantKernels)
  .add('', einsumKernels)
  .add('', sequenceKernels)
  .add('', rnnKernels)
  .add('', stringKernels)
  .add('ai.onnx.ml', mlKernels)
  .add('', misc2Kernels)
  .add('', attn2Kernels)
  .add('ai.onnx.preview', attn2PreviewKernels)
  .add('ai.onnx.preview.training', trainingKernels)
  .add('', melKernels)
  .add('', randomKernels);

/** `init` instantiates the WebAssembly SIMD kernels (MatMul, Gemm, Conv); without them the JavaScript paths run. */
export const cpuBackend: Backend = { name: 'cpu', kernels: cpuKernels, init: initWasm };
