/**
 * Note [flatten into a dense weight] and the Shape readers of a Transpose (shape-of.ts): a Keras CNN head
 * (NHWC feature map -> Flatten -> Dense) lowered the way the TF importer does it, checked against
 * onnxruntime before and after the pass.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { inferShapes } from '../../ir/infer/infer-shapes.js';
import type { Model } from '../../ir/model.js';
import { ArrayTensor } from '../../ir/tensor.js';
import type { Value } from '../../ir/value.js';
import { createOptimizeTransposes, optimizeTransposes } from '../optimize-transposes.js';
import { count, expectSameOutputs, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW, onGrid, opTypes, randomFeeds, randoms, runOrt } from './test-helpers.js';

const pass = [optimizeTransposes];
const [N, H, W, C, UNITS] = [3, 4, 5, 6, 7];
const K = H * W * C;

/** An NHWC feature map, as the importer leaves it: Transpose -> Conv -> Transpose back, then Relu. */
function features(b: GraphBuilder): Value {
  const x = b.input('x', [N, H, W, 3]);
  const w = b.init('filter', [C, 3, 3, 3], onGrid(randoms(C * 27, 5)));
  const conv = b.one('Conv', [b.t(x, NHWC_TO_NCHW), w], [attr.ints('pads', [1, 1, 1, 1])]);
  return b.one('Relu', [b.t(conv, NCHW_TO_NHWC)]);
}

/** Keras' Flatten: Reshape(f, [Shape(f)[0], -1]) computed in int32, as TF lowers it. */
function kerasFlatten(b: GraphBuilder, f: Value): Value {
  const dims = b.one('Cast', [b.one('Shape', [f])], [attr.int('to', DataType.INT32)]);
  const batch = b.one('Slice', [dims, b.ints('starts', [0]), b.ints('ends', [1]), b.ints('axes', [0]), b.ints('steps', [1])]);
  const minusOne = b.op('Constant', [], [attr.tensor('value', new ArrayTensor(DataType.INT32, [1], Int32Array.of(-1)))])[0]!;
  const shape = b.one('Cast', [b.one('Concat', [batch, minusOne], [attr.int('axis', 0)])], [attr.int('to', DataType.INT64)]);
  return b.one('Reshape', [f, shape], [attr.int('allowzero', 1)]);
}

/** The head: Dense(UNITS) on the flattened map, weights on the 1/8 grid unless `weights` says otherwise. */
function kerasHead(weights: (w: Float32Array) => number[] = onGrid): { b: GraphBuilder; model: Model } {
  const b = new GraphBuilder();
  const flat = kerasFlatten(b, features(b));
  const dense = b.one('MatMul', [flat, b.init('dense', [K, UNITS], weights(randoms(K * UNITS, 6)))]);
  b.output(b.one('Add', [dense, b.init('bias', [UNITS], [0.5, -0.25])]), 'y', [N, UNITS]);
  const model = b.model();
  // The rewrite needs the feature map's static dims, which the importer's shape inference provides.
  inferShapes(model);
  return { b, model };
}

function node(model: Model, opType: string) {
  return [...model.graph].find((n) => n.opType === opType)!;
}

describe('optimize-transposes and a flatten into a dense layer (Note [flatten into a dense weight])', () => {
  it('drops the Transpose before a Keras Flatten and reorders the Dense weight rows instead', async () => {
    const { model } = kerasHead();
    expect(count(model, 'Transpose')).toBe(2);
    // On the 1/8 grid every partial sum is exact, so any summation order gives the same bits: this checks
    // the row mapping itself.
    await expectSameOutputs(model, pass, { exact: true });
    expect(opTypes(model).filter((op) => op === 'Transpose')).toEqual(['Transpose']);
    expect(model.graph.firstNode!.input(0)!.name).toBe('x');
    const relu = node(model, 'Relu').output(0);
    expect(node(model, 'Reshape').input(0)).toBe(relu);
    // Shape(f)[0] is the batch, which NCHW and NHWC share: Shape reads the NCHW map as it is.
    expect(node(model, 'Shape').input(0)).toBe(relu);
    // The weight was read only here: rewritten in place, under its name.
    const weight = node(model, 'MatMul').input(1)!;
    expect(weight.name).toBe('dense');
    expect(weight.constValue!.dims).toEqual([K, UNITS]);
  });

  it('on arbitrary floats the dense layer sums in another order: equal to rounding only', async () => {
    // Note [flatten into a dense weight]: MatMul adds the K products in index order, and the rows are now
    // in NCHW order, so onnxruntime's results differ in the last bits (measured: most elements of y, by
    // up to 2e-5 of max(1, |y|) where the sum cancels). Relative to the sum of the terms' magnitudes,
    // the scale of any reordered sum's rounding error, the measured difference stays below 1.3e-7; the
    // test accepts 1e-6 of it.
    const exact = kerasHead((w) => Array.from(w));
    const feeds = randomFeeds(exact.model, { seed: 4 });
    const want = (await runOrt(exact.model, feeds))['y']!.data as Float32Array;
    // The features are a Relu's, so the magnitudes' sum is the same head with |W| (and |bias|).
    const magnitude = (await runOrt(kerasHead((w) => Array.from(w, Math.abs)).model, feeds))['y']!.data as Float32Array;
    optimizeTransposes.run(exact.model);
    expect(count(exact.model, 'Transpose')).toBe(1);
    const got = (await runOrt(exact.model, feeds))['y']!.data as Float32Array;
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-6 * magnitude[i]!));
  });

  it('in strict mode leaves the Transpose in front of the flatten (Note [reduction order])', async () => {
    const { b, model } = kerasHead((w) => Array.from(w));
    await expectSameOutputs(model, [createOptimizeTransposes({ strict: true })]);
    expect(count(model, 'Transpose')).toBe(2);
    expect(node(model, 'Reshape').input(0)!.producer?.opType).toBe('Transpose');
    expect(b.graph.initializers.get('dense')).toBeDefined();
  });

  it.each([
    ['Reshape to [-1, K]', [-1, K]],
    ['Reshape to [0, -1]', [0, -1]],
    ['Reshape to [N, K]', [N, K]],
  ] as const)('folds a constant-shape %s into a MatMul', async (_, shape) => {
    const b = new GraphBuilder();
    const flat = b.one('Reshape', [features(b), b.ints('shape', shape)]);
    b.output(b.one('MatMul', [flat, b.init('dense', [K, UNITS], onGrid(randoms(K * UNITS, 8)))]), 'y', [N, UNITS]);
    const model = b.model();
    inferShapes(model);
    await expectSameOutputs(model, pass, { exact: true });
    expect(count(model, 'Transpose')).toBe(1);
  });

  it('folds Flatten into a Gemm with transB, copying a weight (a Constant node) another node reads', async () => {
    const b = new GraphBuilder();
    const flat = b.one('Flatten', [features(b)], [attr.int('axis', 1)]);
    const weight = b.op('Constant', [], [attr.tensor('value', new ArrayTensor(DataType.FLOAT, [UNITS, K], Float32Array.from(onGrid(randoms(K * UNITS, 9)))))])[0]!;
    const gemm = [attr.int('transB', 1)];
    b.output(b.one('Gemm', [flat, weight, b.init('c', [UNITS], [1, -2, 0.5])], gemm), 'y', [N, UNITS]);
    b.output(b.one('Gemm', [b.input('v', [2, K]), weight], gemm), 'z', [2, UNITS]);
    const model = b.model();
    inferShapes(model);
    await expectSameOutputs(model, pass, { exact: true });
    expect(count(model, 'Transpose')).toBe(1);
    const [dense, other] = [...model.graph].filter((n) => n.opType === 'Gemm');
    expect(other!.input(1)).toBe(weight);
    expect(dense!.input(1)!.name).toMatch(/_perm$/);
    expect(dense!.input(1)!.constValue!.dims).toEqual([UNITS, K]);
  });

  it.each([
    ['the weight is not a constant', (b: GraphBuilder, flat: Value) => b.one('MatMul', [flat, b.input('w', [K, UNITS])])],
    ['the flattened value has another reader', (b: GraphBuilder, flat: Value) => b.one('Add', [b.one('MatMul', [flat, b.init('dense', [K, UNITS], [0.5, -1])]), b.one('ReduceSum', [flat, b.ints('r', [1])])])],
    ['the flatten feeds the weight side', (b: GraphBuilder, flat: Value) => b.one('MatMul', [b.init('lhs', [2, N], [1, 2]), flat])],
  ])('keeps the Transpose when %s', async (_, dense) => {
    const b = new GraphBuilder();
    const flat = b.one('Flatten', [features(b)]);
    b.output(dense(b, flat), 'y');
    const model = b.model();
    inferShapes(model);
    await expectSameOutputs(model, pass, { exact: true });
    expect(count(model, 'Transpose')).toBe(2);
  });

  it('keeps the Transpose before a Reshape that does not flatten every non-batch dim', async () => {
    const b = new GraphBuilder();
    // [N, H, W, C] -> [N * H, W * C]: rows are no longer one batch item each.
    const flat = b.one('Reshape', [features(b), b.ints('shape', [N * H, W * C])]);
    b.output(b.one('MatMul', [flat, b.init('dense', [W * C, UNITS], [0.5, -1, 2])]), 'y', [N * H, UNITS]);
    const model = b.model();
    inferShapes(model);
    await expectSameOutputs(model, pass, { exact: true });
    expect(count(model, 'Transpose')).toBe(2);
  });
});

describe('optimize-transposes and Shape (shape-of.ts)', () => {
  it('points Shape at the untransposed input when only entries the perm keeps are read', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 5]);
    const y = b.t(x, NCHW_TO_NHWC);
    b.output(b.one('Gather', [b.one('Shape', [y]), b.ints('i', [0])]), 'n', [1], DataType.INT64);
    b.output(b.one('Neg', [y]), 'y', [2, 4, 5, 3]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(node(model, 'Shape').input(0)).toBe(x);
    expect(count(model, 'Transpose')).toBe(1);
  });

  it('reads the shape below through a Gather when Shapes are all that keep the Transpose', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 5]);
    const y = b.t(x, NCHW_TO_NHWC);
    b.output(b.one('Shape', [y]), 's', [4], DataType.INT64);
    b.output(b.one('Shape', [y], [attr.int('start', 1), attr.int('end', -1)]), 'hw', [2], DataType.INT64);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(opTypes(model)).toEqual(['Shape', 'Gather', 'Shape', 'Gather']);
    expect(model.graph.outputs.map((o) => o.producer!.opType)).toEqual(['Gather', 'Gather']);
    expect(model.graph.outputs.map((o) => o.name)).toEqual(['s', 'hw']);
  });
});
