import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const S = DataType.STRING;

describe('string ops', () => {
  it('StringConcat broadcasts; RegexFullMatch gives BOOL of the same shape', () => {
    expect(infer('StringConcat', { opset: 20, inputs: [t(S, ['N', 3]), t(S, [1])] })[0]).toEqual(T(S, ['N', 3]));
    expect(infer('RegexFullMatch', { opset: 20, inputs: [t(S, [2, 'M'])], attributes: [attr.string('pattern', 'a+')] })[0]).toEqual(T(DataType.BOOL, [2, 'M']));
  });
  it('StringSplit adds a trailing dim of unknown length and counts substrings per element', () => {
    expect(infer('StringSplit', { opset: 20, inputs: [t(S, [2, 'M'])], outputCount: 2 })).toEqual([T(S, [2, 'M', null]), T(I64, [2, 'M'])]);
  });
  it('StringNormalizer keeps the length only when there are no stopwords to drop', () => {
    expect(infer('StringNormalizer', { opset: 10, inputs: [t(S, [1, 6])] })[0]).toEqual(T(S, [1, 6]));
    expect(infer('StringNormalizer', { opset: 10, inputs: [t(S, [6])], attributes: [attr.strings('stopwords', ['monday'])] })[0]).toEqual(T(S, [null]));
    expect(() => infer('StringNormalizer', { opset: 10, inputs: [t(S, [2, 6])] })).toThrow(/a 2-D X must be \[1, C\], got dim 0 = 2/);
  });
  it('TfIdfVectorizer is [N, max(ngram_indexes) + 1]', () => {
    const attributes = [attr.ints('ngram_indexes', [0, 4, 6, 2]), attr.ints('pool_int64s', [1, 2, 3, 4]), attr.string('mode', 'TF')];
    expect(infer('TfIdfVectorizer', { opset: 9, inputs: [t(DataType.INT32, ['N', 12])], attributes })[0]).toEqual(T(F, ['N', 7]));
    expect(infer('TfIdfVectorizer', { opset: 9, inputs: [t(DataType.INT32, [12])], attributes })[0]).toEqual(T(F, [7]));
  });
});

describe('losses', () => {
  const scores = t(F, ['N', 5, 'D']);
  const labels = t(I64, ['N', 'D']);
  it("reduction 'none' keeps the target's shape, 'mean' and 'sum' give a scalar", () => {
    expect(infer('NegativeLogLikelihoodLoss', { opset: 13, inputs: [scores, labels], attributes: [attr.string('reduction', 'none')] })[0]).toEqual(T(F, ['N', 'D']));
    expect(infer('NegativeLogLikelihoodLoss', { opset: 13, inputs: [scores, labels] })[0]).toEqual(T(F, []));
  });
  it("SoftmaxCrossEntropyLoss's log_prob has the scores' shape", () => {
    expect(infer('SoftmaxCrossEntropyLoss', { opset: 13, inputs: [scores, labels, t(F, [5])], attributes: [attr.string('reduction', 'sum')], outputCount: 2 })).toEqual([
      T(F, []),
      T(F, ['N', 5, 'D']),
    ]);
  });
  it('fails on a target of the wrong rank, a weight of the wrong length, or an unknown reduction', () => {
    expect(() => infer('NegativeLogLikelihoodLoss', { opset: 13, inputs: [scores, t(I64, ['N'])] })).toThrow(/target must have rank 2/);
    expect(() => infer('SoftmaxCrossEntropyLoss', { opset: 13, inputs: [scores, labels, t(F, [4])] })).toThrow(/class count: input dim 1 vs weight: 5 vs 4/);
    expect(() => infer('SoftmaxCrossEntropyLoss', { opset: 13, inputs: [scores, labels], attributes: [attr.string('reduction', 'max')] })).toThrow(
      /reduction must be none, sum or mean/,
    );
  });
});

describe('ai.onnx.preview.training', () => {
  const training = { domain: 'ai.onnx.preview.training', opset: 1 };
  const rt = [t(F, []), t(I64, [])];
  it('Adam with two tensors: inputs X1 X2 G1 G2 V1 V2 H1 H2, outputs X1 X2 V1 V2 H1 H2', () => {
    const xs = [t(F, [1]), t(F, ['K', 2])];
    const out = infer('Adam', { ...training, inputs: [...rt, ...xs, ...xs, ...xs, ...xs], outputCount: 6 });
    expect(out).toEqual([T(F, [1]), T(F, ['K', 2]), T(F, [1]), T(F, ['K', 2]), T(F, [1]), T(F, ['K', 2])]);
  });
  it('fails when the inputs do not split into equal groups', () => {
    expect(() => infer('Momentum', { ...training, inputs: [...rt, t(F, [2]), t(F, [2])], outputCount: 2 })).toThrow(/3 groups \(X, G, V\) of equal size/);
    expect(() => infer('Adagrad', { ...training, inputs: [...rt, t(F, [2]), t(F, [3]), t(F, [2])], outputCount: 2 })).toThrow(/X1 vs G1, dim 0: 2 vs 3/);
  });
  it('Gradient gives each xs tensor its own shape', () => {
    const out = infer('Gradient', {
      ...training,
      inputs: [t(F, ['N', 3]), t(F, [3])],
      attributes: [attr.strings('xs', ['X', 'W']), attr.string('y', 'Y')],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, ['N', 3]), T(F, [3])]);
  });
});
