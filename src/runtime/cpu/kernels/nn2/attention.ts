/** Attention (opset 23/24) and RotaryEmbedding, following the ONNX reference semantics. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, intsOf, scratchFor, storeNumbers } from '../../numeric.js';

/** [B, S, heads*H] (3-D) or [B, heads, S, H] (4-D) as a [B, heads, S, H] Float64Array. */
function toBhsd(xs: ArrayLike<number>, dims: readonly number[], heads: number): { data: Float64Array; h: number; s: number } {
  const b = dims[0]!;
  if (dims.length === 4) return { data: Float64Array.from(xs), h: dims[3]!, s: dims[2]! };
  const s = dims[1]!;
  const h = dims[2]! / heads;
  const out = new Float64Array(xs.length);
  for (let bi = 0; bi < b; bi++)
    for (let si = 0; si < s; si++)
      for (let hd = 0; hd < heads; hd++)
        for (let k = 0; k < h; k++) out[((bi * heads + hd) * s + si) * h + k] = xs[((bi * s + si) * heads + hd) * h + k]!;
  return { data: out, h, s };
}

/** Concatenates past [B, N, P, H] and current [B, N, S, H] along the sequence axis. */
function concatSeq(past: ArrayLike<number> | undefined, p: number, cur: Float64Array, s: number, bn: number, h: number): Float64Array {
  const out = new Float64Array(bn * (p + s) * h);
  for (let i = 0; i < bn; i++) {
    for (let j = 0; j < p * h; j++) out[i * (p + s) * h + j] = past![i * p * h + j]!;
    out.set(cur.subarray(i * s * h, (i + 1) * s * h), i * (p + s) * h + p * h);
  }
  return out;
}

function attention(ctx: KernelContext): void {
  const q = ctx.input(0);
  const k = ctx.input(1);
  const v = ctx.input(2);
  const maskT = ctx.optionalInput(3);
  const pastK = ctx.optionalInput(4);
  const pastV = ctx.optionalInput(5);
  const nonpad = ctx.optionalInput(6);
  const rank = q.dims.length;
  const batch = q.dims[0]!;
  const qHeads = rank === 4 ? q.dims[1]! : ctx.attrs.int('q_num_heads');
  const kvHeads = rank === 4 ? k.dims[1]! : ctx.attrs.int('kv_num_heads');
  if (qHeads % kvHeads !== 0) throw ctx.error(`q_num_heads ${qHeads} is not a multiple of kv_num_heads ${kvHeads}`);
  const Q = toBhsd(numbersOf(q), q.dims, qHeads);
  const K0 = toBhsd(numbersOf(k), k.dims, kvHeads);
  const V0 = toBhsd(numbersOf(v), v.dims, kvHeads);
  const hq = Q.h;
  const hv = V0.h;
  const sq = Q.s;
  const past = pastK ? pastK.dims[2]! : 0;
  const L = past + K0.s;
  const K = concatSeq(pastK ? numbersOf(pastK) : undefined, past, K0.data, K0.s, batch * kvHeads, hq);
  const V = concatSeq(pastV ? numbersOf(pastV) : undefined, past, V0.data, V0.s, batch * kvHeads, hv);
  const scale = ctx.attrs.has('scale') ? ctx.attrs.float('scale') : 1 / Math.sqrt(hq);
  const softcap = ctx.attrs.float('softcap', 0);
  const causal = ctx.attrs.int('is_causal', 0) !== 0;
  const mode = ctx.attrs.int('qk_matmul_output_mode', 0);

  // The additive bias over [B, qHeads, Sq, L]: the mask (right-aligned broadcast, padded past its last dim
  // with -inf / false), the causal triangle, and the non-padded kv lengths.
  const mdims = maskT?.dims ?? [];
  const mvals = maskT ? numbersOf(maskT) : undefined;
  const mBool = maskT?.type === 'bool';
  const mLast = mdims[mdims.length - 1] ?? 0;
  const m4 = [1, 1, 1, 1].map((one, i) => mdims[i - (4 - mdims.length)] ?? one);
  const m4s = [m4[1]! * m4[2]! * m4[3]!, m4[2]! * m4[3]!, m4[3]!];
  const lens = nonpad ? intsOf(nonpad) : undefined;
  const biasAt = (b: number, hd: number, i: number, j: number): number => {
    let bias = 0;
    if (mvals) {
      if (j >= mLast) bias = -Infinity;
      else {
        const at = (m4[0] === 1 ? 0 : b) * m4s[0]! + (m4[1] === 1 ? 0 : hd) * m4s[1]! + (m4[2] === 1 ? 0 : i) * m4s[2]! + j;
        const mv = mvals[at]!;
        bias = mBool ? (mv ? 0 : -Infinity) : mv;
      }
    }
    if (causal && j >= past && j - past > i) bias += -Infinity;
    if (lens && !(j < lens[b]!)) bias += -Infinity;
    return bias;
  };

  const outY = new Float64Array(batch * qHeads * sq * hv);
  const qkOut = ctx.hasOutput(3) ? new Float64Array(batch * qHeads * sq * L) : undefined;
  const row = new Float64Array(L);
  const raw = new Float64Array(L);
  const group = qHeads / kvHeads;
  for (let b = 0; b < batch; b++) {
    for (let hd = 0; hd < qHeads; hd++) {
      const kvh = b * kvHeads + Math.floor(hd / group);
      for (let i = 0; i < sq; i++) {
        const qOff = ((b * qHeads + hd) * sq + i) * hq;
        let mx = -Infinity;
        for (let j = 0; j < L; j++) {
          let s = 0;
          const kOff = (kvh * L + j) * hq;
          for (let d = 0; d < hq; d++) s += Q.data[qOff + d]! * K[kOff + d]!;
          s *= scale;
          if (softcap > 0) s = Math.tanh(s / softcap) * softcap;
          raw[j] = s;
          const w = s + biasAt(b, hd, i, j);
          row[j] = w;
          if (w > mx) mx = w;
        }
        let sum = 0;
        for (let j = 0; j < L; j++) {
          row[j] = Math.exp(row[j]! - mx);
          sum += row[j]!;
        }
        const oOff = ((b * qHeads + hd) * sq + i) * L;
        for (let j = 0; j < L; j++) {
          const p = row[j]! / sum;
          if (qkOut) qkOut[oOff + j] = mode === 3 ? p : mode === 2 ? raw[j]! + biasAt(b, hd, i, j) : raw[j]!;
          row[j] = p;
        }
        const yOff = ((b * qHeads + hd) * sq + i) * hv;
        for (let j = 0; j < L; j++) {
          const p = row[j]!;
          const vOff = (kvh * L + j) * hv;
          for (let d = 0; d < hv; d++) outY[yOff + d] = outY[yOff + d]! + p * V[vOff + d]!;
        }
      }
    }
  }
  let y: Float64Array = outY;
  let yDims = [batch, qHeads, sq, hv];
  if (rank === 3) {
    y = new Float64Array(outY.length);
    for (let b = 0; b < batch; b++)
      for (let hd = 0; hd < qHeads; hd++)
        for (let i = 0; i < sq; i++)
          for (let d = 0; d < hv; d++) y[((b * sq + i) * qHeads + hd) * hv + d] = outY[((b * qHeads + hd) * sq + i) * hv + d]!;
    yDims = [batch, sq, qHeads * hv];
  }
  storeNumbers(y, ctx.output(0, yDims, q.type));
  if (ctx.hasOutput(1)) storeNumbers(K, ctx.output(1, [batch, kvHeads, L, hq], q.type));
  if (ctx.hasOutput(2)) storeNumbers(V, ctx.output(2, [batch, kvHeads, L, hv], q.type));
  if (qkOut) storeNumbers(qkOut, ctx.output(3, [batch, qHeads, sq, L], q.type));
}

function rotaryEmbedding(ctx: KernelContext): void {
  const x = ctx.input(0);
  const cosT = ctx.input(1);
  const sinT = ctx.input(2);
  const posT = ctx.optionalInput(3);
  const interleaved = ctx.attrs.int('interleaved', 0) !== 0;
  const rank = x.dims.length;
  const batch = x.dims[0]!;
  // Work in [B, S, N, H] index terms; 4-D input is [B, N, S, H].
  const seq = rank === 4 ? x.dims[2]! : x.dims[1]!;
  const heads = rank === 4 ? x.dims[1]! : ctx.attrs.int('num_heads');
  const head = rank === 4 ? x.dims[3]! : x.dims[2]! / heads;
  let rot = ctx.attrs.int('rotary_embedding_dim', 0);
  if (rot === 0) rot = head;
  const half = rot / 2;
  if (cosT.dims[cosT.dims.length - 1] !== half) throw ctx.error(`cos_cache last dim must be ${half}`);
  const cos = numbersOf(cosT);
  const sin = numbersOf(sinT);
  const pos = posT ? intsOf(posT) : undefined;
  const xs = numbersOf(x);
  const ys = scratchFor(x.type, x.size);
  const at = (b: number, s: number, n: number, d: number): number =>
    rank === 4 ? ((b * heads + n) * seq + s) * head + d : ((b * seq + s) * heads + n) * head + d;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      // Without position ids the caches are [B, S, half] indexed directly.
      const cacheRow = pos ? pos[b * seq + s]! * half : (b * seq + s) * half;
      for (let n = 0; n < heads; n++) {
        for (let i = 0; i < half; i++) {
          const i1 = interleaved ? 2 * i : i;
          const i2 = interleaved ? 2 * i + 1 : i + half;
          const x1 = xs[at(b, s, n, i1)]!;
          const x2 = xs[at(b, s, n, i2)]!;
          const c = cos[cacheRow + i]!;
          const sn = sin[cacheRow + i]!;
          ys[at(b, s, n, i1)] = c * x1 - sn * x2;
          ys[at(b, s, n, i2)] = sn * x1 + c * x2;
        }
        for (let d = rot; d < head; d++) ys[at(b, s, n, d)] = xs[at(b, s, n, d)]!;
      }
    }
  }
  storeNumbers(ys, ctx.output(0, x.dims, x.type));
}

export const attentionKernels: KernelTable = {
  Attention: attention,
  RotaryEmbedding: rotaryEmbedding,
};
