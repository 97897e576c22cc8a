/**
 * MatMul (numpy semantics: batch dims broadcast, 1-D operands promoted) and Gemm. The inner product is a
 * blocked i-k-j loop over float64/float32 rows so the innermost loop streams contiguous memory.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType, Tensor, type TensorType } from '../../../tensor.js';
import { broadcastShape, stridesOf } from '../../broadcast.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

const BLOCK = 64;

/** c[m x n] += a[m x k] * b[k x n], row-major, with offsets into each array. */
export function gemmBlock(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, c: { [i: number]: number }, co: number,
  m: number, n: number, k: number,
): void {
  for (let k0 = 0; k0 < k; k0 += BLOCK) {
    const k1 = Math.min(k, k0 + BLOCK);
    for (let i = 0; i < m; i++) {
      const crow = co + i * n;
      for (let p = k0; p < k1; p++) {
        const av = a[ao + i * k + p]!;
        if (av === 0) continue;
        const brow = bo + p * n;
        for (let j = 0; j < n; j++) c[crow + j] = c[crow + j]! + av * b[brow + j]!;
      }
    }
  }
}

function matmul(ctx: KernelContext): void {
  const A = ctx.input(0);
  const B = ctx.input(1);
  const aDims = A.dims.length === 1 ? [1, A.dims[0]!] : [...A.dims];
  const bDims = B.dims.length === 1 ? [B.dims[0]!, 1] : [...B.dims];
  const m = aDims[aDims.length - 2]!;
  const k = aDims[aDims.length - 1]!;
  const n = bDims[bDims.length - 1]!;
  if (bDims[bDims.length - 2] !== k) throw ctx.error(`MatMul inner dims differ: [${A.dims.join(',')}] x [${B.dims.join(',')}]`);
  const batch = broadcastShape(aDims.slice(0, -2), bDims.slice(0, -2));
  if (!batch) throw ctx.error('MatMul batch dims do not broadcast');
  const outDims = [...batch, m, n];
  if (A.dims.length === 1) outDims.splice(outDims.length - 2, 1);
  if (B.dims.length === 1) outDims.splice(outDims.length - 1, 1);
  const out = ctx.output(0, outDims, A.type);
  matmulInto(A, B, aDims, bDims, batch, m, n, k, out);
}

function batchOffsets(batch: readonly number[], dims: readonly number[], matSize: number): Int32Array {
  const bd = dims.slice(0, -2);
  const total = batch.reduce((p, q) => p * q, 1);
  const offs = new Int32Array(total);
  const s = stridesOf(bd);
  for (let t = 0; t < total; t++) {
    let rem = t;
    let off = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const c = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      const j = d - (batch.length - bd.length);
      if (j >= 0 && bd[j]! !== 1) off += c * s[j]!;
    }
    offs[t] = off * matSize;
  }
  return offs;
}

function matmulInto(A: Tensor, B: Tensor, aDims: number[], bDims: number[], batch: number[], m: number, n: number, k: number, out: Tensor): void {
  const total = batch.reduce((p, q) => p * q, 1);
  const ao = batchOffsets(batch, aDims, m * k);
  const bo = batchOffsets(batch, bDims, k * n);
  if (isBigType(out.type)) {
    const a = A.data as BigInt64Array;
    const b = B.data as BigInt64Array;
    const c = out.data as BigInt64Array;
    for (let t = 0; t < total; t++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0n;
          for (let p = 0; p < k; p++) s += a[ao[t]! + i * k + p]! * b[bo[t]! + p * n + j]!;
          c[t * m * n + i * n + j] = BigInt.asIntN(64, s);
        }
    return;
  }
  const a = numbersOf(A);
  const b = numbersOf(B);
  const acc = new Float64Array(total * m * n);
  for (let t = 0; t < total; t++) gemmBlock(a, ao[t]!, b, bo[t]!, acc, t * m * n, m, n, k);
  const res = scratchFor(out.type, acc.length);
  res.set(acc);
  storeNumbers(res, out);
}

function gemm(ctx: KernelContext): void {
  const A = ctx.input(0);
  const B = ctx.input(1);
  const C = ctx.optionalInput(2);
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  const ta = ctx.attrs.int('transA', 0) !== 0;
  const tb = ctx.attrs.int('transB', 0) !== 0;
  const [m, k] = ta ? [A.dims[1]!, A.dims[0]!] : [A.dims[0]!, A.dims[1]!];
  const n = tb ? B.dims[0]! : B.dims[1]!;
  const a = transposed(numbersOf(A), ta, A.dims[0]!, A.dims[1]!);
  const b = transposed(numbersOf(B), tb, B.dims[0]!, B.dims[1]!);
  const acc = new Float64Array(m * n);
  gemmBlock(a, 0, b, 0, acc, 0, m, n, k);
  for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! * alpha;
  if (C && beta !== 0) {
    const c = numbersOf(C);
    const cd = C.dims.length === 0 ? [1, 1] : C.dims.length === 1 ? [1, C.dims[0]!] : C.dims;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) acc[i * n + j] = acc[i * n + j]! + beta * c[(cd[0] === 1 ? 0 : i) * cd[1]! + (cd[1] === 1 ? 0 : j)]!;
  }
  const out = ctx.output(0, [m, n], A.type as TensorType);
  const res = scratchFor(out.type, acc.length);
  res.set(acc);
  storeNumbers(res, out);
}

function transposed(x: ArrayLike<number>, t: boolean, r: number, c: number): ArrayLike<number> {
  if (!t) return x;
  const y = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[j * r + i] = x[i * c + j]!;
  return y;
}

export const matmulKernels: KernelTable = { MatMul: matmul, Gemm: gemm };
