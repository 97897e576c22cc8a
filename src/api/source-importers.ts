import { readFile } from 'node:fs/promises';
import { FormatError, UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { openTorchArchive } from '../formats/torch/torch-archive.js';
import { lowerToOnnx } from '../importers/common/lower.js';
import '../importers/torch/ops/index.js';
import { importPt2Archive } from '../importers/torch/pt2/index.js';
import { importTorchScriptArchive } from '../importers/torch/torchscript/index.js';
import { atenTable } from '../importers/torch/table.js';
import { importGraphDef, importSavedModel, importTfjs, lowerTfModel } from '../importers/tf/index.js';
import { DEFAULT_OPSET } from './defaults.js';
import { loadModel } from './model-io.js';
import type { SourceFormat } from './source-format.js';

/** What convert passes to an importer's read. */
export interface SourceReadOptions {
  /** Which signature of a SavedModel (convert refuses it for other formats). */
  signature?: string;
}

/** How convert reads one kind of artifact and lowers its source ops to ONNX. */
export interface SourceImporter {
  read(file: string, options: SourceReadOptions): Promise<Model>;
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
  // TorchScript archives and torch.export packages are both zips: what the archive holds says which.
  'torch-zip': {
    read: async (file) => {
      const archive = await openTorchArchive(await readFile(file), file);
      if (archive.kind === 'pt2') return importPt2Archive(archive);
      if (archive.kind === 'torchscript') return importTorchScriptArchive(archive);
      throw new FormatError('a torch.save file holds tensors, not a program: save the model with torch.jit.save or torch.export.save', { file });
    },
    lower: (model, { opset, file }) => lowerToOnnx(model, atenTable, { opset: opset ?? DEFAULT_OPSET, file }),
  },
  'tf-saved-model': {
    read: async (dir, { signature }) => importSavedModel(dir, signature === undefined ? {} : { signature }),
    lower: (model, { opset, file }) => lowerTfModel(model, { opset: opset ?? DEFAULT_OPSET, file }),
  },
  'tf-graphdef': {
    read: async (file) => importGraphDef(file),
    lower: (model, { opset, file }) => lowerTfModel(model, { opset: opset ?? DEFAULT_OPSET, file }),
  },
  tfjs: {
    read: async (file) => importTfjs(file),
    lower: (model, { opset, file }) => lowerTfModel(model, { opset: opset ?? DEFAULT_OPSET, file }),
  },
};
