import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('LSTM / GRU / RNN', () => {
  it('layout 0, bidirectional: Y [seq, 2, batch, hidden], Y_h and Y_c [2, batch, hidden]', () => {
    // LSTM packs 4 gates: W [2, 4*16, 10], R [2, 4*16, 16].
    const out = infer('LSTM', {
      opset: 14,
      inputs: [t(F, ['S', 'B', 10]), t(F, [2, 64, 10]), t(F, [2, 64, 16])],
      attributes: [attr.int('hidden_size', 16), attr.string('direction', 'bidirectional')],
      outputCount: 3,
    });
    expect(out).toEqual([T(F, ['S', 2, 'B', 16]), T(F, [2, 'B', 16]), T(F, [2, 'B', 16])]);
  });
  it('layout 1 puts batch first; hidden_size comes from R when the attribute is absent', () => {
    const out = infer('GRU', { opset: 22, inputs: [t(F, ['B', 'S', 3]), t(F, [1, 15, 3]), t(F, [1, 15, 5])], attributes: [attr.int('layout', 1)], outputCount: 2 });
    expect(out).toEqual([T(F, ['B', 'S', 1, 5]), T(F, ['B', 1, 5])]);
  });
  it('takes the batch size from initial_h when X does not give it', () => {
    const out = infer('RNN', {
      opset: 7,
      inputs: [t(F, [4, null, 3]), t(F, [1, 5, 3]), t(F, [1, 5, 5]), null, null, t(F, [1, 2, 5])],
      attributes: [attr.int('hidden_size', 5)],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, [4, 1, 2, 5]), T(F, [1, 2, 5])]);
  });
  it('fails on a direction count, gate packing or hidden size the weights contradict', () => {
    const x = t(F, [1, 3, 2]);
    expect(() => infer('GRU', { opset: 14, inputs: [x, t(F, [1, 15, 2]), t(F, [1, 15, 5])], attributes: [attr.string('direction', 'bidirectional')] })).toThrow(
      /num_directions vs W dim 0: 2 vs 1/,
    );
    expect(() => infer('GRU', { opset: 14, inputs: [x, t(F, [1, 16, 2]), t(F, [1, 16, 5])] })).toThrow(/W dim 1 \(3 gates x hidden_size\): 16 is not divisible by 3/);
    expect(() => infer('LSTM', { opset: 14, inputs: [x, t(F, [1, 12, 2]), t(F, [1, 12, 3])], attributes: [attr.int('hidden_size', 4)] })).toThrow(
      /hidden_size vs R dim 2: 4 vs 3/,
    );
    expect(() => infer('RNN', { opset: 14, inputs: [x, t(F, [1, 4, 2]), t(F, [1, 4, 4])], attributes: [attr.string('direction', 'both')] })).toThrow(
      /direction must be forward, reverse or bidirectional/,
    );
  });
});
