import { loadModel } from './model-io.js';
import type { Model } from '../ir/model.js';
import type { SourceFormat } from './source-format.js';

/** How convert reads one kind of artifact and lowers its source ops to ONNX. */
export interface SourceImporter {
  read(file: string): Promise<Model>;
  lower(model: Model, options: { opset: number; file: string }): void;
}

/**
 * One entry per artifact kind convert accepts. ONNX needs no lowering (convert re-checks and re-saves it,
 * at its own opset). The PyTorch and TensorFlow entries are registered by their importers.
 */
export const importers: Partial<Record<SourceFormat, SourceImporter>> = {
  onnx: {
    read: (file) => loadModel(file),
    lower: () => {},
  },
};
