/**
 * Numpy broadcasting. `broadcastShape` gives the result dims (or throws); `broadcastIndex` maps every
 * output element to the flat index of an input element in one pass (an odometer over the output, no
 * per-element allocation); it returns undefined when the input already has the output's shape.
 */
export function broadcastShape(...shapes: (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      const o = out[j]!;
      if (o === d || d === 1) continue;
      if (o === 1) out[j] = d;
      else return undefined;
    }
  }
  return out;
}

/** Strides of a row-major shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

export function broadcastIndex(outDims: readonly number[], inDims: readonly number[]): Int32Array | undefined {
  if (inDims.length === outDims.length && inDims.every((d, i) => d === outDims[i])) return undefined;
  const rank = outDims.length;
  const n = outDims.reduce((a, b) => a * b, 1);
  const map = new Int32Array(n);
  if (n === 0) return map;
  // Input strides aligned to the output's rank, 0 along broadcast dims.
  const inStrides = new Array<number>(rank).fill(0);
  const own = stridesOf(inDims);
  for (let i = 0; i < inDims.length; i++) {
    const j = rank - inDims.length + i;
    inStrides[j] = inDims[i] === 1 ? 0 : own[i]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    map[k] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      off += inStrides[d]!;
      if (counter[d]! < outDims[d]!) break;
      off -= inStrides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return map;
}

/**
 * A two-input broadcast as runs of contiguous output: `count` runs of `inner` elements each; run k writes
 * output offset k * inner and reads `a` from `aOff[k]` stepping by `aStep` (1, or 0 where `a` is broadcast
 * along the run), and `b` likewise. Dims of size 1 are dropped and neighbours broadcast the same way are
 * merged first, so the common cases are one run (same shape, scalar) or one run per row / channel plane
 * (a last-axis vector, a per-channel [C,1,1] operand). Depends on dims only: callers may memoise it.
 */
export interface BroadcastBlocks {
  readonly inner: number;
  readonly count: number;
  readonly aStep: 0 | 1;
  readonly bStep: 0 | 1;
  readonly aOff: Int32Array;
  readonly bOff: Int32Array;
}

export function broadcastBlocks(outDims: readonly number[], aDims: readonly number[], bDims: readonly number[]): BroadcastBlocks {
  const rank = outDims.length;
  // Merged dims of the output, each with whether a and b vary along it.
  const sizes: number[] = [];
  const av: boolean[] = [];
  const bv: boolean[] = [];
  let n = 1;
  for (let d = 0; d < rank; d++) {
    const o = outDims[d]!;
    n *= o;
    if (o === 1) continue;
    const ea = (aDims[d - rank + aDims.length] ?? 1) !== 1;
    const eb = (bDims[d - rank + bDims.length] ?? 1) !== 1;
    const last = sizes.length - 1;
    if (last >= 0 && av[last] === ea && bv[last] === eb) sizes[last]! *= o;
    else {
      sizes.push(o);
      av.push(ea);
      bv.push(eb);
    }
  }
  if (sizes.length === 0 || n === 0) {
    const one = new Int32Array(n === 0 ? 0 : 1);
    return { inner: n === 0 ? 0 : 1, count: n === 0 ? 0 : 1, aStep: 1, bStep: 1, aOff: one, bOff: one };
  }
  const g = sizes.length - 1;
  const inner = sizes[g]!;
  // Strides of each merged dim inside a's and b's own (compact) layouts, 0 where broadcast.
  const as = new Array<number>(g + 1).fill(0);
  const bs = new Array<number>(g + 1).fill(0);
  for (let i = g, sa = 1, sb = 1; i >= 0; i--) {
    if (av[i]) (as[i] = sa), (sa *= sizes[i]!);
    if (bv[i]) (bs[i] = sb), (sb *= sizes[i]!);
  }
  const count = n / inner;
  const aOff = new Int32Array(count);
  const bOff = new Int32Array(count);
  const c = new Array<number>(g).fill(0);
  let oa = 0;
  let ob = 0;
  for (let k = 0; k < count; k++) {
    aOff[k] = oa;
    bOff[k] = ob;
    for (let d = g - 1; d >= 0; d--) {
      oa += as[d]!;
      ob += bs[d]!;
      if (++c[d]! < sizes[d]!) break;
      oa -= as[d]! * c[d]!;
      ob -= bs[d]! * c[d]!;
      c[d] = 0;
    }
  }
  return { inner, count, aStep: av[g] ? 1 : 0, bStep: bv[g] ? 1 : 0, aOff, bOff };
}
