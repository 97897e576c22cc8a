/** LinearRegressor and LinearClassifier against onnxruntime-node (same one-node models). */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { attr } from '../../../../ir/attribute.js';
import { Tensor } from '../../../tensor.js';

const ML = 'ai.onnx.ml';
const x = new Tensor('float32', [0.5, -1, 2, 0.25, 0, 1.5, -0.75, 0.1, -2, 1, 0.3, 0.6], [4, 3]);
const xi = new Tensor('int64', [1n, -2n, 3n, 0n, 4n, -1n], [2, 3]);
const coef3 = [0.2, -0.1, 0.4, 0.3, 0.5, -0.2, -0.4, 0.1, 0.05];

describe('LinearRegressor matches onnxruntime', () => {
  it('one and three targets, every post_transform (onnxruntime takes float32 X only)', async () => {
    await matchOrt('LinearRegressor', [x], ['float32'], [attr.floats('coefficients', [0.2, -0.1, 0.4]), attr.floats('intercepts', [0.5])], ML, 20, 1, 1e-6);
    await matchOrt('LinearRegressor', [x], ['float32'], [attr.floats('coefficients', [0.2, -0.1, 0.4])], ML, 20, 1, 1e-6);
    await matchOrt('LinearRegressor', [x], ['float32'], [attr.floats('coefficients', coef3), attr.int('targets', 3), attr.floats('intercepts', [1, 0, -1])], ML, 20, 1, 1e-6);
    for (const p of ['SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO']) {
      await matchOrt('LinearRegressor', [x], ['float32'], [attr.floats('coefficients', coef3), attr.int('targets', 3), attr.floats('intercepts', [0, 0.1, 0]), attr.string('post_transform', p)], ML, 20, 1, 1e-6);
    }
    // PROBIT wants scores in (0, 1).
    const small = new Tensor('float32', [0.1, 0.2, 0.3, 0.05, 0.4, 0.2], [2, 3]);
    await matchOrt('LinearRegressor', [small], ['float32'], [attr.floats('coefficients', [0.5, 0.8, 0.3, 1, 0.2, 0.6]), attr.int('targets', 2), attr.string('post_transform', 'PROBIT')], ML, 20, 1, 1e-5);
  });
});

describe('LinearClassifier matches onnxruntime', () => {
  it('multi-class with int and string labels, post_transforms', async () => {
    for (const p of ['NONE', 'SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO']) {
      await matchOrt('LinearClassifier', [x], ['int64', 'float32'], [attr.floats('coefficients', coef3), attr.floats('intercepts', [0.1, -0.2, 0.3]), attr.ints('classlabels_ints', [3, 7, 9]), attr.string('post_transform', p)], ML, 20, 1, 1e-6);
    }
    await matchOrt('LinearClassifier', [xi], ['string', 'float32'], [attr.floats('coefficients', coef3), attr.floats('intercepts', [0.1, -0.2, 0.3]), attr.strings('classlabels_strings', ['a', 'b', 'c'])], ML, 20, 1, 1e-6);
    await matchOrt('LinearClassifier', [x], ['string', 'float32'], [attr.floats('coefficients', coef3), attr.floats('intercepts', [0, 0, 0]), attr.strings('classlabels_strings', ['a', 'b', 'c']), attr.string('post_transform', 'SOFTMAX')], ML, 20, 1, 1e-6);
  });

  it('binary: one score column for two labels', async () => {
    for (const p of ['NONE', 'LOGISTIC']) {
      await matchOrt('LinearClassifier', [x], ['int64', 'float32'], [attr.floats('coefficients', [0.2, -0.1, 0.4]), attr.floats('intercepts', [-0.1]), attr.ints('classlabels_ints', [0, 1]), attr.string('post_transform', p)], ML, 20, 1, 1e-6);
      await matchOrt('LinearClassifier', [x], ['string', 'float32'], [attr.floats('coefficients', [0.2, -0.1, 0.4]), attr.floats('intercepts', [-0.1]), attr.strings('classlabels_strings', ['no', 'yes']), attr.string('post_transform', p)], ML, 20, 1, 1e-6);
    }
  });
});
