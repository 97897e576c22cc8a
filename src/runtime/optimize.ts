/**
 * The graph rewrites Session.create applies to its own copy of the model (never to the caller's): constant
 * folding and Conv+BatchNormalization folding. Both keep every graph output (a value a caller can ask for is
 * never folded away), so a model whose intermediates are all exposed (parity --bisect) is left as it is.
 */
import type { Model } from '../ir/model.js';
import { foldConstants } from '../passes/fold-constants.js';
import { fuseConvBatchNorm } from '../passes/fuse-conv-batchnorm.js';
import { PassManager } from '../passes/infra/pass-manager.js';
import { copyModel } from './graph-copy.js';

/** How much Session.create rewrites, in the spirit of onnxruntime's graphOptimizationLevel. */
export type GraphOptimizationLevel = 'none' | 'basic' | 'all';

export const GRAPH_OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['none', 'basic', 'all'];

const RUNTIME_PASSES = [foldConstants, fuseConvBatchNorm];

/**
 * The model to plan: a rewritten copy of `model` (weights shared, not copied), or `model` itself when
 * nothing applies. Passes are not verified here (the model may be one the checker would refuse but the
 * engine runs); their own tests verify them.
 */
export function optimizeModel(model: Model): Model {
  const copy = copyModel(model);
  const result = new PassManager(RUNTIME_PASSES, { verify: false, maxSteps: 4 }).run(copy);
  return result.modified ? result.model : model;
}
