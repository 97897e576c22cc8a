/** Normalizer, Scaler and Imputer against onnxruntime-node (same one-node models). */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { attr } from '../../../../ir/attribute.js';
import { Tensor } from '../../../tensor.js';

const ML = 'ai.onnx.ml';
const x = new Tensor('float32', [0.5, -1, 2, 0, 0, 0, -0.75, -0.1, -2, 1, 0.3, 0.6], [4, 3]);

describe('preprocessing ops match onnxruntime', () => {
  it('Normalizer: MAX, L1, L2, zero rows, negative rows, int64 and 1-D input', async () => {
    for (const norm of ['MAX', 'L1', 'L2']) {
      await matchOrt('Normalizer', [x], ['float32'], [attr.string('norm', norm)], ML, 20, 1, 1e-6);
      await matchOrt('Normalizer', [new Tensor('int64', [1n, -2n, 3n, 0n, 4n, 2n], [2, 3])], ['float32'], [attr.string('norm', norm)], ML, 20, 1, 1e-6);
      await matchOrt('Normalizer', [new Tensor('float32', [3, -4, 1])], ['float32'], [attr.string('norm', norm)], ML, 20, 1, 1e-6);
    }
  });

  it('Scaler: per-column and broadcast offset/scale, int64 input', async () => {
    await matchOrt('Scaler', [x], ['float32'], [attr.floats('offset', [0.1, -0.2, 0.3]), attr.floats('scale', [2, 0.5, -1])], ML, 20, 1, 1e-6);
    await matchOrt('Scaler', [x], ['float32'], [attr.floats('offset', [0.25]), attr.floats('scale', [3])], ML, 20, 1, 1e-6);
    await matchOrt('Scaler', [new Tensor('int64', [1n, -2n, 3n, 0n, 4n, 2n], [2, 3])], ['float32'], [attr.floats('offset', [1, 2, 3]), attr.floats('scale', [0.5, 1, -2])], ML, 20, 1, 1e-6);
  });

  it('Imputer: NaN and a number replaced, per-column and single values, int64', async () => {
    const xn = new Tensor('float32', [NaN, 1, 2, 3, NaN, 0, 0, 5, NaN], [3, 3]);
    await matchOrt('Imputer', [xn], ['float32'], [attr.floats('imputed_value_floats', [10, 20, 30]), attr.float('replaced_value_float', NaN)], ML);
    await matchOrt('Imputer', [xn], ['float32'], [attr.floats('imputed_value_floats', [-1])], ML);
    await matchOrt('Imputer', [xn], ['float32'], [attr.floats('imputed_value_floats', [7, 8, 9]), attr.float('replaced_value_float', 2)], ML);
    const xi = new Tensor('int64', [-1n, 4n, 5n, 6n, -1n, -1n], [2, 3]);
    await matchOrt('Imputer', [xi], ['int64'], [attr.ints('imputed_value_int64s', [100, 200, 300]), attr.int('replaced_value_int64', -1)], ML);
    await matchOrt('Imputer', [xi], ['int64'], [attr.ints('imputed_value_int64s', [9]), attr.int('replaced_value_int64', 5)], ML);
  });
});
