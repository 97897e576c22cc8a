/** ai.onnx.ml kernels against onnxruntime-node (same one-node models). */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { attr } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { ArrayTensor, StringTensor } from '../../../../ir/tensor.js';
import { Tensor } from '../../../tensor.js';

const ML = 'ai.onnx.ml';
const enc = (s: string) => new TextEncoder().encode(s);

describe('ai.onnx.ml kernels match onnxruntime', () => {
  it('LabelEncoder: list and tensor attribute forms, defaults', async () => {
    const words = new Tensor('string', ['a', 'b', 'zz', 'c']);
    await matchOrt('LabelEncoder', [words], ['int64'], [attr.strings('keys_strings', ['a', 'b', 'c']), attr.ints('values_int64s', [7, 8, 9]), attr.int('default_int64', 42)], ML);
    await matchOrt('LabelEncoder', [words], ['float32'], [attr.strings('keys_strings', ['a', 'c']), attr.floats('values_floats', [0.5, 2])], ML);
    const ints = new Tensor('int64', [1, 5, 3, 9], [2, 2]);
    await matchOrt('LabelEncoder', [ints], ['string'], [attr.ints('keys_int64s', [1, 3, 9]), attr.strings('values_strings', ['one', 'three', 'nine'])], ML);
    await matchOrt('LabelEncoder', [new Tensor('float32', [1.5, NaN, 2])], ['int64'], [attr.floats('keys_floats', [1.5, NaN]), attr.ints('values_int64s', [3, 4])], ML);
    await matchOrt('LabelEncoder', [ints], ['float64'], [
      attr.tensor('keys_tensor', new ArrayTensor(DataType.INT64, [3], BigInt64Array.of(1n, 3n, 9n))),
      attr.tensor('values_tensor', new ArrayTensor(DataType.DOUBLE, [3], Float64Array.of(10.5, 30, 90))),
      attr.tensor('default_tensor', new ArrayTensor(DataType.DOUBLE, [1], Float64Array.of(-5))),
    ], ML);
    await matchOrt('LabelEncoder', [words], ['string'], [
      attr.tensor('keys_tensor', new StringTensor([2], [enc('a'), enc('b')])),
      attr.tensor('values_tensor', new StringTensor([2], [enc('A'), enc('B')])),
    ], ML);
  });

  it('Binarizer and ArrayFeatureExtractor', async () => {
    await matchOrt('Binarizer', [new Tensor('float32', [-1, 0, 0.5, 2], [2, 2])], ['float32'], [attr.float('threshold', 0.25)], ML);
    await matchOrt('ArrayFeatureExtractor', [new Tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]), new Tensor('int64', [2, 0])], ['float32'], [], ML);
    await matchOrt('ArrayFeatureExtractor', [new Tensor('int64', [4, 5, 6]), new Tensor('int64', [1])], ['int64'], [], ML);
  });

  // post_transform is not compared: onnxruntime 1.30 does not follow the spec's numbering for TreeEnsemble
  // (post_transform=2, LOGISTIC in the spec, gives a softmax; microsoft/onnxruntime#26596, #24862).
  it('TreeEnsemble: two trees, LEQ/GT/MEMBER branches, missing values, SUM/AVERAGE/MAX', async () => {
    const f32 = (xs: number[]) => new ArrayTensor(DataType.FLOAT, [xs.length], Float32Array.from(xs));
    const u8 = (xs: number[]) => new ArrayTensor(DataType.UINT8, [xs.length], Uint8Array.from(xs));
    // Tree 0: node 0 x0 <= 1 ? node 1 : leaf 2; node 1 x1 in {2,5} ? leaf 0 : leaf 1. Tree 1: node 2 x1 > 0.5 ? leaf 3 : leaf 4.
    const base = [
      attr.int('n_targets', 2), attr.ints('tree_roots', [0, 2]),
      attr.ints('nodes_featureids', [0, 1, 1]), attr.tensor('nodes_splits', f32([1, 0, 0.5])), attr.tensor('nodes_modes', u8([0, 6, 3])),
      attr.ints('nodes_truenodeids', [1, 0, 3]), attr.ints('nodes_trueleafs', [0, 1, 1]),
      attr.ints('nodes_falsenodeids', [2, 1, 4]), attr.ints('nodes_falseleafs', [1, 1, 1]),
      attr.ints('nodes_missing_value_tracks_true', [1, 0, 0]), attr.tensor('membership_values', f32([2, 5])),
      attr.ints('leaf_targetids', [0, 1, 0, 1, 0]), attr.tensor('leaf_weights', f32([1.5, -2, 3, 0.25, 4])),
    ];
    const x = new Tensor('float32', [0, 2, 0, 3, 4, 0, NaN, 5, 2, 1], [5, 2]);
    for (const extra of [[], [attr.int('aggregate_function', 0)], [attr.int('aggregate_function', 3)]]) {
      await matchOrt('TreeEnsemble', [x], ['float32'], [...base, ...extra], ML, 20, 5);
    }
  });
});
