export { Session, type SessionOptions } from './session.js';
export { Tensor, fromIrTensor, toIrTensor, type TensorType, type TensorData } from './tensor.js';
export { TensorSequence, OptionalValue, type RuntimeValue } from './values.js';
export type { Kernel, KernelContext, KernelEntry } from './kernel.js';
export { KernelRegistry, type KernelTable } from './registry.js';
export type { Backend } from './backend.js';
export { cpuBackend, cpuKernels } from './cpu/index.js';
