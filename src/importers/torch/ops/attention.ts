import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { attend, causalKeep, defaultScale, floatScalar, gelu, layerNorm, linear, reduce, type AttentionSpec } from './attention-util.js';

/**
 * aten::scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0., is_causal=False,
 * *, scale=None, enable_gqa=False), decomposed into MatMul/Softmax (ONNX Attention only exists from
 * opset 23). A BOOL attn_mask marks what may be attended; a float one is added to the scores.
 */
function scaledDotProductAttention(ctx: LowerContext): void {
  const q = ctx.tensor([0, 'query']);
  let k = ctx.tensor([1, 'key']);
  let v = ctx.tensor([2, 'value']);
  const mask = ctx.arg([3, 'attn_mask']);
  if (ctx.float([4, 'dropout_p'], 0) !== 0) ctx.unsupported('dropout_p > 0 (random)');
  const dt = ctx.dtype(q);
  const spec: AttentionSpec = {
    scale: ctx.has([6, 'scale']) ? floatScalar(ctx, dt, ctx.float([6, 'scale'])) : defaultScale(ctx, q),
    safeSoftmax: true,
  };
  if (ctx.bool([5, 'is_causal'], false)) spec.causal = causalKeep(ctx, q, k);
  if (mask !== null) spec.mask = { value: mask, kind: ctx.dtype(mask) === DataType.BOOL ? 'keep' : 'add' };
  if (ctx.bool([7, 'enable_gqa'], false)) {
    k = repeatHeads(ctx, q, k);
    v = repeatHeads(ctx, q, v);
  }
  ctx.output(0, attend(ctx, q, k, v, spec).out);
}

/**
 * Grouped-query attention: key/value with Hkv heads (dim -3) serve Hq = n * Hkv query heads, as
 * torch's `repeat_interleave(n, -3)`: each kv head repeated n times in place ([..., Hkv, 1, S, E]
 * expanded to [..., Hkv, n, S, E], then merged).
 */
function repeatHeads(ctx: LowerContext, q: Value, x: Value): Value {
  const hq = ctx.shape(q)?.at(-3);
  const hkv = ctx.shape(x)?.at(-3);
  if (typeof hq !== 'number' || typeof hkv !== 'number') ctx.unsupported('enable_gqa needs static head counts');
  if (hq === hkv) return x;
  if (hq % hkv !== 0) ctx.unsupported(`enable_gqa: ${hq} query heads are not a multiple of ${hkv} key/value heads`);
  const rank = ctx.rank(x);
  const reps = Array<number>(rank + 1).fill(1);
  reps[rank - 2] = hq / hkv;
  const grown = ctx.op('Expand', [ctx.op('Unsqueeze', [x, ctx.int64s([-3])]), ctx.int64s(reps)]);
  const dims = ctx.op('Shape', [x]);
  const shape = ctx.op('Concat', [ctx.op('Slice', [dims, ctx.int64s([0]), ctx.int64s([-3])]), ctx.int64s([-1]), ctx.op('Slice', [dims, ctx.int64s([-2]), ctx.int64s([rank])])], { axis: 0 });
  return ctx.op('Reshape', [grown, shape]);
}

/** The packed-projection multi-head attention shared by the two fused ops below. */
interface MhaArgs {
  query: Value;
  key: Value;
  value: Value;
  embedDim: number;
  heads: number;
  qkvWeight: Value;
  qkvBias: Value;
  projWeight: Value;
  projBias: Value;
  mask: Value | null;
  maskType: number | undefined;
}

/**
 * Note [fused multi-head attention]: aten::_native_multi_head_attention is what nn.MultiheadAttention
 * runs in eval (batch_first, self-attention). query/key/value are [B, T, D]; qkv_weight [3D, D] packs
 * the q, k and v projections; heads are D / num_head wide and q is scaled by 1/sqrt(head_dim).
 * Its mask is the opposite of SDPA's: true (or any non-zero float, as torch casts it to bool) means
 * masked OUT. mask_type says how it lines up with the [B, H, T, S] scores: 0 = [T, S] attention mask,
 * 1 = [B, S] key padding mask, 2 = already the full shape. A fully masked row gives NaN, as in torch.
 */
function multiHeadAttention(ctx: LowerContext, a: MhaArgs): { out: Value; weights: Value } {
  const { embedDim: d, heads } = a;
  if (d % heads !== 0) ctx.unsupported(`embed_dim ${d} is not divisible by num_head ${heads}`);
  const headDim = d / heads;
  let q: Value, k: Value, v: Value;
  if (a.query === a.key && a.key === a.value) {
    // Self-attention: one projection to [B, T, 3D], then q, k, v side by side.
    [q, k, v] = ctx.ops('Split', [linear(ctx, a.query, a.qkvWeight, a.qkvBias), ctx.int64s([d, d, d])], { axis: -1 }, 3) as [Value, Value, Value];
  } else {
    const ws = ctx.ops('Split', [a.qkvWeight, ctx.int64s([d, d, d])], { axis: 0 }, 3);
    const bs = ctx.ops('Split', [a.qkvBias, ctx.int64s([d, d, d])], { axis: 0 }, 3);
    [q, k, v] = [a.query, a.key, a.value].map((x, i) => linear(ctx, x, ws[i]!, bs[i]!)) as [Value, Value, Value];
  }
  // [B, T, D] -> [B, H, T, head_dim]
  const toHeads = (x: Value): Value => ctx.op('Transpose', [ctx.op('Reshape', [x, ctx.int64s([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] });
  const spec: AttentionSpec = { scale: floatScalar(ctx, ctx.dtype(a.query), 1 / Math.sqrt(headDim)), safeSoftmax: false };
  if (a.mask !== null) {
    let m = ctx.dtype(a.mask) === DataType.BOOL ? a.mask : ctx.op('Cast', [a.mask], { to: DataType.BOOL });
    // A [B, S] key padding mask covers every head and query position: [B, 1, 1, S].
    if (a.maskType === 1 && ctx.rank(m) === 2) m = ctx.op('Unsqueeze', [m, ctx.int64s([1, 2])]);
    spec.mask = { value: m, kind: 'drop' };
  }
  const { out, weights } = attend(ctx, toHeads(q), toHeads(k), toHeads(v), spec);
  // [B, H, T, head_dim] -> [B, T, D]
  const merged = ctx.op('Reshape', [ctx.op('Transpose', [out], { perm: [0, 2, 1, 3] }), ctx.int64s([0, 0, d])]);
  return { out: linear(ctx, merged, a.projWeight, a.projBias), weights };
}

/**
 * aten::_native_multi_head_attention(query, key, value, embed_dim, num_head, qkv_weight, qkv_bias,
 * proj_weight, proj_bias, mask=None, need_weights=True, average_attn_weights=True, mask_type=None)
 * -> (out, weights); see Note [fused multi-head attention]. Without need_weights torch returns no
 * weights tensor (None); averaged weights are the mean over heads, [B, T, S].
 */
function nativeMultiHeadAttention(ctx: LowerContext): void {
  const { out, weights } = multiHeadAttention(ctx, {
    query: ctx.tensor(0),
    key: ctx.tensor(1),
    value: ctx.tensor(2),
    embedDim: ctx.int(3),
    heads: ctx.int(4),
    qkvWeight: ctx.tensor(5),
    qkvBias: ctx.tensor(6),
    projWeight: ctx.tensor(7),
    projBias: ctx.tensor(8),
    mask: ctx.arg([9, 'mask']),
    maskType: ctx.has([12, 'mask_type']) ? ctx.int([12, 'mask_type']) : undefined,
  });
  ctx.output(0, out);
  if (!ctx.bool([10, 'need_weights'], true)) return ctx.output(1, null);
  ctx.output(1, ctx.bool([11, 'average_attn_weights'], true) ? reduce(ctx, 'ReduceMean', weights, [1], false) : weights);
}

/**
 * aten::_transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight,
 * proj_bias, use_gelu, norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2,
 * ffn_weight_1, ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None): the fused
 * nn.TransformerEncoderLayer in eval. Self-attention (as _native_multi_head_attention, without weights)
 * and a linear-activation-linear feed-forward block, each with a residual; LayerNorm before each block
 * (norm_first) or after each residual (post-norm, the default). The activation is exact GELU or ReLU.
 */
function transformerEncoderLayer(ctx: LowerContext): void {
  const src = ctx.tensor(0);
  const normFirst = ctx.bool(8);
  const eps = ctx.float(9);
  const norm1 = (x: Value): Value => layerNorm(ctx, x, ctx.tensor(10), ctx.tensor(11), eps);
  const norm2 = (x: Value): Value => layerNorm(ctx, x, ctx.tensor(12), ctx.tensor(13), eps);

  const attnIn = normFirst ? norm1(src) : src;
  const attn = multiHeadAttention(ctx, {
    query: attnIn,
    key: attnIn,
    value: attnIn,
    embedDim: ctx.int(1),
    heads: ctx.int(2),
    qkvWeight: ctx.tensor(3),
    qkvBias: ctx.tensor(4),
    projWeight: ctx.tensor(5),
    projBias: ctx.tensor(6),
    mask: ctx.arg([18, 'mask']),
    maskType: ctx.has([19, 'mask_type']) ? ctx.int([19, 'mask_type']) : undefined,
  }).out;
  let x = ctx.op('Add', [attn, src]);
  if (!normFirst) x = norm1(x);

  const hidden = linear(ctx, normFirst ? norm2(x) : x, ctx.tensor(14), ctx.tensor(15));
  const act = ctx.bool(7) ? gelu(ctx, hidden) : ctx.op('Relu', [hidden]);
  x = ctx.op('Add', [linear(ctx, act, ctx.tensor(16), ctx.tensor(17)), x]);
  ctx.output(0, normFirst ? x : norm2(x));
}

atenTable.register({
  'aten::scaled_dot_product_attention': scaledDotProductAttention,
  'aten::_native_multi_head_attention': nativeMultiHeadAttention,
  'aten::_transformer_encoder_layer_fwd': transformerEncoderLayer,
});
