import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BridgeError, UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { ExternalTensor, LazyTensor, type Tensor } from '../ir/tensor.js';
import { encodeModelProtoChunks } from '../formats/onnx/codec.js';
import { checkLocation } from '../formats/onnx/external-data.js';
import { exportModel, type ExportOptions, type TensorPlacement } from '../exporters/onnx/index.js';
import { DataFileSink } from './data-file-sink.js';
import { checkInlineSize, DEFAULT_SIZE_THRESHOLD, planExternal, type ExternalDataMode } from './save-plan.js';

export interface SaveOptions {
  /** Where tensor bytes go; see planExternal. Default 'auto'. */
  externalData?: ExternalDataMode;
  /** The data file, relative to the model's folder. Default `<model file name>.data`. */
  externalDataLocation?: string;
  /** Bytes from which a tensor may move to the data file ('always', or 'auto' near 2 GiB). Default 1024. */
  sizeThreshold?: number;
  valueInfo?: ExportOptions['valueInfo'];
}

export interface SaveReport {
  /** Absolute path of the .onnx file written. */
  path: string;
  /** Size of the .onnx file. */
  modelBytes: number;
  /** The external data file, when tensors went to one. */
  externalData?: { path: string; location: string; tensors: number; bytes: number };
}

/**
 * Writes the model atomically: everything goes to temporary files in the target folder first, which are
 * renamed over the targets at the end. So an input file is never written into, even when saving over
 * the model's own path or its own data file; the in-memory model stays usable because its external
 * tensors that read from a replaced data file are pointed at their place in the new one.
 */
export async function saveModelFile(model: Model, file: string, options: SaveOptions = {}): Promise<SaveReport> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const location = options.externalDataLocation ?? `${path.basename(target)}.data`;
  const plan = planExternal(model, options.externalData ?? 'auto', options.sizeThreshold ?? DEFAULT_SIZE_THRESHOLD);
  checkInlineSize(model, (t) => !plan.external.has(t), file);
  fs.mkdirSync(dir, { recursive: true });

  const temps: string[] = [];
  let sink: DataFileSink | undefined;
  try {
    if (plan.external.size > 0) {
      sink = DataFileSink.open(dir, checkedLocation(location), plan.external);
      temps.push(sink.tempPath);
    }
    const loadedForInline: LazyTensor[] = [];
    const place: TensorPlacement = (t: Tensor) => {
      if (sink !== undefined && plan.external.has(t)) return sink.write(t);
      if (t instanceof LazyTensor && !t.isLoaded) loadedForInline.push(t);
      return 'inline';
    };
    const proto = exportModel(model, { place, valueInfo: options.valueInfo });
    sink?.close();
    const chunks = encodeModelProtoChunks(proto, file); // Note [streaming encode]: tensors are not copied

    const tmpModel = tempPath(target);
    temps.push(tmpModel);
    const modelBytes = writeChunksToNewFile(tmpModel, chunks);
    for (const t of loadedForInline) t.release(); // their bytes are in the file now
    if (sink !== undefined) fs.renameSync(sink.tempPath, sink.finalPath);
    fs.renameSync(tmpModel, target);
    temps.length = 0;
    if (sink !== undefined) repoint(sink);
    const report: SaveReport = { path: target, modelBytes };
    if (sink !== undefined) report.externalData = { path: sink.finalPath, location: sink.location, tensors: sink.written.size, bytes: sink.size };
    return report;
  } catch (e) {
    sink?.close();
    for (const t of temps) fs.rmSync(t, { force: true });
    if (e instanceof BridgeError) throw e.withFile(file);
    // File-system failures (no permission, disk full, a folder in the way) are about the user's paths.
    if (typeof (e as NodeJS.ErrnoException).code === 'string') throw new UsageError(`cannot write the model: ${(e as Error).message}`, { file }, { cause: e });
    throw e;
  }
}

function checkedLocation(location: string): string {
  try {
    return checkLocation(location, 'externalDataLocation');
  } catch (e) {
    throw new UsageError(`externalDataLocation: ${e instanceof BridgeError ? e.detail : String(e)}`);
  }
}

/** writev takes at most IOV_MAX (1024 on Linux and macOS) buffers per call. */
const WRITEV_MAX_BUFFERS = 1024;

/**
 * Creates `file` (failing if it exists) holding the chunks one after another, with writev in batches;
 * returns the bytes written. A write may be partial (Linux writes at most 2 GiB - 4 KiB per call), so
 * each batch starts where the last one stopped.
 */
function writeChunksToNewFile(file: string, chunks: readonly Uint8Array[]): number {
  const fd = fs.openSync(file, 'wx');
  try {
    let total = 0;
    let i = 0; // first chunk not fully written
    let done = 0; // bytes of chunks[i] already written
    while (i < chunks.length) {
      const batch: Uint8Array[] = [];
      for (let j = i; j < chunks.length && batch.length < WRITEV_MAX_BUFFERS; j++) {
        const c = chunks[j]!;
        if (c.length > 0) batch.push(j === i ? c.subarray(done) : c);
      }
      if (batch.length === 0) break;
      let n = fs.writevSync(fd, batch);
      if (n === 0) throw new Error(`writev wrote nothing to ${file}`);
      total += n;
      while (i < chunks.length && n >= chunks[i]!.length - done) {
        n -= chunks[i]!.length - done;
        i++;
        done = 0;
      }
      done += n;
    }
    return total;
  } finally {
    fs.closeSync(fd);
  }
}

/** A fresh name beside `target`, so that the final rename stays within one file system. */
export function tempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * External tensors whose data file was just replaced would read the new file at their old offsets;
 * point them at where their bytes now are (the new file holds them all, as each was written there).
 */
function repoint(sink: DataFileSink): void {
  const replaced = realpathOrSelf(sink.finalPath);
  for (const [t, at] of sink.written) {
    if (!(t instanceof ExternalTensor)) continue;
    const source = path.resolve(t.external.baseDir, t.external.location);
    if (source !== sink.finalPath && realpathOrSelf(source) !== replaced) continue;
    const loc = t.external;
    loc.location = sink.location;
    loc.baseDir = sink.dir;
    loc.offset = at.offset;
    loc.length = at.length;
    delete loc.checksum; // a checksum of the old file says nothing about the new one
  }
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
