/** The passes and their infrastructure, for callers inside the package (the runtime's session among them). */
export { PassManager, type PassManagerOptions, type PassManagerResult } from './infra/pass-manager.js';
export type { Pass, PassResult } from './infra/pass.js';
export { BUILTIN_PASSES, describePasses, getPass } from './registry.js';
export { foldConstants } from './fold-constants.js';
export { fuseConvBatchNorm } from './fuse-conv-batchnorm.js';
export { createOptimizeTransposes, optimizeTransposes } from './optimize-transposes.js';
