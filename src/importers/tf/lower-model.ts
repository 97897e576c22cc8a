/**
 * The lowering step the three TF importers share: every `tf` node through the TF table (all unsupported
 * ops reported together), then the layout clean-up that makes NHWC models NCHW inside: rules emit
 * Transpose pairs around each layout-sensitive op and Transposes on weights, the transpose optimizer
 * cancels the pairs between consecutive ops and constant folding stores the weights in ONNX's layout.
 */
import type { Model } from '../../ir/model.js';
import { PassManager } from '../../passes/infra/pass-manager.js';
import { foldConstants } from '../../passes/fold-constants.js';
import { optimizeTransposes } from '../../passes/optimize-transposes.js';
import { lowerToOnnx } from '../common/lower.js';
import './ops/index.js';
import { tfTable } from './table.js';

export interface TfLowerOptions {
  opset: number;
  /** For error messages. */
  file?: string;
}

export function lowerTfModel(model: Model, options: TfLowerOptions): void {
  lowerToOnnx(model, tfTable, options.file === undefined ? { opset: options.opset } : { opset: options.opset, file: options.file });
  // Folding first puts filters in OIHW before the optimizer looks at Transposes; the manager repeats
  // both until neither changes anything, as moving Transposes can leave new ones on constants.
  new PassManager([foldConstants, optimizeTransposes]).run(model);
}
