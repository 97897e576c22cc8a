/**
 * A TF.js graph model on disk (node:fs): model.json and the weight shards next to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FormatError } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import { parseTfjsModelJson, type TfjsGraphManifest } from './model-json.js';
import { decodeWeights } from './weights.js';

export interface TfjsGraphModel extends TfjsGraphManifest {
  file: string;
  /** Const node name -> value. */
  weights: Map<string, Tensor>;
}

/** Reads `model.json` and every weight shard it lists (relative to its folder). */
export function readTfjsModel(modelJson: string): TfjsGraphModel {
  const manifest = parseTfjsModelJson(readFile(modelJson, 'TF.js model.json'), modelJson);
  const dir = path.dirname(modelJson);
  const readShard = (p: string): Uint8Array => {
    const full = path.resolve(dir, p);
    // A manifest may name shards only beside or below itself.
    if (path.relative(dir, full).startsWith('..') || path.isAbsolute(p)) {
      throw new FormatError(`weight shard path ${JSON.stringify(p)} leaves the model's folder`, { file: modelJson });
    }
    return readFile(full, 'weight shard');
  };
  return { ...manifest, file: modelJson, weights: decodeWeights(manifest.json.weightsManifest, readShard, modelJson) };
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'is missing' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(e)})`;
    throw new FormatError(`${what} ${why}`, { file }, { cause: e });
  }
}
