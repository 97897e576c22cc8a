/**
 * The memory plan's buffers for one input signature. Kernels allocate outputs through `allocate`; when the
 * execution plan says a slot is dead, `release` returns its buffer to a free list keyed by byte length, and
 * the next output of that size reuses it. The arena outlives a run, so repeated runs with the same input
 * shapes allocate nothing for intermediates. Graph outputs always get fresh buffers (the caller keeps them).
 */
import { allocData, bytesPerElement, sizeOf, Tensor, viewData, type TensorType } from './tensor.js';

export interface MemoryStats {
  /** Buffers newly allocated during the last run. */
  allocated: number;
  /** Outputs that reused a released buffer during the last run. */
  reused: number;
}

export class Arena {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly owned = new Map<number, ArrayBuffer>();
  stats: MemoryStats = { allocated: 0, reused: 0 };

  beginRun(): void {
    this.stats = { allocated: 0, reused: 0 };
  }

  allocate(slot: number, dims: readonly number[], type: TensorType, pooled: boolean): Tensor {
    const n = sizeOf(dims);
    if (type === 'string' || !pooled || n === 0) return new Tensor(type, allocData(type, n), dims);
    const bytes = n * bytesPerElement(type);
    const list = this.free.get(bytes);
    let buf = list?.pop();
    if (buf) {
      new Uint8Array(buf).fill(0);
      this.stats.reused++;
    } else {
      buf = new ArrayBuffer(bytes);
      this.stats.allocated++;
    }
    this.owned.set(slot, buf);
    return new Tensor(type, viewData(type, buf, n), dims);
  }

  /** Whether `slot` holds a buffer of this arena (identity, for tests). */
  bufferOf(slot: number): ArrayBuffer | undefined {
    return this.owned.get(slot);
  }

  release(slot: number): void {
    const buf = this.owned.get(slot);
    if (!buf) return;
    this.owned.delete(slot);
    let list = this.free.get(buf.byteLength);
    if (!list) this.free.set(buf.byteLength, (list = []));
    list.push(buf);
  }
}
