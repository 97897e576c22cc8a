// A bump allocator over linear memory for one kernel call's operands and scratch: the JS side calls
// `reset` before each call and `alloc` per buffer; nothing is ever freed individually. `setFloor` pins
// the bytes below a floor: `reset` restarts above it, so a caller may keep data there across calls
// (wasm/ops.ts keeps constant weights in [scratchBase(), floor)). Memory grows on
// demand and never shrinks. Every block is 16-byte aligned and followed by SLACK spare bytes, so the
// vector loops may read (never write) a few lanes past a row's end; see Note [over-read lanes] in sgemm.ts.

export const SLACK: usize = 64;

let top: usize = 0;
let pinned: usize = 0;

function base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Where the first block goes when no floor is set (16-byte aligned). */
export function scratchBase(): usize {
  return base();
}

/** Frees every block above the floor. */
export function reset(): void {
  top = max(base(), pinned);
}

/**
 * Scratch blocks (after `reset`) start at or above `bytes` (rounded up to 16), and memory grows to hold
 * everything below it. Returns 0, or -1 when memory cannot grow that far (the floor is then unchanged).
 * Takes effect at the next `reset`.
 */
export function setFloor(bytes: usize): i32 {
  const want = (bytes + 15) & ~(<usize>15);
  const have = (<usize>memory.size()) << 16;
  if (want > have && memory.grow(<i32>((want - have + 0xffff) >> 16)) < 0) return -1;
  pinned = want;
  return 0;
}

/** The floor `setFloor` set (0: none). */
export function floor(): usize {
  return pinned;
}

/** The allocator's position, for `release`. */
export function mark(): usize {
  return top;
}

/** Frees every block allocated since `mark` returned `m`. */
export function release(m: usize): void {
  top = m;
}

/** A block of `bytes` bytes (contents unspecified), or 0 when memory cannot grow that far. */
export function alloc(bytes: usize): usize {
  if (top == 0) reset();
  const p = top;
  const end = (p + bytes + SLACK + 15) & ~(<usize>15);
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = end;
  return p;
}

/** Zeroes `n` floats at `p`. */
export function zero(p: usize, n: i32): void {
  memory.fill(p, 0, (<usize>n) << 2);
}

/** Copies `n` floats from `src` to `dst` (non-overlapping). */
@inline
export function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}
