/**
 * Strided copies for the movement ops (Transpose, Slice, Expand, Tile, Gather, Concat, Split): an output
 * walked in row-major order reads input offset `base + sum(i_d * step_d)`. `stridedPlan` collapses the walk
 * first (drops size-1 dims, merges neighbours that stay contiguous), so the work is `count` runs of `inner`
 * elements, run k starting at `offs[k]` and stepping by `step`; plans depend on dims only and are memoised.
 *
 * Note [copying words]
 * Copies move storage words, never values: a numeric tensor is read through an unsigned integer view of its
 * bytes (Uint8/16/32Array by element width), so every dtype shares four loop shapes, NaN payloads survive,
 * and int64 is copied as two 32-bit words per element (no BigInt per element). `unit` is the number of
 * words per element (2 for 8-byte types); plans are made in elements and scaled by `unit`.
 */
import type { Tensor } from '../../../tensor.js';

/** Element storage as copyable words: an unsigned integer view, or the string array itself. */
export type Words = Uint8Array | Uint16Array | Uint32Array | string[];

export interface WordView {
  readonly words: Words;
  /** Words per element: 2 for 8-byte types, else 1. */
  readonly unit: 1 | 2;
}

export function wordsOf(t: Tensor): WordView {
  const d = t.data;
  if (Array.isArray(d)) return { words: d, unit: 1 };
  const bytes = d.BYTES_PER_ELEMENT;
  if (bytes === 1) return { words: d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.length), unit: 1 };
  if (bytes === 2) return { words: d instanceof Uint16Array ? d : new Uint16Array(d.buffer, d.byteOffset, d.length), unit: 1 };
  if (bytes === 4) return { words: d instanceof Uint32Array ? d : new Uint32Array(d.buffer, d.byteOffset, d.length), unit: 1 };
  return { words: new Uint32Array(d.buffer, d.byteOffset, d.length * 2), unit: 2 };
}

export interface StridedPlan {
  readonly count: number;
  readonly inner: number;
  readonly step: number;
  readonly offs: Int32Array;
}

/** The runs of an output of `dims` reading `base + sum(i_d * steps[d])` (in words: see the note). */
export function stridedPlan(dims: readonly number[], steps: readonly number[], base = 0, unit: 1 | 2 = 1): StridedPlan {
  const ds: number[] = [];
  const ss: number[] = [];
  let n = 1;
  for (let d = 0; d < dims.length; d++) {
    n *= dims[d]!;
    if (dims[d] === 1) continue;
    const last = ds.length - 1;
    // Merge with the previous dim when stepping over this one whole is one step of the previous.
    if (last >= 0 && ss[last] === steps[d]! * dims[d]!) {
      ds[last]! *= dims[d]!;
      ss[last] = steps[d]!;
    } else {
      ds.push(dims[d]!);
      ss.push(steps[d]!);
    }
  }
  if (unit === 2) {
    // Each element is two consecutive words: a last dim of 2, merged when the elements are contiguous.
    for (let i = 0; i < ss.length; i++) ss[i]! *= 2;
    base *= 2;
    n *= 2;
    const last = ds.length - 1;
    if (last >= 0 && ss[last] === 2) ss[last] = 1, (ds[last]! *= 2);
    else ds.push(2), ss.push(1);
  }
  if (n === 0) return { count: 0, inner: 0, step: 1, offs: new Int32Array(0) };
  if (ds.length === 0) return { count: 1, inner: 1, step: 1, offs: Int32Array.of(base) };
  const g = ds.length - 1;
  const inner = ds[g]!;
  const count = n / inner;
  const offs = new Int32Array(count);
  const c = new Array<number>(g).fill(0);
  let off = base;
  for (let k = 0; k < count; k++) {
    offs[k] = off;
    for (let d = g - 1; d >= 0; d--) {
      off += ss[d]!;
      if (++c[d]! < ds[d]!) break;
      off -= ss[d]! * c[d]!;
      c[d] = 0;
    }
  }
  return { count, inner, step: ss[g]!, offs };
}

/** Writes the runs of `p` read from `src` to `dst` from word `at` on. */
export function runStrided(p: StridedPlan, src: Words, dst: Words, at = 0): void {
  const { count, inner, step, offs } = p;
  const s = src as Uint32Array;
  const o = dst as Uint32Array;
  if (step === 1) {
    for (let k = 0, w = at; k < count; k++, w += inner) copyRun(s, offs[k]!, o, w, inner);
    return;
  }
  if (inner >= 2 * TILE && count >= 2 * TILE) return runTiled(p, s, o, at);
  for (let k = 0, w = at; k < count; k++, w += inner) {
    const b = offs[k]!;
    for (let i = 0; i < inner; i++) o[w + i] = s[b + i * step]!;
  }
}

const TILE = 16;

/**
 * Strided runs (a transpose's reads) over a tile of TILE runs at a time: neighbouring runs usually start
 * at neighbouring words, so the tile's reads share cache lines instead of each run striding the whole
 * input alone.
 */
function runTiled({ count, inner, step, offs }: StridedPlan, s: Uint32Array, o: Uint32Array, at: number): void {
  for (let k0 = 0; k0 < count; k0 += TILE) {
    const k1 = Math.min(count, k0 + TILE);
    for (let i0 = 0; i0 < inner; i0 += 4 * TILE) {
      const i1 = Math.min(inner, i0 + 4 * TILE);
      for (let k = k0; k < k1; k++) {
        const b = offs[k]!;
        const w = at + k * inner;
        for (let i = i0; i < i1; i++) o[w + i] = s[b + i * step]!;
      }
    }
  }
}

/** `dst[to .. to + n) = src[from .. from + n)` (a loop for short runs, `set` for long typed ones). */
export function copyRun(src: Words, from: number, dst: Words, to: number, n: number): void {
  if (n > 64 && !Array.isArray(src)) (dst as Uint32Array).set((src as Uint32Array).subarray(from, from + n), to);
  else {
    const s = src as Uint32Array;
    const o = dst as Uint32Array;
    for (let i = 0; i < n; i++) o[to + i] = s[from + i]!;
  }
}
