/**
 * The memory plan's buffers for one input signature. Kernels allocate outputs through `allocate`; when the
 * execution plan says a slot is dead, `release` returns its buffer to a free list keyed by byte length, and
 * the next output of that size reuses it. The arena outlives a run, so repeated runs with the same input
 * shapes allocate nothing for intermediates. Graph outputs always get fresh buffers (the caller keeps them).
 * `takeOver` hands the buffer of an input that dies at a step to that step's output (in-place elementwise
 * ops, see Note [in-place steps] in plan.ts).
 */
import { allocData, bytesPerElement, isBigType, sizeOf, Tensor, viewData, type TensorType } from './tensor.js';

export interface MemoryStats {
  /** Buffers newly allocated during the last run. */
  allocated: number;
  /** Outputs that reused a released buffer, or took over a dying input's buffer, during the last run. */
  reused: number;
}

export class Arena {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** The buffer each slot holds, by slot (an array: slots are small dense integers). */
  private readonly owned: (ArrayBuffer | undefined)[];
  /**
   * The tensor last made for each slot. A run with the signature of the last one hands each slot the same
   * buffer again (the plan allocates and releases in the same order), so the same tensor object serves:
   * intermediates never outlive their run, so nothing sees the object change hands.
   */
  private readonly made: (Tensor | undefined)[];
  stats: MemoryStats = { allocated: 0, reused: 0 };

  /** `slotCount`: the plan's, so the slot tables start at their full size. */
  constructor(slotCount = 0) {
    this.owned = new Array<ArrayBuffer | undefined>(slotCount).fill(undefined);
    this.made = new Array<Tensor | undefined>(slotCount).fill(undefined);
  }

  beginRun(): void {
    this.stats = { allocated: 0, reused: 0 };
  }

  /**
   * An output buffer for `slot`. `pooled` false: a fresh array the arena forgets (graph outputs, cached
   * values). `zero` false: a reused buffer keeps its old bytes (for kernels that write every element).
   */
  allocate(slot: number, dims: readonly number[], type: TensorType, pooled: boolean, zero = true): Tensor {
    const n = sizeOf(dims);
    if (type === 'string' || !pooled || n === 0) return new Tensor(type, allocData(type, n), dims);
    const bytes = n * bytesPerElement(type);
    const list = this.free.get(bytes);
    const reused = list === undefined ? undefined : list.pop();
    let buf: ArrayBuffer;
    if (reused !== undefined) {
      this.stats.reused++;
      buf = reused;
    } else {
      buf = new ArrayBuffer(bytes);
      this.stats.allocated++;
    }
    this.owned[slot] = buf;
    const t = this.tensorFor(slot, buf, dims, type, n);
    if (zero && reused !== undefined) {
      if (isBigType(type)) (t.data as BigInt64Array).fill(0n);
      else (t.data as Float32Array).fill(0);
    }
    return t;
  }

  private tensorFor(slot: number, buf: ArrayBuffer, dims: readonly number[], type: TensorType, n: number): Tensor {
    const last = this.made[slot];
    if (last !== undefined && last.type === type && (last.data as Float32Array).buffer === buf && sameDims(last.dims, dims)) return last;
    return (this.made[slot] = new Tensor(type, viewData(type as Exclude<TensorType, 'string'>, buf, n), dims));
  }

  /**
   * Moves the buffer held by `from` (an input dying at this step) to `to`, as a tensor of `dims` and
   * `type`, when it is one of this arena's buffers of exactly that byte length; undefined otherwise.
   */
  takeOver(from: number, to: number, dims: readonly number[], type: TensorType): Tensor | undefined {
    const buf = this.owned[from];
    if (buf === undefined || type === 'string') return undefined;
    const n = sizeOf(dims);
    if (n === 0 || buf.byteLength !== n * bytesPerElement(type)) return undefined;
    this.owned[from] = undefined;
    this.owned[to] = buf;
    this.stats.reused++;
    return this.tensorFor(to, buf, dims, type, n);
  }

  /** Whether `slot` holds a buffer of this arena (identity, for tests). */
  bufferOf(slot: number): ArrayBuffer | undefined {
    return this.owned[slot];
  }

  release(slot: number): void {
    const buf = this.owned[slot];
    if (buf === undefined) return;
    this.owned[slot] = undefined;
    let list = this.free.get(buf.byteLength);
    if (!list) this.free.set(buf.byteLength, (list = []));
    list.push(buf);
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
