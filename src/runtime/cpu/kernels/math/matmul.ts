/**
 * MatMul (numpy semantics: batch dims broadcast, 1-D operands promoted) and Gemm. Float32 (and float16,
 * computed in float32) run on the WebAssembly SIMD kernels when they are up, else on the JavaScript
 * `sgemm`; both accumulate in float32 like onnxruntime's MLAS. float64 and the integer types use the
 * blocked i-k-j loop below, accumulating in float64. Both apply a fused activation (`ctx.epilogue`): as a
 * clamp in the WebAssembly epilogue, else over the finished result; MatMul adds a fused bias first (the
 * epilogue's column bias in WebAssembly).
 */
import { withTraits, type KernelContext, type KernelTable } from '../../../kernel.js';
import { isBigType, Tensor, type TensorType } from '../../../tensor.js';
import { broadcastShape, stridesOf } from '../../broadcast.js';
import { isIntegerType, numbersOf, scratchFor, storeNumbers } from '../../numeric.js';
import { memoDims } from '../../shape-memo.js';
import { wasmKernels } from '../../wasm/instance.js';
import { wasmGemm, wasmMatMul } from '../../wasm/ops.js';
import { sgemm } from '../conv/sgemm.js';

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

/** Whether a tensor computes in float32 (float16 is widened to it). */
function isF32(t: Tensor): boolean {
  return t.type === 'float32' || t.type === 'float16';
}

/** The float32 values of a float32 or float16 tensor. */
function f32Of(t: Tensor): Float32Array {
  return numbersOf(t) as Float32Array;
}

/** The output's own float32 buffer, or a scratch one to store from (float16). */
function f32Result(out: Tensor): Float32Array {
  return out.type === 'float32' ? (out.data as Float32Array) : new Float32Array(out.size);
}

/** A MatMul's geometry for one pair of A and B dims (checked): made once per step and dims. */
interface MatMulGeometry {
  m: number;
  n: number;
  k: number;
  outDims: number[];
  /** Element offset of each batch's A and B matrix. */
  ao: Int32Array;
  bo: Int32Array;
}

function matmulGeometry(ctx: KernelContext, aIn: readonly number[], bIn: readonly number[]): MatMulGeometry {
  const aDims = aIn.length === 1 ? [1, aIn[0]!] : [...aIn];
  const bDims = bIn.length === 1 ? [bIn[0]!, 1] : [...bIn];
  const m = aDims[aDims.length - 2]!;
  const k = aDims[aDims.length - 1]!;
  const n = bDims[bDims.length - 1]!;
  if (bDims[bDims.length - 2] !== k) throw ctx.error(`MatMul inner dims differ: [${aIn.join(',')}] x [${bIn.join(',')}]`);
  const batch = broadcastShape(aDims.slice(0, -2), bDims.slice(0, -2));
  if (!batch) throw ctx.error('MatMul batch dims do not broadcast');
  const outDims = [...batch, m, n];
  if (aIn.length === 1) outDims.splice(outDims.length - 2, 1);
  if (bIn.length === 1) outDims.splice(outDims.length - 1, 1);
  return { m, n, k, outDims, ao: batchOffsets(batch, aDims, m * k), bo: batchOffsets(batch, bDims, k * n) };
}

function matmul(ctx: KernelContext): void {
  const A = ctx.input(0);
  const B = ctx.input(1);
  const { m, n, k, outDims, ao, bo } = memoDims(ctx, 'matmul', [A.dims, B.dims], () => matmulGeometry(ctx, A.dims, B.dims));
  const out = ctx.output(0, outDims, A.type);
  matmulInto(ctx, A, B, ao, bo, m, n, k, out);
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

function matmulInto(ctx: KernelContext, A: Tensor, B: Tensor, ao: Int32Array, bo: Int32Array, m: number, n: number, k: number, out: Tensor): void {
  const ep = ctx.epilogue;
  const act = ep?.activation;
  const bias = ep?.bias === undefined ? undefined : ctx.input(ep.bias);
  const total = ao.length;
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
  if (isF32(A) && isF32(B)) {
    const a = f32Of(A);
    const b = f32Of(B);
    const c = f32Result(out);
    const w = wasmKernels();
    if (w) {
      const constant = { a: A.type === 'float32' && ctx.isConstant(0), b: B.type === 'float32' && ctx.isConstant(1), c: bias !== undefined && ctx.isConstant(ep!.bias!) };
      wasmMatMul(w, a, ao, b, bo, c, m, n, k, act?.wasm, constant, bias?.data as Float32Array | undefined);
      if (act !== undefined && act.wasm === undefined) act.apply(c, 0, c.length);
    } else {
      c.fill(0);
      for (let t = 0; t < total; t++) sgemm(a, ao[t]!, b, bo[t]!, c, t * m * n, m, n, k);
      if (bias !== undefined) addRows(c, numbersOf(bias));
      act?.apply(c, 0, c.length);
    }
    storeNumbers(c, out);
    return;
  }
  const a = numbersOf(A);
  const b = numbersOf(B);
  // float64 accumulates in the output itself; integer types in a float64 scratch, then convert.
  const acc = out.type === 'float64' ? (out.data as Float64Array) : new Float64Array(total * m * n);
  acc.fill(0);
  for (let t = 0; t < total; t++) gemmBlock(a, ao[t]!, b, bo[t]!, acc, t * m * n, m, n, k);
  if (ep !== undefined && !isIntegerType(out.type)) {
    if (bias !== undefined) addRows(acc, numbersOf(bias));
    act?.apply(acc, 0, acc.length);
  }
  if (acc === out.data) return;
  const res = scratchFor(out.type, acc.length);
  res.set(acc);
  storeNumbers(res, out);
}

function gemm(ctx: KernelContext): void {
  const A = ctx.input(0);
  const B = ctx.input(1);
  const C = ctx.optionalInput(2);
  const { alpha, beta, ta, tb } = ctx.memo('attrs', () => ({
    alpha: ctx.attrs.float('alpha', 1),
    beta: ctx.attrs.float('beta', 1),
    ta: ctx.attrs.int('transA', 0) !== 0,
    tb: ctx.attrs.int('transB', 0) !== 0,
  }));
  if (A.dims.length !== 2 || B.dims.length !== 2) throw ctx.error(`Gemm needs 2-D A and B, got [${A.dims.join(',')}] and [${B.dims.join(',')}]`);
  const [m, k] = ta ? [A.dims[1]!, A.dims[0]!] : [A.dims[0]!, A.dims[1]!];
  const n = tb ? B.dims[0]! : B.dims[1]!;
  if ((tb ? B.dims[1] : B.dims[0]) !== k) throw ctx.error(`Gemm inner dims differ: [${A.dims.join(',')}] x [${B.dims.join(',')}] (transA=${+ta}, transB=${+tb})`);
  const cd = C === undefined ? undefined : C.dims.length === 0 ? [1, 1] : C.dims.length === 1 ? [1, C.dims[0]!] : C.dims;
  if (cd && (cd.length !== 2 || (cd[0] !== 1 && cd[0] !== m) || (cd[1] !== 1 && cd[1] !== n))) {
    throw ctx.error(`Gemm C [${C!.dims.join(',')}] does not broadcast to [${m},${n}]`);
  }
  const out = ctx.output(0, [m, n], A.type as TensorType);
  if (isF32(A) && isF32(B) && (!C || isF32(C))) {
    const c = f32Result(out);
    const w = wasmKernels();
    const cArg = C && beta !== 0 ? { data: f32Of(C), dims: C.dims } : undefined;
    const act = ctx.epilogue?.activation;
    if (w) {
      const constant = { a: A.type === 'float32' && ctx.isConstant(0), b: B.type === 'float32' && ctx.isConstant(1), c: C?.type === 'float32' && ctx.isConstant(2) };
      wasmGemm(w, { a: f32Of(A), transA: ta, b: f32Of(B), transB: tb, m, n, k, alpha, beta, c: cArg, clamp: act?.wasm, constant }, c);
      if (act !== undefined && act.wasm === undefined) act.apply(c, 0, c.length);
    } else {
      const a = ta ? transposeF32(f32Of(A), A.dims[0]!, A.dims[1]!) : f32Of(A);
      const b = tb ? transposeF32(f32Of(B), B.dims[0]!, B.dims[1]!) : f32Of(B);
      c.fill(0);
      sgemm(a, 0, b, 0, c, 0, m, n, k);
      scaleAdd(c, m, n, alpha, beta, cArg?.data, cd);
      act?.apply(c, 0, c.length);
    }
    storeNumbers(c, out);
    return;
  }
  const a = transposed(numbersOf(A), ta, A.dims[0]!, A.dims[1]!);
  const b = transposed(numbersOf(B), tb, B.dims[0]!, B.dims[1]!);
  const acc = out.type === 'float64' ? (out.data as Float64Array) : new Float64Array(m * n);
  acc.fill(0);
  gemmBlock(a, 0, b, 0, acc, 0, m, n, k);
  scaleAdd(acc, m, n, alpha, beta, C && beta !== 0 ? numbersOf(C) : undefined, cd);
  if (!isIntegerType(out.type)) ctx.epilogue?.activation?.apply(acc, 0, acc.length);
  if (acc === out.data) return;
  const res = scratchFor(out.type, acc.length);
  res.set(acc);
  storeNumbers(res, out);
}

/** y[r, j] += bias[j] over rows of bias.length: a fused bias Add, as the Add kernel computes it. */
function addRows(y: Float32Array | Float64Array, bias: ArrayLike<number>): void {
  const n = bias.length;
  for (let o = 0; o < y.length; o += n) for (let j = 0; j < n; j++) y[o + j] = y[o + j]! + bias[j]!;
}

/**
 * Whether a fused bias fits MatMul's output this run: float32, its dims 1 but the last, which is B's last
 * (an output with more dims than A and B have, or a 1-D B, would change the Add's result shape or axis).
 */
function biasFits(ctx: KernelContext, bias: Tensor): boolean {
  const a = ctx.input(0).dims;
  const b = ctx.input(1).dims;
  const d = bias.dims;
  if (b.length < 2 || a.length < 2 || d.length > Math.max(a.length, b.length) || d.length === 0) return false;
  for (let i = 0; i < d.length - 1; i++) if (d[i] !== 1) return false;
  return d[d.length - 1] === b[b.length - 1];
}

/** acc = alpha * acc + beta * c, c of dims `cd` ([1|m, 1|n]) broadcast. */
function scaleAdd(acc: Float32Array | Float64Array, m: number, n: number, alpha: number, beta: number, c: ArrayLike<number> | undefined, cd: readonly number[] | undefined): void {
  if (alpha !== 1) for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! * alpha;
  if (!c || !cd || beta === 0) return;
  const rs = cd[0] === 1 ? 0 : cd[1]!;
  const cs = cd[1] === 1 ? 0 : 1;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) acc[i * n + j] = acc[i * n + j]! + beta * c[i * rs + j * cs]!;
}

function transposeF32(x: Float32Array, r: number, c: number): Float32Array {
  const y = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[j * r + i] = x[i * c + j]!;
  return y;
}

function transposed(x: ArrayLike<number>, t: boolean, r: number, c: number): ArrayLike<number> {
  if (!t) return x;
  const y = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[j * r + i] = x[i * c + j]!;
  return y;
}

export const matmulKernels: KernelTable = {
  MatMul: withTraits(matmul, { epilogue: true, bias: biasFits, fills: true }),
  Gemm: withTraits(gemm, { epilogue: true, fills: true }),
};
