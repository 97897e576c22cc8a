import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { ArrayTensor } from '../../tensor.js';
import { DataType, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const S = DataType.STRING;
const ml = { domain: 'ai.onnx.ml' };

describe('ai.onnx.ml transforms', () => {
  it('ArrayFeatureExtractor replaces the last dim by the number of indices; a 1-D X gives one row', () => {
    expect(infer('ArrayFeatureExtractor', { ...ml, opset: 1, inputs: [t(F, [3, 5, 4]), t(I64, [2, 3])] })[0]).toEqual(T(F, [3, 5, 6]));
    expect(infer('ArrayFeatureExtractor', { ...ml, opset: 1, inputs: [t(F, ['N', 4]), t(I64, ['K'])] })[0]).toEqual(T(F, ['N', 'K']));
    expect(infer('ArrayFeatureExtractor', { ...ml, opset: 1, inputs: [t(S, [4]), t(I64, [2])] })[0]).toEqual(T(S, [1, 2]));
  });
  it('OneHotEncoder appends the category count; Scaler and Normalizer give floats of the same shape', () => {
    expect(infer('OneHotEncoder', { ...ml, opset: 1, inputs: [t(I64, ['N', 4])], attributes: [attr.ints('cats_int64s', [1, 2, 3])] })[0]).toEqual(T(F, ['N', 4, 3]));
    expect(infer('Scaler', { ...ml, opset: 1, inputs: [t(I64, ['N', 4])] })[0]).toEqual(T(F, ['N', 4]));
    expect(() => infer('Normalizer', { ...ml, opset: 1, inputs: [t(F, [2, 4])], attributes: [attr.string('norm', 'L3')] })).toThrow(/norm must be MAX, L1 or L2/);
  });
  it('CategoryMapper and LabelEncoder-1 swap string and int64; later LabelEncoders take the values_* type', () => {
    expect(infer('CategoryMapper', { ...ml, opset: 1, inputs: [t(S, ['N'])] })[0]).toEqual(T(I64, ['N']));
    expect(infer('LabelEncoder', { ...ml, opset: 1, inputs: [t(I64, ['N'])] })[0]).toEqual(T(S, ['N']));
    const floats = [attr.ints('keys_int64s', [1]), attr.floats('values_floats', [0.5])];
    expect(infer('LabelEncoder', { ...ml, opset: 2, inputs: [t(I64, ['N', 3])], attributes: floats })[0]).toEqual(T(F, ['N', 3]));
    const tensor = attr.tensor('values_tensor', new ArrayTensor(DataType.INT16, [1], new Int16Array(1)));
    expect(infer('LabelEncoder', { ...ml, opset: 4, inputs: [t(S, [5])], attributes: [attr.strings('keys_strings', ['a']), tensor] })[0]).toEqual(T(DataType.INT16, [5]));
  });
  it('FeatureVectorizer concatenates columns into FLOAT [N, sum(inputdimensions)]', () => {
    const out = infer('FeatureVectorizer', { ...ml, opset: 1, inputs: [t(F, ['N', 2]), t(I64, ['N', 3])], attributes: [attr.ints('inputdimensions', [2, 3])] });
    expect(out[0]).toEqual(T(F, ['N', 5]));
  });
  it('ZipMap makes a sequence of label -> float maps; CastMap states only the element type', () => {
    const zip = infer('ZipMap', { ...ml, opset: 1, inputs: [t(F, ['N', 3])], attributes: [attr.strings('classlabels_strings', ['a', 'b', 'c'])] });
    expect(zip[0]).toEqual({ kind: 'sequence', elem: { kind: 'map', key: S, value: T(F, []) } });
    expect(() => infer('ZipMap', { ...ml, opset: 1, inputs: [t(F, ['N', 2])], attributes: [attr.ints('classlabels_int64s', [1, 2, 3])] })).toThrow(
      /X has 2 columns but there are 3 class labels/,
    );
    const map = { type: { kind: 'map' as const, key: I64, value: T(F) } };
    expect(infer('CastMap', { ...ml, opset: 1, inputs: [map], attributes: [attr.string('cast_to', 'TO_STRING')] })[0]).toEqual(T(S));
  });
});

describe('ai.onnx.ml predictors', () => {
  it('LinearClassifier: labels [N] and one score column per coefficient row', () => {
    // 12 coefficients over 4 features = 3 rows, one per class.
    const out = infer('LinearClassifier', {
      ...ml,
      opset: 1,
      inputs: [t(F, ['N', 4])],
      attributes: [attr.floats('coefficients', new Array<number>(12).fill(1)), attr.strings('classlabels_strings', ['a', 'b', 'c'])],
      outputCount: 2,
    });
    expect(out).toEqual([T(S, ['N']), T(F, ['N', 3])]);
  });
  it('LinearRegressor [N, targets], SVMRegressor [N, 1], TreeEnsembleRegressor [N, n_targets]', () => {
    const x = t(F, ['N', 4]);
    expect(infer('LinearRegressor', { ...ml, opset: 1, inputs: [x], attributes: [attr.floats('coefficients', new Array<number>(8).fill(1)), attr.int('targets', 2)] })[0]).toEqual(
      T(F, ['N', 2]),
    );
    expect(infer('SVMRegressor', { ...ml, opset: 1, inputs: [x] })[0]).toEqual(T(F, ['N', 1]));
    expect(infer('TreeEnsembleRegressor', { ...ml, opset: 3, inputs: [x], attributes: [attr.int('n_targets', 3)] })[0]).toEqual(T(F, ['N', 3]));
  });
  it('TreeEnsembleClassifier scores one column per class label; TreeEnsemble keeps the input type', () => {
    const labels = attr.ints('classlabels_int64s', [4, 5, 6]);
    expect(infer('TreeEnsembleClassifier', { ...ml, opset: 5, inputs: [t(DataType.DOUBLE, ['N', 4])], attributes: [labels], outputCount: 2 })).toEqual([
      T(I64, ['N']),
      T(F, ['N', 3]),
    ]);
    expect(infer('TreeEnsemble', { ...ml, opset: 5, inputs: [t(DataType.DOUBLE, [3, 2])], attributes: [attr.int('n_targets', 2)] })[0]).toEqual(
      T(DataType.DOUBLE, [3, 2]),
    );
    expect(() =>
      infer('TreeEnsemble', { ...ml, opset: 5, inputs: [t(F, [3, 2])], attributes: [attr.int('n_targets', 2), attr.ints('leaf_targetids', [0, 2])] }),
    ).toThrow(/leaf_targetids must lie in \[0, 2\)/);
  });
});
