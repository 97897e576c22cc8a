import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const H = DataType.FLOAT16;

describe('Attention', () => {
  it('3D GQA with a KV cache: head sizes come from hidden / heads, the cache grows by the new keys', () => {
    // q: 72 / 9 heads = 8 per head; k: 24 / 3 = 8; v: 30 / 3 = 10; total kv length 12 + 6.
    const out = infer('Attention', {
      opset: 23,
      inputs: [t(F, [2, 4, 72]), t(F, [2, 6, 24]), t(F, [2, 6, 30]), null, t(F, [2, 3, 12, 8]), t(F, [2, 3, 12, 10])],
      attributes: [attr.int('q_num_heads', 9), attr.int('kv_num_heads', 3)],
      outputCount: 4,
    });
    expect(out).toEqual([T(F, [2, 4, 90]), T(F, [2, 3, 18, 8]), T(F, [2, 3, 18, 10]), T(F, [2, 9, 4, 18])]);
  });
  it('4D keeps symbolic dims; V gives the output head size and type of present_value', () => {
    const out = infer('Attention', {
      opset: 24,
      inputs: [t(H, ['B', 8, 'L', 64]), t(H, ['B', 2, 'S', 64]), t(F, ['B', 2, 'S', 32])],
      outputCount: 4,
    });
    expect(out).toEqual([T(H, ['B', 8, 'L', 32]), T(H, ['B', 2, 'S', 64]), T(F, ['B', 2, 'S', 32]), T(H, ['B', 8, 'L', 'S'])]);
  });
  it('fails without head counts for 3D inputs, on a hidden size the heads do not divide, and on bad GQA', () => {
    expect(() => infer('Attention', { opset: 23, inputs: [t(F, [2, 4, 24]), t(F, [2, 6, 24]), t(F, [2, 6, 24])] })).toThrow(/q_num_heads is required/);
    const heads = [attr.int('q_num_heads', 5), attr.int('kv_num_heads', 3)];
    expect(() => infer('Attention', { opset: 23, inputs: [t(F, [2, 4, 24]), t(F, [2, 6, 24]), t(F, [2, 6, 24])], attributes: heads })).toThrow(
      /Q hidden size 24 over q_num_heads: 24 is not divisible by 5/,
    );
    expect(() => infer('Attention', { opset: 23, inputs: [t(F, [2, 4, 4, 8]), t(F, [2, 3, 6, 8]), t(F, [2, 3, 6, 8])] })).toThrow(
      /q_num_heads 4 must be a multiple of kv_num_heads 3/,
    );
  });
});

describe('LinearAttention', () => {
  it('output [B, T, Hq * d_v] and state [B, Hkv, d_k, d_v]', () => {
    // d_k = 32 / 4 = 8 (also 64 / 8), d_v = 48 / 4 = 12.
    const out = infer('LinearAttention', {
      opset: 27,
      inputs: [t(F, [2, 'T', 64]), t(F, [2, 'T', 32]), t(F, [2, 'T', 48])],
      attributes: [attr.int('q_num_heads', 8), attr.int('kv_num_heads', 4), attr.string('update_rule', 'linear')],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, [2, 'T', 96]), T(F, [2, 4, 8, 12])]);
  });
  it('the default gated_delta rule needs both decay and beta', () => {
    const c = { opset: 27, inputs: [t(F, [2, 1, 32]), t(F, [2, 1, 32]), t(F, [2, 1, 32]), null, t(F, [2, 1, 4])], attributes: [attr.int('q_num_heads', 4), attr.int('kv_num_heads', 4)] };
    expect(() => infer('LinearAttention', c)).toThrow(/update_rule 'gated_delta' needs the beta input/);
  });
  it('fails when q_num_heads is not a multiple of kv_num_heads', () => {
    const c = { opset: 27, inputs: [t(F, [2, 1, 24]), t(F, [2, 1, 32]), t(F, [2, 1, 32])], attributes: [attr.int('q_num_heads', 3), attr.int('kv_num_heads', 4)] };
    expect(() => infer('LinearAttention', c)).toThrow(/must be a positive multiple of kv_num_heads 4/);
  });
});

describe('RotaryEmbedding and FlexAttention', () => {
  it('RotaryEmbedding keeps the input shape; a 3D input needs num_heads', () => {
    expect(infer('RotaryEmbedding', { opset: 23, inputs: [t(F, ['B', 'S', 32]), t(F, [50, 4]), t(F, [50, 4])], attributes: [attr.int('num_heads', 4)] })[0]).toEqual(
      T(F, ['B', 'S', 32]),
    );
    expect(() => infer('RotaryEmbedding', { opset: 23, inputs: [t(F, [2, 3, 32]), t(F, [50, 4]), t(F, [50, 4])] })).toThrow(/num_heads is required/);
  });
  it('FlexAttention gives [B, Hq, L, v_head_size]', () => {
    const out = infer('FlexAttention', { opset: 1, domain: 'ai.onnx.preview', inputs: [t(F, [2, 8, 4, 16]), t(F, [2, 2, 6, 16]), t(F, [2, 2, 6, 32])] });
    expect(out[0]).toEqual(T(F, [2, 8, 4, 32]));
  });
});
