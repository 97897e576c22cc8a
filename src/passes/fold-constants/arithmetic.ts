/**
 * Elementwise float arithmetic on constants, for fold-constants: what importers leave when a framework
 * computes a weight from other weights (Keras' inference BatchNormalization is `gamma * rsqrt(var + eps)`
 * over variables; folding it gives the one per-channel scale the transpose optimizer can permute).
 * Only the correctly rounded IEEE operations (+ - * / sqrt, negation, reciprocal, abs) are folded, so the
 * result is bit-identical to what a runtime computes: each is done in double and rounded once to float32,
 * which for these operations equals the float32 operation. Transcendentals (exp, tanh...) differ between
 * math libraries and are left to the runtime.
 */
import { DataType, type TypedArray } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import { ArrayTensor, type Tensor } from '../../ir/tensor.js';

type Folder = (node: Node, inputs: readonly (Tensor | undefined)[]) => Tensor | undefined;

const FLOAT_ARRAYS: Partial<Record<DataType, (n: number) => Float32Array | Float64Array>> = {
  [DataType.FLOAT]: (n) => new Float32Array(n),
  [DataType.DOUBLE]: (n) => new Float64Array(n),
};

function unary(f: (x: number) => number): Folder {
  return (_node, [x]) => {
    const make = x === undefined ? undefined : FLOAT_ARRAYS[x.dtype];
    if (x === undefined || make === undefined) return undefined;
    const src = x.toArray() as Float32Array | Float64Array;
    const out = make(x.size);
    for (let i = 0; i < out.length; i++) out[i] = f(src[i]!);
    return new ArrayTensor(x.dtype, x.dims, out);
  };
}

/** numpy broadcasting of two shapes; undefined when they do not broadcast. */
function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** For each output element, the index of the element of an input of `dims` that it reads. */
function sourceIndex(dims: readonly number[], out: readonly number[]): Int32Array {
  const rank = out.length;
  const padded = [...Array<number>(rank - dims.length).fill(1), ...dims];
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d]!;
  }
  const total = out.reduce((p, q) => p * q, 1);
  const idx = new Int32Array(total);
  const pos = new Array<number>(rank).fill(0);
  let from = 0;
  for (let o = 0; o < total; o++) {
    idx[o] = from;
    for (let d = rank - 1; d >= 0; d--) {
      if (++pos[d]! < out[d]!) {
        from += strides[d]!;
        break;
      }
      from -= strides[d]! * (out[d]! - 1);
      pos[d] = 0;
    }
  }
  return idx;
}

function binary(f: (a: number, b: number) => number): Folder {
  return (_node, [a, b]) => {
    if (a === undefined || b === undefined || a.dtype !== b.dtype) return undefined;
    const make = FLOAT_ARRAYS[a.dtype];
    const dims = broadcastDims(a.dims, b.dims);
    if (make === undefined || dims === undefined) return undefined;
    const size = dims.reduce((p, q) => p * q, 1);
    // Broadcasting a small constant into a big one would make the model larger, not smaller.
    if (size > Math.max(a.size, b.size)) return undefined;
    const [x, y] = [a.toArray(), b.toArray()] as [TypedArray, TypedArray];
    const [ia, ib] = [sourceIndex(a.dims, dims), sourceIndex(b.dims, dims)];
    const out = make(size);
    for (let i = 0; i < size; i++) out[i] = f(x[ia[i]!] as number, y[ib[i]!] as number);
    return new ArrayTensor(a.dtype, dims, out);
  };
}

export const ARITHMETIC_FOLDERS: Readonly<Record<string, Folder>> = {
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((x) => 1 / x),
  Neg: unary((x) => -x),
  Abs: unary(Math.abs),
};
