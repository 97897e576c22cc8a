/**
 * ai.onnx.ml predictors: linear models, SVMs and tree ensembles. Inputs are [N, F] (a 1-D input is one
 * example, N = 1); classifiers return labels [N] and scores [N, E], regressors [N, targets].
 */
import { DataType } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { attrStrings, checkRank } from './util.js';

/** N and F of the input. */
function examples(ctx: InferContext): { n: Dim; f: Dim } {
  const x = ctx.inputTensor(0)?.shape;
  checkRank(ctx, x, [1, 2], 'X');
  if (x === undefined) return { n: null, f: null };
  return x.length === 1 ? { n: 1, f: x[0] ?? null } : { n: x[0] ?? null, f: x[1] ?? null };
}

/** The class labels: their count and the label type (int64 unless string labels are given). */
function classLabels(ctx: InferContext, intsName: string): { count: number; dtype: DataType } {
  const ints = ctx.attrInts(intsName, []);
  const strings = attrStrings(ctx, 'classlabels_strings');
  if (ints.length > 0 && strings.length > 0) ctx.fail(`only one of ${intsName} and classlabels_strings may be set`);
  return strings.length > 0 ? { count: strings.length, dtype: DataType.STRING } : { count: ints.length, dtype: DataType.INT64 };
}

function postTransform(ctx: InferContext): void {
  const p = ctx.attrString('post_transform', 'NONE');
  if (!['NONE', 'SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO', 'PROBIT'].includes(p)) {
    ctx.fail(`post_transform must be NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO or PROBIT, got '${p}'`);
  }
}

function classifierOutputs(ctx: InferContext, n: Dim, labelType: DataType, scores: Dim): void {
  ctx.setOutputTensor(0, labelType, [n]);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, DataType.FLOAT, [n, scores]);
}

/**
 * The coefficients hold one row of F weights per score column. With a single row and two classes the
 * runtimes disagree on the score width (ONNX's reference writes both classes, others the one score),
 * so that case stays unknown.
 */
function linearClassifier(ctx: InferContext): void {
  postTransform(ctx);
  const { n, f } = examples(ctx);
  const labels = classLabels(ctx, 'classlabels_ints');
  const coefficients = ctx.attrFloats('coefficients', []).length;
  const intercepts = ctx.attrFloats('intercepts', []).length;
  let rows: Dim = null;
  if (typeof f === 'number' && f > 0) {
    if (coefficients % f !== 0) ctx.fail(`${coefficients} coefficients do not split into rows of ${f} features`);
    rows = coefficients / f;
  } else if (intercepts > 1) rows = intercepts;
  if (typeof rows === 'number' && intercepts > 1 && intercepts !== rows) {
    ctx.fail(`${intercepts} intercepts for ${rows} rows of coefficients`);
  }
  classifierOutputs(ctx, n, labels.dtype, rows === 1 && labels.count === 2 ? null : rows);
}

function linearRegressor(ctx: InferContext): void {
  postTransform(ctx);
  const { n, f } = examples(ctx);
  const targets = ctx.attrInt('targets', 1);
  if (targets < 1) ctx.fail(`targets must be positive, got ${targets}`);
  const coefficients = ctx.attrFloats('coefficients', []).length;
  if (typeof f === 'number' && coefficients > 0 && coefficients !== targets * f) {
    ctx.fail(`${coefficients} coefficients for ${targets} targets of ${f} features`);
  }
  ctx.setOutputTensor(0, DataType.FLOAT, [n, targets]);
}

/** The score width depends on the SVM mode (one-vs-one votes, probabilities, binary), so it stays unknown. */
function svmClassifier(ctx: InferContext): void {
  postTransform(ctx);
  const { n } = examples(ctx);
  classifierOutputs(ctx, n, classLabels(ctx, 'classlabels_ints').dtype, null);
}

function svmRegressor(ctx: InferContext): void {
  postTransform(ctx);
  ctx.setOutputTensor(0, DataType.FLOAT, [examples(ctx).n, 1]);
}

/** One score column per class; a single label is scored as a binary problem, whose width varies by runtime. */
function treeEnsembleClassifier(ctx: InferContext): void {
  postTransform(ctx);
  const { n } = examples(ctx);
  const labels = classLabels(ctx, 'classlabels_int64s');
  classifierOutputs(ctx, n, labels.dtype, labels.count >= 2 ? labels.count : null);
}

function treeEnsembleRegressor(ctx: InferContext): void {
  postTransform(ctx);
  const agg = ctx.attrString('aggregate_function', 'SUM');
  if (!['AVERAGE', 'SUM', 'MIN', 'MAX'].includes(agg)) ctx.fail(`aggregate_function must be AVERAGE, SUM, MIN or MAX, got '${agg}'`);
  ctx.setOutputTensor(0, DataType.FLOAT, [examples(ctx).n, ctx.attrInt('n_targets') ?? null]);
}

/** Opset 5's TreeEnsemble keeps the input's element type and enumerates its options as ints. */
function treeEnsemble(ctx: InferContext): void {
  const agg = ctx.attrInt('aggregate_function', 1);
  if (agg < 0 || agg > 3) ctx.fail(`aggregate_function must be 0..3 (AVERAGE, SUM, MIN, MAX), got ${agg}`);
  const post = ctx.attrInt('post_transform', 0);
  if (post < 0 || post > 4) ctx.fail(`post_transform must be 0..4, got ${post}`);
  const targets = ctx.attrInt('n_targets');
  const leafTargets = ctx.attrInts('leaf_targetids', []);
  if (targets !== undefined && leafTargets.some((t) => t < 0 || t >= targets)) {
    ctx.fail(`leaf_targetids must lie in [0, ${targets}) (n_targets)`);
  }
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const { n } = examples(ctx);
  ctx.setOutputTensor(0, x.dtype, [n, targets ?? null]);
}

registerShapeRules(
  {
    LinearClassifier: linearClassifier,
    LinearRegressor: linearRegressor,
    SVMClassifier: svmClassifier,
    SVMRegressor: svmRegressor,
    TreeEnsemble: treeEnsemble,
    TreeEnsembleClassifier: treeEnsembleClassifier,
    TreeEnsembleRegressor: treeEnsembleRegressor,
  },
  'ai.onnx.ml',
);
