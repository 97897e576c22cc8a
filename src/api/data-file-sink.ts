import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LazyTensor, type Tensor } from '../ir/tensor.js';
import type { StringStringEntryProto } from '../formats/onnx/generated/onnx-types.js';
import { ExternalDataWriter } from '../formats/onnx/external-data.js';

/**
 * The external data file being written during a save, as a temporary file beside its final place.
 * Tensors are streamed one at a time in the order the exporter meets them (each at a 4096-byte aligned
 * offset): read, written, and released again if they were lazy and not loaded before, so the memory
 * held is one tensor's bytes, however large the model.
 */
export class DataFileSink {
  /** Where each tensor went in the file. */
  readonly written = new Map<Tensor, { offset: number; length: number; entries: StringStringEntryProto[] }>();

  private constructor(
    private readonly writer: ExternalDataWriter,
    readonly dir: string,
    /** The final location, relative to `dir` (what the entries say). */
    readonly location: string,
    readonly tempPath: string,
    readonly finalPath: string,
    private readonly external: ReadonlySet<Tensor>,
  ) {}

  static open(dir: string, location: string, external: ReadonlySet<Tensor>): DataFileSink {
    const tempLocation = path.posix.join(path.posix.dirname(location), `.${path.posix.basename(location)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const writer = ExternalDataWriter.open(dir, tempLocation);
    return new DataFileSink(writer, dir, location, path.resolve(dir, tempLocation), path.resolve(dir, location), external);
  }

  get size(): number {
    return this.writer.size;
  }

  /** Writes `t` (once; a tensor shared by two places is stored once) and returns its entries. */
  write(t: Tensor): StringStringEntryProto[] {
    const done = this.written.get(t);
    if (done !== undefined) return done.entries;
    if (!this.external.has(t)) throw new Error('DataFileSink: tensor not planned for external data');
    const wasLoaded = t.isLoaded;
    const entries = this.writer.append(t.bytes()).map((e) => (e.key === 'location' ? { key: 'location', value: this.location } : e));
    if (t instanceof LazyTensor && !wasLoaded) t.release();
    const num = (key: string): number => Number(entries.find((e) => e.key === key)?.value ?? 0);
    this.written.set(t, { offset: num('offset'), length: num('length'), entries });
    return entries;
  }

  close(): void {
    this.writer.close();
  }
}
