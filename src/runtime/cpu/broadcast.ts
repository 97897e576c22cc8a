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
