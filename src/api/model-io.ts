/**
 * The public model I/O API: bytes or files <-> IR Model, through the ONNX codec (src/formats/onnx), the
 * generic importer and the exporter. Files are read whole (weights stay views of that buffer, zero-copy);
 * external data is read lazily; saving is atomic and never writes into a file a model was read from.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { BridgeError, UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { decodeModelProto, encodeModelProtoChunks } from '../formats/onnx/codec.js';
import { exportModel, type ExportOptions } from '../exporters/onnx/index.js';
import { importModel } from '../importers/onnx/index.js';
import { externalOpener } from './external-open.js';
import { checkInlineSize, isExternalTensor } from './save-plan.js';
import { saveModelFile, type SaveOptions, type SaveReport } from './save-model.js';

export type { SaveOptions, SaveReport };

export interface LoadOptions {
  /** The folder external data locations are relative to. A path given to loadModel sets it to the file's folder. */
  baseDir?: string;
  /** The name errors give the model (loadModel uses the path). */
  file?: string;
  /** Check a `checksum` entry (SHA1 of the data file) when external bytes are read. */
  verifyChecksum?: boolean;
  /** Put nodes in topological order when the file lists them otherwise (default: keep file order). */
  sortNodes?: boolean;
}

export interface EncodeOptions {
  /** See ExportOptions.valueInfo: 'declared' (default) or 'all' typed values. */
  valueInfo?: ExportOptions['valueInfo'];
}

/** Reads a model from a .onnx file or from its bytes. Rejects with a BridgeError that names the file. */
export async function loadModel(source: string | Uint8Array, options: LoadOptions = {}): Promise<Model> {
  if (typeof source !== 'string') return decodeModel(source, options);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String((e as Error).message);
    throw new UsageError(`cannot read the model: ${why}`, { file: source }, { cause: e });
  }
  return decodeModel(bytes, { ...options, file: options.file ?? source, baseDir: options.baseDir ?? path.dirname(path.resolve(source)) });
}

/**
 * Decodes the bytes of a .onnx file. The returned model's weights are views of `bytes`, which must
 * therefore not be changed afterwards. External data needs `options.baseDir`.
 */
export function decodeModel(bytes: Uint8Array, options: LoadOptions = {}): Model {
  const file = options.file;
  const baseDir = options.baseDir === undefined ? undefined : path.resolve(options.baseDir);
  try {
    const proto = decodeModelProto(bytes, file);
    return importModel(proto, { file, openExternal: externalOpener(baseDir, file, options.verifyChecksum), sortNodes: options.sortNodes });
  } catch (e) {
    throw e instanceof BridgeError && file !== undefined ? e.withFile(file) : e;
  }
}

/**
 * The bytes of a .onnx file for `model`, everything inline except tensors that came from external data
 * (they keep pointing at their files). Throws a FormatError when the result would pass protobuf's 2 GiB
 * limit; saveModel can move large tensors to an external data file instead.
 */
export function encodeModel(model: Model, options: EncodeOptions = {}): Uint8Array {
  checkInlineSize(model, (t) => !isExternalTensor(t));
  // Chunks reference large weights instead of copying them; joining them is the one copy we need.
  return joinChunks(encodeModelProtoChunks(exportModel(model, { valueInfo: options.valueInfo })));
}

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Writes `model` to `file` (and, as needed, an external data file beside it); see SaveOptions. */
export async function saveModel(model: Model, file: string, options: SaveOptions = {}): Promise<SaveReport> {
  return saveModelFile(model, file, options);
}
