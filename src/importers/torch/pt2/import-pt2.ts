/**
 * The torch.export importer: a `.pt2` archive (torch.export.save) -> an IR model of `aten`/`prim` source
 * nodes, which the ATen lowering table then turns into ONNX (see src/api/source-importers.ts).
 */
import { readFile } from 'node:fs/promises';
import { FormatError, UsageError } from '../../../ir/errors.js';
import type { Model } from '../../../ir/model.js';
import { readPt2 } from '../../../formats/torch/pt2/index.js';
import { openTorchArchive, type TorchArchive } from '../../../formats/torch/torch-archive.js';
import { programToModel } from './program-graph.js';

export interface ImportPt2Options {
  /** Which program, when the archive holds several (`models/<name>.json`). */
  model?: string;
}

/** Reads a `.pt2` file and builds its source model. */
export async function importPt2(file: string, options: ImportPt2Options = {}): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { file }, { cause: e });
  }
  return importPt2Archive(await openTorchArchive(bytes, file), options);
}

/** The source model of an opened archive, which must be a PT2 package. */
export function importPt2Archive(archive: TorchArchive, options: ImportPt2Options = {}): Model {
  const file = archive.file;
  if (archive.kind !== 'pt2') {
    const what = archive.kind === 'torchscript' ? 'a TorchScript archive (torch.jit.save)' : 'a torch.save file (tensors, no program)';
    throw new FormatError(`not a torch.export .pt2 archive: it is ${what}`, { file });
  }
  const pt2 = readPt2(archive, { file, ...(options.model !== undefined ? { model: options.model } : {}) });
  return programToModel(pt2, { file, byteOrder: archive.byteOrder });
}
