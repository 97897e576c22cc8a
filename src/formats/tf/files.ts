/**
 * TensorFlow artifacts on disk (node:fs): a SavedModel directory, its tensor bundle, a frozen .pb. Kept
 * apart from the byte-level readers so that browser bundles of those never pull in fs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FormatError } from '../../ir/errors.js';
import { decodeGraphDef, decodeSavedModel } from './codec.js';
import type { GraphDef, SavedModel } from './generated/tf-types.js';
import { TensorBundle, type ShardSource } from './tensor-bundle.js';

/** Shards up to this size are read whole once and tensors are views of them; larger ones are read per tensor. */
export const WHOLE_SHARD_LIMIT = 1 << 30;

/** `<prefix>.data-00001-of-00004`, TF's naming of data shards. */
export function dataFileName(prefix: string, shard: number, numShards: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

/**
 * Opens the bundle `<prefix>.index` + `<prefix>.data-*` (for a SavedModel, prefix = `<dir>/variables/variables`).
 * Every data shard must exist: a missing one is a FormatError naming it, here rather than at first use.
 */
export function openTensorBundle(prefix: string, wholeShardLimit = WHOLE_SHARD_LIMIT): TensorBundle {
  const indexFile = `${prefix}.index`;
  return TensorBundle.fromIndex(readFile(indexFile, 'tensor bundle index'), indexFile, (n) => new FileShards(prefix, n, wholeShardLimit));
}

class FileShards implements ShardSource {
  readonly names: string[];
  private readonly sizes: number[];
  private readonly whole = new Map<number, Uint8Array>();

  constructor(
    prefix: string,
    numShards: number,
    private readonly wholeLimit: number,
  ) {
    this.names = Array.from({ length: numShards }, (_, i) => dataFileName(prefix, i, numShards));
    this.sizes = this.names.map((file) => {
      try {
        return fs.statSync(file).size;
      } catch (e) {
        throw new FormatError(`data shard is missing (the bundle index lists ${numShards} shards)`, { file }, { cause: e });
      }
    });
  }

  read(id: number, offset: number, length: number): Uint8Array {
    const file = this.names[id]!;
    if (offset + length > this.sizes[id]!) {
      throw new FormatError(`bytes ${offset}..${offset + length} are past the end of the ${this.sizes[id]}-byte shard; the file is truncated`, { file });
    }
    if (this.sizes[id]! <= this.wholeLimit) {
      let all = this.whole.get(id);
      if (all === undefined) {
        all = readFile(file, 'data shard');
        this.whole.set(id, all);
      }
      return all.subarray(offset, offset + length);
    }
    const out = new Uint8Array(length);
    const fd = fs.openSync(file, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new FormatError(`ends before byte ${offset + length}; the file is truncated`, { file });
        done += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }
}

export interface SavedModelFiles {
  dir: string;
  savedModel: SavedModel;
  /** The variables bundle; undefined when the SavedModel has no `variables/variables.index`. */
  variables?: TensorBundle;
}

/** Reads `<dir>/saved_model.pb` and opens `<dir>/variables/variables.*`. Tensors are read on demand. */
export function readSavedModelDir(dir: string): SavedModelFiles {
  const pb = path.join(dir, 'saved_model.pb');
  if (!fs.existsSync(pb)) {
    const text = fs.existsSync(path.join(dir, 'saved_model.pbtxt'));
    throw new FormatError(
      text ? 'has only saved_model.pbtxt; text-format SavedModels are not supported' : 'is not a SavedModel directory: it has no saved_model.pb',
      { file: dir },
    );
  }
  const savedModel = decodeSavedModel(readFile(pb, 'SavedModel'), pb);
  const prefix = path.join(dir, 'variables', 'variables');
  const variables = fs.existsSync(`${prefix}.index`) ? openTensorBundle(prefix) : undefined;
  return { dir, savedModel, variables };
}

/** Reads a frozen GraphDef (.pb). */
export function readGraphDefFile(file: string): GraphDef {
  return decodeGraphDef(readFile(file, 'GraphDef'), file);
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(e)})`;
    throw new FormatError(`${what} ${why}`, { file }, { cause: e });
  }
}
