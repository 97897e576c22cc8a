import { UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { loadModel } from './model-io.js';
import type { SourceFormat } from './source-format.js';

/** How convert reads one kind of artifact and lowers its source ops to ONNX. */
export interface SourceImporter {
  read(file: string): Promise<Model>;
  /** `opset` undefined: the importer's default (DEFAULT_OPSET in convert.ts). */
  lower(model: Model, options: { opset: number | undefined; file: string }): void;
}

/**
 * One entry per artifact kind convert accepts. ONNX needs no lowering (convert re-checks and re-saves it,
 * at its own opset). The PyTorch and TensorFlow entries are registered by their importers.
 */
export const importers: Partial<Record<SourceFormat, SourceImporter>> = {
  onnx: {
    read: (file) => loadModel(file),
    lower: (model, { opset, file }) => {
      const own = model.opset('');
      if (opset !== undefined && opset !== own) throw new UsageError(`converting between ONNX opsets (${own} to ${opset}) is not supported yet`, { file });
    },
  },
};
