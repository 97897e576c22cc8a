/** ai.onnx.preview FlexAttention: softmax attention with optional score_mod / prob_mod subgraphs and GQA. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { tensorTypeOf, type TensorType } from '../../../tensor.js';
import type { DataType } from '../../../../ir/dtype.js';
import { numbersOf, storeNumbers, tensorFromNumbers } from '../../numeric.js';

/** float16 (and narrower) scores promote to float32; float32/float64 stay; softmax_precision overrides. */
function computeType(ctx: KernelContext, input: TensorType): TensorType {
  if (ctx.attrs.has('softmax_precision')) {
    const t = tensorTypeOf(ctx.attrs.int('softmax_precision') as DataType);
    if (t !== 'float32' && t !== 'float16' && t !== 'float64') throw ctx.error('FlexAttention: unsupported softmax_precision');
    return t;
  }
  return input === 'float64' ? 'float64' : 'float32';
}

function flexAttention(ctx: KernelContext): void {
  const q = ctx.input(0);
  const k = ctx.input(1);
  const v = ctx.input(2);
  if (q.dims.length !== 4 || k.dims.length !== 4 || v.dims.length !== 4) throw ctx.error('FlexAttention requires rank-4 inputs');
  const [b = 0, hq = 0, l = 0, e = 0] = q.dims;
  const [, hkv = 0, s = 0, ek = 0] = k.dims;
  const [, hv = 0, sv = 0, ev = 0] = v.dims;
  if (hkv !== hv || sv !== s || ek !== e) throw ctx.error('FlexAttention: inconsistent key/value shapes');
  if (hkv <= 0 || hq % hkv !== 0) throw ctx.error('FlexAttention: q heads must be a multiple of kv heads');
  const group = hq / hkv;
  const scale = ctx.attrs.has('scale') ? ctx.attrs.float('scale') : 1 / Math.sqrt(e);
  // The reference pre-scales Q and K by sqrt(scale) in the input type, rounding each product.
  const sqrtScale = Math.sqrt(Math.fround(scale));
  const round = (vals: ArrayLike<number>): ArrayLike<number> => {
    const scaled = new Float64Array(vals.length);
    for (let i = 0; i < vals.length; i++) scaled[i] = vals[i]! * sqrtScale;
    return numbersOf(tensorFromNumbers(q.type, [scaled.length], scaled));
  };
  const qs = round(numbersOf(q));
  const ks = round(numbersOf(k));
  const vs = numbersOf(v);
  const ct = computeType(ctx, q.type);
  const scoreVals = new Float64Array(b * hq * l * s);
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < hq; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < l; i++) {
        const qOff = ((bi * hq + h) * l + i) * e;
        for (let j = 0; j < s; j++) {
          const kOff = ((bi * hkv + kh) * s + j) * e;
          let acc = 0;
          for (let d = 0; d < e; d++) acc += qs[qOff + d]! * ks[kOff + d]!;
          scoreVals[((bi * hq + h) * l + i) * s + j] = acc;
        }
      }
    }
  }
  let scores = tensorFromNumbers(ct, [b, hq, l, s], scoreVals);
  const scoreMod = ctx.attrs.graph('score_mod');
  if (scoreMod) {
    const r = ctx.runGraph(scoreMod, [scores])[0];
    if (!r) throw ctx.error('FlexAttention: score_mod must produce one output');
    scores = tensorFromNumbers(ct, [b, hq, l, s], numbersOf(r));
  }
  const sc = numbersOf(scores);
  const probVals = new Float64Array(sc.length);
  for (let row = 0; row < b * hq * l; row++) {
    const o = row * s;
    let max = -Infinity;
    for (let j = 0; j < s; j++) max = Math.max(max, sc[o + j]!);
    let sum = 0;
    for (let j = 0; j < s; j++) {
      const ex = Math.exp(sc[o + j]! - max);
      probVals[o + j] = ex;
      sum += ex;
    }
    for (let j = 0; j < s; j++) probVals[o + j] = probVals[o + j]! / sum;
  }
  let probs = tensorFromNumbers(ct, [b, hq, l, s], probVals);
  const probMod = ctx.attrs.graph('prob_mod');
  if (probMod) {
    const r = ctx.runGraph(probMod, [probs])[0];
    if (!r) throw ctx.error('FlexAttention: prob_mod must produce one output');
    probs = tensorFromNumbers(ct, [b, hq, l, s], numbersOf(r));
  }
  const ps = numbersOf(probs);
  const out = new Float64Array(b * hq * l * ev);
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < hq; h++) {
      const vh = Math.floor(h / group);
      for (let i = 0; i < l; i++) {
        const pOff = ((bi * hq + h) * l + i) * s;
        const oOff = ((bi * hq + h) * l + i) * ev;
        for (let j = 0; j < s; j++) {
          const p = ps[pOff + j]!;
          const vOff = ((bi * hkv + vh) * s + j) * ev;
          for (let m = 0; m < ev; m++) out[oOff + m] = out[oOff + m]! + p * vs[vOff + m]!;
        }
      }
    }
  }
  storeNumbers(out, ctx.output(0, [b, hq, l, ev], v.type));
}

export const flexAttentionKernels: KernelTable = {
  FlexAttention: flexAttention,
};
