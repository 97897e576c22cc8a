import { describe, expect, it } from 'vitest';
import { attr } from '../ir/attribute.js';
import { DataType } from '../ir/dtype.js';
import { printModel } from '../ir/print.js';
import type { Value } from '../ir/value.js';
import { count, expectSameOutputs, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW, onGrid, opTypes, randomFeeds, randoms, runOrt } from './optimize-transposes/test-helpers.js';
import { createOptimizeTransposes, optimizeTransposes } from './optimize-transposes.js';

const pass = [optimizeTransposes];

/** Conv over NCHW with `cout` filters of size k, "same" padding, deterministic weights on the 1/8 grid. */
function conv(b: GraphBuilder, x: Value, cin: number, cout: number, k = 3, seed = 7): Value {
  const w = b.init(`w${seed}`, [cout, cin, k, k], onGrid(randoms(cout * cin * k * k, seed)));
  const p = (k - 1) / 2;
  return b.one('Conv', [x, w], [attr.ints('pads', [p, p, p, p])]);
}

/** The TF importer's lowering of a layout-sensitive op: to NCHW, the op, back to NHWC. */
function nchw(b: GraphBuilder, x: Value, op: (y: Value) => Value): Value {
  return b.t(op(b.t(x, NHWC_TO_NCHW)), NCHW_TO_NHWC);
}

/** The Transposes left, as [what they read, perm]. */
function transposes(b: GraphBuilder): [string, number[]][] {
  return [...b.graph].filter((n) => n.opType === 'Transpose').map((n) => [n.input(0)!.producer?.opType ?? n.input(0)!.name, n.attrInts('perm')!]);
}

describe('optimize-transposes on NHWC graphs lowered to NCHW ops', () => {
  it('leaves one Transpose after the input and one before the output of a conv net', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 8, 8, 3]);
    const c = nchw(b, x, (y) => conv(b, y, 3, 4));
    const bias = b.init('bias', [4], [0.5, -1, 0.25, 2]);
    const a = b.one('Add', [b.one('Relu', [c]), bias]);
    const out = nchw(b, a, (y) => b.one('MaxPool', [y], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]));
    b.output(out, 'y', [1, 4, 4, 4]);
    const model = b.model();
    expect(count(model, 'Transpose')).toBe(4);

    const result = await expectSameOutputs(model, pass);
    expect(result.converged).toBe(true);
    expect(opTypes(model)).toEqual(['Transpose', 'Conv', 'Relu', 'Add', 'MaxPool', 'Transpose']);
    const [first, last] = [model.graph.firstNode!, model.graph.lastNode!];
    expect(first.input(0)).toBe(x);
    expect(first.attrInts('perm')).toEqual(NHWC_TO_NCHW);
    expect(last.output(0)).toBe(model.graph.outputs[0]);
    expect(last.attrInts('perm')).toEqual(NCHW_TO_NHWC);
    expect(model.graph.outputs[0]!.name).toBe('y');
    // The NHWC bias [4] was unsqueezed to [1,1,1,4] and permuted to NCHW at compile time, in place.
    expect(bias.constValue!.dims).toEqual([1, 4, 1, 1]);
    expect(model.graph.initializers.size).toBe(2);
  });

  it('merges a residual Add of two transposed branches into one Transpose', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 6, 6, 3]);
    const left = nchw(b, x, (y) => conv(b, y, 3, 5, 3, 1));
    const right = nchw(b, x, (y) => conv(b, y, 3, 5, 1, 2));
    b.output(b.one('Relu', [b.one('Add', [left, right])]), 'y', [2, 6, 6, 5]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    // The two input Transposes are one now; the branch Transposes met in the Add and left through Relu.
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['Relu', NCHW_TO_NHWC],
    ]);
  });

  it('turns a ResNet block with an NHWC skip connection into one NCHW region', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 5, 5, 4]);
    const stem = b.one('Relu', [nchw(b, x, (y) => conv(b, y, 4, 4, 3, 3))]);
    const c1 = b.one('Relu', [nchw(b, stem, (y) => conv(b, y, 4, 4, 3, 4))]);
    const c2 = nchw(b, c1, (y) => conv(b, y, 4, 4, 3, 5));
    const block = b.one('Relu', [b.one('Add', [c2, stem])]);
    const pooled = b.one('ReduceMean', [block, b.ints('hw', [1, 2])], [attr.int('keepdims', 0)]);
    b.output(pooled, 'y', [1, 4]);
    const model = b.model();
    expect(count(model, 'Transpose')).toBe(6);
    // Inputs and weights on the 1/8 grid keep every sum exact, so the ReduceMean agrees bit for bit.
    await expectSameOutputs(model, pass, { exact: true });
    // Global average pooling over NCHW needs no Transpose on its [N, C] result.
    expect(transposes(b)).toEqual([['x', NHWC_TO_NCHW]]);
  });

  it('remaps the Concat axis', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 2]);
    const l = nchw(b, x, (y) => conv(b, y, 2, 3, 3, 1));
    const r = nchw(b, x, (y) => conv(b, y, 2, 5, 1, 2));
    const cat = b.one('Concat', [l, r], [attr.int('axis', -1)]);
    b.output(nchw(b, cat, (y) => conv(b, y, 8, 2, 1, 3)), 'y', [1, 4, 4, 2]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(count(model, 'Transpose')).toBe(2);
    expect([...model.graph].find((n) => n.opType === 'Concat')!.attrInt('axis')).toBe(1);
  });

  it.each([
    [0, [1, 3], []],
    [1, [1, 1, 1, 3], [['ReduceMean', NCHW_TO_NHWC]]],
  ] as const)('remaps ReduceMean axes with keepdims=%i', async (keepdims, dims, tail) => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 2]);
    const c = nchw(b, x, (y) => conv(b, y, 2, 3));
    const axes = b.ints('axes', [1, -2]);
    b.output(b.one('ReduceMean', [c, axes], [attr.int('keepdims', keepdims)]), 'y', [...dims]);
    const model = b.model();
    await expectSameOutputs(model, pass, { exact: true });
    expect(transposes(b)).toEqual([['x', NHWC_TO_NCHW], ...tail]);
    expect(Array.from(axes.constValue!.toArray(), Number)).toEqual([2, 3]);
  });

  it('remaps ReduceMax axes given as an attribute (opset 13)', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 5]);
    const c = nchw(b, x, (y) => b.one('Relu', [b.one('MaxPool', [y], [attr.ints('kernel_shape', [1, 1])])]));
    b.output(b.one('ReduceMax', [c], [attr.ints('axes', [2]), attr.int('keepdims', 0)]), 'y', [2, 3, 5]);
    const model = b.model(13);
    await expectSameOutputs(model, pass);
    const reduce = [...model.graph].find((n) => n.opType === 'ReduceMax')!;
    expect(reduce.attrInts('axes')).toEqual([3]);
    // NCHW [2,5,3,4] reduced over W gives [2,5,3]; NHWC wants [2,3,5].
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['ReduceMax', [0, 2, 1]],
    ]);
  });

  it('goes through several readers when each of them absorbs the Transpose', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 3]);
    const c = nchw(b, x, (y) => conv(b, y, 3, 3));
    const r = nchw(b, b.one('Relu', [c]), (y) => conv(b, y, 3, 3, 1, 2));
    const s = nchw(b, b.one('Mul', [c, b.init('k', [1, 1, 1, 3], [2, 3, 4])]), (y) => conv(b, y, 3, 3, 1, 3));
    b.output(r, 'r', [1, 4, 4, 3]);
    b.output(s, 's', [1, 4, 4, 3]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['Conv', NCHW_TO_NHWC],
      ['Conv', NCHW_TO_NHWC],
    ]);
  });

  it('keeps the Transpose for a reader that cannot absorb it, and removes it for the others', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 3, 2]);
    const c = nchw(b, x, (y) => conv(b, y, 2, 2));
    const relu = nchw(b, b.one('Relu', [c]), (y) => conv(b, y, 2, 2, 1, 2));
    const mm = b.one('MatMul', [c, b.init('w', [2, 2], [1, 0.5, -1, 2])]);
    b.output(relu, 'r', [1, 3, 3, 2]);
    b.output(mm, 'm', [1, 3, 3, 2]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['Conv', NCHW_TO_NHWC],
      ['Conv', NCHW_TO_NHWC],
    ]);
    const mmNode = [...model.graph].find((n) => n.opType === 'MatMul')!;
    expect(mmNode.input(0)!.producer!.opType).toBe('Transpose');
  });

  it('gets through a swish diamond, x * Sigmoid(x), pushing through both readers at once', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 3]);
    const c = nchw(b, x, (y) => conv(b, y, 3, 3));
    const swish = b.one('Mul', [c, b.one('Sigmoid', [c])]);
    b.output(nchw(b, swish, (y) => conv(b, y, 3, 2, 1, 2)), 'y', [1, 4, 4, 2]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(opTypes(model)).toEqual(['Transpose', 'Conv', 'Sigmoid', 'Mul', 'Conv', 'Transpose']);
  });

  it('grows a joint push along the readers\' outputs until the branches meet again', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 3]);
    const c = nchw(b, x, (y) => conv(b, y, 3, 3));
    const left = b.one('Neg', [b.one('Relu', [c])]);
    const right = b.one('Clip', [b.one('Sigmoid', [c]), b.init('lo', [], [0.25])]);
    b.output(b.one('Div', [left, b.one('Add', [right, b.init('one', [1, 1, 3], [1, 2, 3])])]), 'y', [1, 4, 4, 3]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['Div', NCHW_TO_NHWC],
    ]);
  });

  it('cancels a pair around elementwise ops next to a graph input, by hoisting the second one', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 3]);
    const y = b.one('Mul', [b.one('Relu', [b.t(x, NHWC_TO_NCHW)]), b.init('k', [3, 1, 1], [1, 2, 3])]);
    b.output(b.t(y, NCHW_TO_NHWC), 'y', [1, 4, 4, 3]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(opTypes(model)).toEqual(['Relu', 'Mul']);
    expect(model.graph.initializers.get('k')!.constValue!.dims).toEqual([1, 1, 1, 3]);
  });

  it('permutes a constant read by several nodes once, and drops the original', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 3, 2]);
    const bias = b.init('bias', [2], [0.5, -0.25]);
    const l = b.one('Add', [nchw(b, x, (y) => conv(b, y, 2, 2, 3, 1)), bias]);
    const r = b.one('Add', [nchw(b, x, (y) => conv(b, y, 2, 2, 1, 2)), bias]);
    b.output(nchw(b, b.one('Mul', [l, r]), (y) => conv(b, y, 2, 2, 1, 3)), 'y', [1, 3, 3, 2]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(count(model, 'Transpose')).toBe(2);
    const adds = [...model.graph].filter((n) => n.opType === 'Add');
    expect(adds[0]!.input(1)).toBe(adds[1]!.input(1));
    expect(adds[0]!.input(1)!.name).toBe('bias_perm');
    expect(adds[0]!.input(1)!.constValue!.dims).toEqual([1, 2, 1, 1]);
    expect(model.graph.initializers.has('bias')).toBe(false);
  });

  it('does not touch a Transpose feeding MatMul', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4]);
    const t = b.t(x, [0, 2, 1]);
    b.output(b.one('MatMul', [t, b.init('w', [3, 5], [1, 2, 3])]), 'y', [2, 4, 5]);
    const model = b.model();
    const text = printModel(model);
    expect(optimizeTransposes.run(model).modified).toBe(false);
    expect(printModel(model)).toBe(text);
  });

  it('hoists a Transpose above elementwise preprocessing to the graph input', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 4, 3]);
    const scaled = b.one('Add', [b.one('Mul', [x, b.init('scale', [], [1 / 255])]), b.init('offset', [3], [-0.5, 0.25, 1])]);
    b.output(nchw(b, scaled, (y) => conv(b, y, 3, 2)), 'y', [1, 4, 4, 2]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(opTypes(model)).toEqual(['Transpose', 'Mul', 'Add', 'Conv', 'Transpose']);
    expect(model.graph.firstNode!.input(0)).toBe(x);
    expect(model.graph.initializers.get('offset')!.constValue!.dims).toEqual([1, 3, 1, 1]);
  });

  it('adds a Transpose to a non-constant operand only when that lowers the count', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 3, 2]);
    const z = b.input('z', [1, 3, 3, 2]);
    const c = nchw(b, x, (y) => conv(b, y, 2, 2));
    b.output(b.one('Sub', [c, z]), 'd', [1, 3, 3, 2]);
    const before = b.model();
    // Alone, Sub would trade the Transpose of c for one of z and one after it: left as it is.
    expect(optimizeTransposes.run(before).modified).toBe(false);

    const sum = b.one('Add', [c, z]);
    b.output(nchw(b, sum, (y) => conv(b, y, 2, 2, 1, 2)), 'y', [1, 3, 3, 2]);
    const model = b.model();
    expect(count(model, 'Transpose')).toBe(4);
    await expectSameOutputs(model, pass);
    // The Add's result is wanted in NCHW: z gets a Transpose and two go. Sub then reuses it.
    const add = [...model.graph].find((n) => n.opType === 'Add')!;
    const sub = [...model.graph].find((n) => n.opType === 'Sub')!;
    expect(add.input(1)!.producer?.opType).toBe('Transpose');
    expect(add.input(1)!.producer!.input(0)).toBe(z);
    expect(sub.input(1)).toBe(add.input(1));
    expect(sub.input(0)!.producer?.opType).toBe('Conv');
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['z', NHWC_TO_NCHW],
      ['Sub', NCHW_TO_NHWC],
      ['Conv', NCHW_TO_NHWC],
    ]);
  });

  it('cancels inverse pairs and merges chains', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 5]);
    // Tile by ones: an op the pass knows nothing about, so nothing moves past it.
    const m = b.one('Tile', [x, b.ints('reps', [1, 1, 1, 1])]);
    b.output(b.t(b.t(m, [0, 2, 1, 3]), [0, 2, 1, 3]), 'y', [2, 3, 4, 5]);
    b.output(b.t(b.t(m, [0, 2, 1, 3]), [1, 0, 3, 2]), 'z', [4, 2, 5, 3]);
    b.output(b.t(b.t(b.t(m, [3, 2, 1, 0]), [1, 0, 2, 3]), [3, 1, 2, 0]), 'w', [2, 5, 3, 4]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(model.graph.outputs[0]!.producer!.opType).toBe('Tile');
    expect(model.graph.outputs[0]!.name).toBe('y');
    expect(transposes(b)).toEqual([
      ['Tile', [2, 0, 3, 1]],
      ['Tile', [0, 3, 1, 2]],
    ]);
  });

  it('keeps a Transpose between a graph input and a graph output as an Identity when it cancels', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4]);
    b.output(b.t(b.t(x, [1, 2, 0]), [2, 0, 1]), 'y', [2, 3, 4]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect(opTypes(model)).toEqual(['Identity']);
    expect(model.graph.inputs[0]!.name).toBe('x');
  });

  it('optimizes inside If branches, with the opset of the model', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 2, 3]);
    const cond = b.one('ReduceMax', [b.one('Greater', [x, b.init('zero', [], [0])])].map((v) => b.one('Cast', [v], [attr.int('to', DataType.INT32)])), [attr.int('keepdims', 0)]);
    const sub = new GraphBuilder();
    const inner = sub.one('Relu', [sub.t(sub.one('Neg', [sub.t(x, NHWC_TO_NCHW)]), NCHW_TO_NHWC)]);
    sub.output(inner, 'then_out', [1, 2, 2, 3]);
    const other = new GraphBuilder();
    other.output(other.one('Identity', [x]), 'else_out', [1, 2, 2, 3]);
    const ifNode = b.op('If', [b.one('Cast', [cond], [attr.int('to', DataType.BOOL)])], [attr.graph('then_branch', sub.graph), attr.graph('else_branch', other.graph)]);
    sub.graph.parentNode = ifNode[0]!.producer;
    other.graph.parentNode = ifNode[0]!.producer;
    b.output(ifNode[0]!, 'y', [1, 2, 2, 3]);
    const model = b.model();
    await expectSameOutputs(model, pass);
    expect([...sub.graph].map((n) => n.opType)).toEqual(['Neg', 'Relu']);
  });
});

describe('optimize-transposes and summing reductions (Note [reduction order])', () => {
  function pooled(): GraphBuilder {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 6, 6, 8]);
    const c = nchw(b, x, (y) => b.one('MaxPool', [y], [attr.ints('kernel_shape', [1, 1])]));
    b.output(b.one('ReduceMean', [c, b.ints('axes', [1, 2])], [attr.int('keepdims', 0)]), 'y', [2, 8]);
    return b;
  }

  it('in strict mode leaves the Transpose in front of a ReduceMean, and results bit-identical on any input', async () => {
    const b = pooled();
    const model = b.model();
    await expectSameOutputs(model, [createOptimizeTransposes({ strict: true })]);
    expect(transposes(b)).toEqual([
      ['x', NHWC_TO_NCHW],
      ['MaxPool', NCHW_TO_NHWC],
    ]);
  });

  it('by default moves it, and onnxruntime then sums in another order: equal to rounding only', async () => {
    const b = pooled();
    const model = b.model();
    const feeds = randomFeeds(model, { seed: 3 });
    const want = (await runOrt(model, feeds))['y']!.data as Float32Array;
    optimizeTransposes.run(model);
    expect(transposes(b)).toEqual([['x', NHWC_TO_NCHW]]);
    const got = (await runOrt(model, feeds))['y']!.data as Float32Array;
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]!))));
  });
});
