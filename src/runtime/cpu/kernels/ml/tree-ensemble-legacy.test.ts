/** TreeEnsembleRegressor against onnxruntime-node (same one-node models). */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { attr } from '../../../../ir/attribute.js';
import { Tensor } from '../../../tensor.js';

const ML = 'ai.onnx.ml';
// Tree 0: n0 x0 <= 1 ? n1 : n2(leaf); n1 x1 > 0.5 ? n3(leaf) : n4(leaf). Tree 1: n0 x1 < 2 ? n1(leaf) : n2(leaf).
const nodes = [
  attr.ints('nodes_treeids', [0, 0, 0, 0, 0, 1, 1, 1]),
  attr.ints('nodes_nodeids', [0, 1, 2, 3, 4, 0, 1, 2]),
  attr.ints('nodes_featureids', [0, 1, 0, 0, 0, 1, 0, 0]),
  attr.floats('nodes_values', [1, 0.5, 0, 0, 0, 2, 0, 0]),
  attr.strings('nodes_modes', ['BRANCH_LEQ', 'BRANCH_GT', 'LEAF', 'LEAF', 'LEAF', 'BRANCH_LT', 'LEAF', 'LEAF']),
  attr.ints('nodes_truenodeids', [1, 3, 0, 0, 0, 1, 0, 0]),
  attr.ints('nodes_falsenodeids', [2, 4, 0, 0, 0, 2, 0, 0]),
];
const x = new Tensor('float32', [0, 2, 0, 0.25, 4, 0, NaN, 5, 2, NaN, 1, 1], [6, 2]);

describe('TreeEnsembleRegressor matches onnxruntime', () => {
  it('one target: every aggregate_function, base_values, missing-value tracks', async () => {
    const leaves = [
      attr.ints('target_treeids', [0, 0, 0, 1, 1]), attr.ints('target_nodeids', [2, 3, 4, 1, 2]),
      attr.ints('target_ids', [0, 0, 0, 0, 0]), attr.floats('target_weights', [1.5, -2, 3, 0.25, 4]), attr.int('n_targets', 1),
    ];
    for (const agg of ['SUM', 'AVERAGE', 'MIN', 'MAX']) {
      await matchOrt('TreeEnsembleRegressor', [x], ['float32'], [...nodes, ...leaves, attr.string('aggregate_function', agg)], ML, 20, 3, 1e-6);
      await matchOrt('TreeEnsembleRegressor', [x], ['float32'], [...nodes, ...leaves, attr.string('aggregate_function', agg), attr.floats('base_values', [0.5])], ML, 20, 3, 1e-6);
    }
    await matchOrt('TreeEnsembleRegressor', [x], ['float32'], [...nodes, ...leaves, attr.ints('nodes_missing_value_tracks_true', [1, 0, 0, 0, 0, 1, 0, 0])], ML, 20, 3, 1e-6);
  });

  // Every row reaches a weight for every target here: where none does, onnxruntime 1.30 leaves the target
  // at 0 without its base value, while the spec (and this kernel) adds base_values after aggregating.
  it('two targets (a leaf may feed both), SOFTMAX and LOGISTIC, MIN, double input', async () => {
    const leaves = [
      attr.ints('target_treeids', [0, 0, 0, 0, 1, 1, 1]), attr.ints('target_nodeids', [2, 2, 3, 4, 1, 2, 2]),
      attr.ints('target_ids', [0, 1, 0, 0, 1, 0, 1]), attr.floats('target_weights', [1.5, 0.5, -2, 3, 0.25, 4, -1]), attr.int('n_targets', 2),
    ];
    for (const p of ['NONE', 'SOFTMAX', 'LOGISTIC']) {
      await matchOrt('TreeEnsembleRegressor', [x], ['float32'], [...nodes, ...leaves, attr.string('post_transform', p), attr.floats('base_values', [0.1, -0.1])], ML, 20, 3, 1e-6);
    }
    await matchOrt('TreeEnsembleRegressor', [x], ['float32'], [...nodes, ...leaves, attr.string('aggregate_function', 'MIN')], ML, 20, 3, 1e-6);
    const xd = new Tensor('float64', [0, 2, 0, 0.25, 4, 0], [3, 2]);
    await matchOrt('TreeEnsembleRegressor', [xd], ['float32'], [...nodes, ...leaves, attr.string('aggregate_function', 'MAX')], ML, 20, 3, 1e-6);
  });
});
