/**
 * Attention-family ops: Attention (opset 23+), LinearAttention (27), RotaryEmbedding (23) and
 * ai.onnx.preview's FlexAttention. Attention accepts each of Q, K, V either packed 3D
 * [batch, seq, heads*head_size] (head counts from q_num_heads/kv_num_heads) or 4D
 * [batch, heads, seq, head_size]; the rule first views every input as 4D, then builds the outputs.
 */
import type { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { addDims, propagateTensor } from '../shape-utils.js';
import { checkRank, dimAt, divDim, mulDims, unifyDim } from './util.js';

/** [batch, heads, seq, head_size] of a 3D-or-4D attention input, or undefined when its rank is unknown. */
function asHeads(ctx: InferContext, shape: Shape | undefined, heads: number | undefined, what: string): Dim[] | undefined {
  if (shape === undefined) return undefined;
  checkRank(ctx, shape, [3, 4], what);
  if (shape.length === 4) return [...shape];
  const attrName = what === 'Q' ? 'q_num_heads' : 'kv_num_heads';
  if (heads === undefined) ctx.fail(`${what} is 3D, so attribute ${attrName} is required`);
  const [b = null, s = null, hidden = null] = shape;
  return [b, heads, s, divDim(ctx, hidden, heads, `${what} hidden size ${String(hidden)} over ${attrName}`)];
}

const UNKNOWN4: Dim[] = [null, null, null, null];

function attention(ctx: InferContext): void {
  const qt = ctx.inputTensor(0);
  const kt = ctx.inputTensor(1);
  const vt = ctx.inputTensor(2);
  const qHeadsAttr = ctx.attrInt('q_num_heads');
  const kvHeadsAttr = ctx.attrInt('kv_num_heads');
  const q = asHeads(ctx, qt?.shape, qHeadsAttr, 'Q') ?? UNKNOWN4;
  const k = asHeads(ctx, kt?.shape, kvHeadsAttr, 'K') ?? UNKNOWN4;
  const v = asHeads(ctx, vt?.shape, kvHeadsAttr, 'V') ?? UNKNOWN4;
  const pastKey = ctx.inputTensor(4)?.shape;
  const pastValue = ctx.inputTensor(5)?.shape;
  checkRank(ctx, pastKey, [4], 'past_key');
  checkRank(ctx, pastValue, [4], 'past_value');

  const batch = [k[0], v[0], dimAt(pastKey, 0), dimAt(pastValue, 0)].reduce<Dim>(
    (acc, d) => unifyDim(ctx, acc, d ?? null, 'batch size'),
    q[0] ?? null,
  );
  const qHeads = q[1] ?? null;
  let kvHeads = unifyDim(ctx, k[1] ?? null, v[1] ?? null, 'kv_num_heads: K vs V');
  kvHeads = unifyDim(ctx, kvHeads, dimAt(pastKey, 1), 'kv_num_heads vs past_key dim 1');
  if (typeof qHeads === 'number' && typeof kvHeads === 'number' && (kvHeads === 0 || qHeads % kvHeads !== 0)) {
    ctx.fail(`q_num_heads ${qHeads} must be a multiple of kv_num_heads ${kvHeads}`);
  }
  const headSize = unifyDim(ctx, q[3] ?? null, k[3] ?? null, 'head size: Q vs K');
  unifyDim(ctx, headSize, dimAt(pastKey, 3), 'head size vs past_key dim 3');
  const vHeadSize = unifyDim(ctx, v[3] ?? null, dimAt(pastValue, 3), 'V head size vs past_value dim 3');
  const kvSeq = unifyDim(ctx, k[2] ?? null, v[2] ?? null, 'kv sequence length: K vs V');
  const hasPast = ctx.hasInput(4);
  const totalSeq = hasPast ? addDims(dimAt(pastKey, 2), kvSeq) : kvSeq;
  const qSeq = q[2] ?? null;

  const qDtype = qt?.dtype;
  if (qDtype !== undefined) {
    const y: Shape | undefined =
      qt?.shape === undefined
        ? undefined
        : qt.shape.length === 3
          ? [batch, qSeq, mulDims(qHeads, vHeadSize)]
          : [batch, qHeads, qSeq, vHeadSize];
    ctx.setOutputTensor(0, qDtype, y);
    if (ctx.hasOutput(3)) ctx.setOutputTensor(3, qDtype, [batch, qHeads, qSeq, totalSeq]);
  }
  setIf(ctx, 1, kt?.dtype, [batch, kvHeads, totalSeq, headSize]);
  setIf(ctx, 2, vt?.dtype, [batch, kvHeads, totalSeq, vHeadSize]);
}

function setIf(ctx: InferContext, out: number, dtype: DataType | undefined, shape: Shape): void {
  if (dtype !== undefined && ctx.hasOutput(out)) ctx.setOutputTensor(out, dtype, shape);
}

/** query [B,T,Hq*dk], key [B,T,Hkv*dk], value [B,T,Hkv*dv], state [B,Hkv,dk,dv] -> output [B,T,Hq*dv]. */
function linearAttention(ctx: InferContext): void {
  const qHeads = ctx.attrInt('q_num_heads');
  const kvHeads = ctx.attrInt('kv_num_heads');
  if (qHeads === undefined || kvHeads === undefined) ctx.fail('q_num_heads and kv_num_heads are required');
  if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads !== 0) {
    ctx.fail(`q_num_heads ${qHeads} must be a positive multiple of kv_num_heads ${kvHeads}`);
  }
  const rule = ctx.attrString('update_rule', 'gated_delta');
  if (!['linear', 'gated', 'delta', 'gated_delta'].includes(rule)) {
    ctx.fail(`update_rule must be linear, gated, delta or gated_delta, got '${rule}'`);
  }
  if ((rule === 'gated' || rule === 'gated_delta') && !ctx.hasInput(4)) ctx.fail(`update_rule '${rule}' needs the decay input`);
  if ((rule === 'delta' || rule === 'gated_delta') && !ctx.hasInput(5)) ctx.fail(`update_rule '${rule}' needs the beta input`);
  const qt = ctx.inputTensor(0);
  const [q, k, v] = [0, 1, 2].map((i) => ctx.inputTensor(i)?.shape);
  const past = ctx.inputTensor(3);
  ['query', 'key', 'value'].forEach((name, i) => checkRank(ctx, [q, k, v][i], [3], name));
  checkRank(ctx, past?.shape, [4], 'past_state');

  let batch = unifyDim(ctx, dimAt(q, 0), dimAt(k, 0), 'batch size: query vs key');
  batch = unifyDim(ctx, batch, dimAt(v, 0), 'batch size: query vs value');
  batch = unifyDim(ctx, batch, dimAt(past?.shape, 0), 'batch size vs past_state dim 0');
  let seq = unifyDim(ctx, dimAt(q, 1), dimAt(k, 1), 'sequence length: query vs key');
  seq = unifyDim(ctx, seq, dimAt(v, 1), 'sequence length: query vs value');
  unifyDim(ctx, kvHeads, dimAt(past?.shape, 1), 'kv_num_heads vs past_state dim 1');
  let dk = divDim(ctx, dimAt(q, 2), qHeads, 'query hidden size over q_num_heads');
  dk = unifyDim(ctx, dk, divDim(ctx, dimAt(k, 2), kvHeads, 'key hidden size over kv_num_heads'), 'd_k: query vs key');
  dk = unifyDim(ctx, dk, dimAt(past?.shape, 2), 'd_k vs past_state dim 2');
  let dv = divDim(ctx, dimAt(v, 2), kvHeads, 'value hidden size over kv_num_heads');
  dv = unifyDim(ctx, dv, dimAt(past?.shape, 3), 'd_v vs past_state dim 3');

  if (qt !== undefined) ctx.setOutputTensor(0, qt.dtype, [batch, seq, mulDims(qHeads, dv)]);
  // The state's type parameter S is its own: past_state's type when given, else the query's.
  const stateDtype = past?.dtype ?? qt?.dtype;
  if (stateDtype !== undefined && ctx.hasOutput(1)) ctx.setOutputTensor(1, stateDtype, [batch, kvHeads, dk, dv]);
}

function rotaryEmbedding(ctx: InferContext): void {
  const x = ctx.inputTensor(0)?.shape;
  checkRank(ctx, x, [3, 4], 'X');
  if (x?.length === 3 && ctx.attrInt('num_heads', 0) <= 0) ctx.fail('X is 3D, so attribute num_heads is required');
  propagateTensor(ctx);
}

/** Rank-4 only: Y [batch, q_heads, q_seq, v_head_size]. */
function flexAttention(ctx: InferContext): void {
  const [q, k, v] = [0, 1, 2].map((i) => ctx.inputTensor(i)?.shape);
  ['Q', 'K', 'V'].forEach((name, i) => checkRank(ctx, [q, k, v][i], [4], name));
  let batch = unifyDim(ctx, dimAt(q, 0), dimAt(k, 0), 'batch size: Q vs K');
  batch = unifyDim(ctx, batch, dimAt(v, 0), 'batch size: Q vs V');
  unifyDim(ctx, dimAt(q, 3), dimAt(k, 3), 'head size: Q vs K');
  unifyDim(ctx, dimAt(k, 2), dimAt(v, 2), 'kv sequence length: K vs V');
  const qHeads = dimAt(q, 1);
  const kvHeads = unifyDim(ctx, dimAt(k, 1), dimAt(v, 1), 'kv heads: K vs V');
  if (typeof qHeads === 'number' && typeof kvHeads === 'number' && (kvHeads === 0 || qHeads % kvHeads !== 0)) {
    ctx.fail(`Q heads ${qHeads} must be a multiple of K/V heads ${kvHeads}`);
  }
  const dtype = ctx.inputTensor(0)?.dtype;
  if (dtype !== undefined) ctx.setOutputTensor(0, dtype, [batch, qHeads, dimAt(q, 2), dimAt(v, 3)]);
}

registerShapeRules({ Attention: attention, LinearAttention: linearAttention, RotaryEmbedding: rotaryEmbedding });
registerShapeRules({ FlexAttention: flexAttention }, 'ai.onnx.preview');
