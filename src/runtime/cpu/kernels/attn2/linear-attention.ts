/** LinearAttention (opset 27): the recurrent linear / gated / delta / gated-delta state update, float64 accumulation. */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

function linearAttention(ctx: KernelContext): void {
  const q = ctx.input(0);
  const k = ctx.input(1);
  const v = ctx.input(2);
  const past = ctx.optionalInput(3);
  const decay = ctx.optionalInput(4);
  const beta = ctx.optionalInput(5);
  const rule = ctx.attrs.string('update_rule', 'gated_delta');
  if (!['linear', 'gated', 'delta', 'gated_delta'].includes(rule)) throw ctx.error(`LinearAttention: unsupported update_rule '${rule}'`);
  const hq = ctx.attrs.int('q_num_heads');
  const hkv = ctx.attrs.int('kv_num_heads');
  if (hq <= 0 || hkv <= 0 || hq % hkv !== 0) throw ctx.error('LinearAttention: q_num_heads must be a positive multiple of kv_num_heads');
  const gating = rule === 'gated' || rule === 'gated_delta';
  const delta = rule === 'delta' || rule === 'gated_delta';
  if (gating !== (decay !== undefined)) throw ctx.error(`LinearAttention: update_rule '${rule}' ${gating ? 'requires' : 'forbids'} decay`);
  if (delta !== (beta !== undefined)) throw ctx.error(`LinearAttention: update_rule '${rule}' ${delta ? 'requires' : 'forbids'} beta`);
  if (q.dims.length !== 3 || k.dims.length !== 3 || v.dims.length !== 3) throw ctx.error('LinearAttention: query/key/value must be rank 3');
  const [b = 0, t = 0, qw = 0] = q.dims;
  const dk = qw / hq;
  const dv = (v.dims[2] ?? 0) / hkv;
  if (!Number.isInteger(dk) || !Number.isInteger(dv)) throw ctx.error('LinearAttention: hidden size not divisible by head count');
  const group = hq / hkv;
  const kw = k.dims[2] ?? 0;
  const vw = v.dims[2] ?? 0;
  const qs = numbersOf(q);
  const ks = numbersOf(k);
  const vs = numbersOf(v);
  const ds = decay ? numbersOf(decay) : undefined;
  const decayLast = decay?.dims[2] ?? 0;
  if (decay && decayLast !== hkv && decayLast !== hkv * dk) throw ctx.error('LinearAttention: decay last dim must be kv_num_heads or kv_num_heads*d_k');
  const bs = beta ? numbersOf(beta) : undefined;
  const betaLast = beta?.dims[2] ?? 0;
  if (beta && betaLast !== hkv && betaLast !== 1) throw ctx.error('LinearAttention: beta last dim must be kv_num_heads or 1');
  const stateSize = dk * dv;
  const state = new Float64Array(b * hkv * stateSize);
  if (past) {
    const [pb, ph, pk, pv] = past.dims;
    if (past.dims.length !== 4 || pb !== b || ph !== hkv || pk !== dk || pv !== dv) throw ctx.error('LinearAttention: past_state shape mismatch');
    state.set(numbersOf(past));
  }
  const scaleAttr = ctx.attrs.float('scale', 0);
  const scale = scaleAttr === 0 ? 1 / Math.sqrt(dk) : scaleAttr;
  const out = new Float64Array(b * t * hq * dv);
  const vt = new Float64Array(dv);
  for (let bi = 0; bi < b; bi++) {
    for (let i = 0; i < t; i++) {
      const row = bi * t + i;
      for (let h = 0; h < hkv; h++) {
        const s0 = (bi * hkv + h) * stateSize;
        const kOff = row * kw + h * dk;
        const vOff = row * vw + h * dv;
        if (ds) {
          const dOff = row * decayLast;
          for (let d = 0; d < dk; d++) {
            const g = Math.exp(decayLast === hkv ? ds[dOff + h]! : ds[dOff + h * dk + d]!);
            for (let m = 0; m < dv; m++) state[s0 + d * dv + m] = state[s0 + d * dv + m]! * g;
          }
        }
        for (let m = 0; m < dv; m++) vt[m] = vs[vOff + m]!;
        if (bs) {
          const bt = bs[row * betaLast + (betaLast === 1 ? 0 : h)]!;
          for (let m = 0; m < dv; m++) {
            let r = 0;
            for (let d = 0; d < dk; d++) r += state[s0 + d * dv + m]! * ks[kOff + d]!;
            vt[m] = bt * (vt[m]! - r);
          }
        }
        for (let d = 0; d < dk; d++) {
          const kd = ks[kOff + d]!;
          for (let m = 0; m < dv; m++) state[s0 + d * dv + m] = state[s0 + d * dv + m]! + kd * vt[m]!;
        }
        // Read for every query head sharing this kv head (interleave-repeat: query head = h * group + j).
        for (let j = 0; j < group; j++) {
          const hh = h * group + j;
          const qOff = row * qw + hh * dk;
          const oOff = (row * hq + hh) * dv;
          for (let m = 0; m < dv; m++) {
            let acc = 0;
            for (let d = 0; d < dk; d++) acc += qs[qOff + d]! * state[s0 + d * dv + m]!;
            out[oOff + m] = scale * acc;
          }
        }
      }
    }
  }
  const y = ctx.output(0, [b, t, hq * dv], q.type);
  storeNumbers(out, y);
  if (ctx.hasOutput(1)) {
    const type = past ? past.type : q.type;
    const ps = ctx.output(1, [b, hkv, dk, dv], type);
    const tmp = scratchFor(type, state.length);
    tmp.set(state);
    storeNumbers(tmp, ps);
  }
}

export const linearAttentionKernels: KernelTable = {
  LinearAttention: linearAttention,
};
