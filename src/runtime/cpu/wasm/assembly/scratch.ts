// A bump allocator over linear memory for one kernel call's operands and scratch: the JS side calls
// `reset` before each call and `alloc` per buffer; nothing is ever freed individually. Memory grows on
// demand and never shrinks. Every block is 16-byte aligned and followed by SLACK spare bytes, so the
// vector loops may read (never write) a few lanes past a row's end; see Note [over-read lanes] in sgemm.ts.

export const SLACK: usize = 64;

let top: usize = 0;

function base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Frees every block. */
export function reset(): void {
  top = base();
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
  if (top == 0) top = base();
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
