/**
 * One case per handled op: y = Transpose(NCHW->NHWC)(Tile(x)) feeds the op (Tile by ones is an op the
 * pass knows nothing about, so the Transpose cannot move up). After the pass the op must read the
 * untransposed tensor, with its axes rewritten, and onnxruntime must give bit-identical outputs.
 */
import { describe, expect, it } from 'vitest';
import { attr, type Attribute } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import type { Value } from '../../ir/value.js';
import { optimizeTransposes } from '../optimize-transposes.js';
import { count, expectSameOutputs, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW } from './test-helpers.js';

interface Case {
  name: string;
  op: string;
  /** Dims of x (NCHW); y has them in NHWC order. Default [2, 3, 4, 5], so y is [2, 4, 5, 3]. */
  shape?: number[];
  opset?: number;
  /** Builds the op on y; returns the graph outputs. */
  build(b: GraphBuilder, y: Value): Value[];
  /** Checks on the op node after the pass. */
  check?(node: Node): void;
  /** The input of the op that read y (default 0). */
  input?: number;
  /** Transposes left (default: one per output that still needs one, at most the count before). */
  left?: number;
  exact?: boolean;
}

const one = (op: string, attrs: Attribute[] = [], extra: (b: GraphBuilder) => (Value | null)[] = () => []) => (b: GraphBuilder, y: Value) => [b.one(op, [y, ...extra(b)], attrs)];
const f = (b: GraphBuilder, name: string, dims: number[], data: number[]) => b.init(name, dims, data);
const ints = (node: Node, i: number): number[] => Array.from(node.input(i)!.constValue!.toArray(), Number);

const CASES: Case[] = [
  ...['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Erf', 'Neg', 'Abs', 'Identity', 'Softplus', 'Elu', 'HardSwish', 'Floor', 'Sign'].map((op) => ({ name: op, op, build: one(op) })),
  { name: 'Sqrt of Abs', op: 'Abs', build: (b, y) => [b.one('Sqrt', [b.one('Abs', [y])])] },
  { name: 'LeakyRelu', op: 'LeakyRelu', build: one('LeakyRelu', [attr.float('alpha', 0.3)]) },
  { name: 'Clip with scalar bounds', op: 'Clip', build: one('Clip', [], (b) => [f(b, 'lo', [], [-0.5]), f(b, 'hi', [], [0.75])]) },
  { name: 'Cast to int32', op: 'Cast', build: one('Cast', [attr.int('to', DataType.INT32)]) },
  { name: 'Dropout (inference)', op: 'Dropout', build: one('Dropout') },
  { name: 'Dropout with training_mode=false', op: 'Dropout', build: (b, y) => b.op('Dropout', [y, null, b.init('tm', [], [0], DataType.BOOL)], [], 2).slice(0, 1) },
  { name: 'Add of a [C] constant', op: 'Add', build: one('Add', [], (b) => [f(b, 'c', [3], [1, -2, 0.5])]), check: (n) => expect(n.input(1)!.constValue!.dims).toEqual([1, 3, 1, 1]) },
  { name: 'Mul by a scalar', op: 'Mul', build: one('Mul', [], (b) => [f(b, 'c', [], [3])]), check: (n) => expect(n.input(1)!.constValue!.dims).toEqual([]) },
  { name: 'Sub of a rank-2 constant', op: 'Sub', input: 1, build: (b, y) => [b.one('Sub', [f(b, 'c', [5, 1], [1, 2, 3, 4, 5]), y])], check: (n) => expect(n.input(0)!.constValue!.dims).toEqual([1, 1, 1, 5]) },
  { name: 'Div by a rank-3 constant', op: 'Div', build: one('Div', [], (b) => [f(b, 'c', [4, 1, 3], [1, 2, 4, 8, 0.5, 0.25])]), check: (n) => expect(n.input(1)!.constValue!.dims).toEqual([1, 3, 4, 1]) },
  { name: 'Pow by a scalar', op: 'Pow', build: one('Pow', [], (b) => [f(b, 'c', [1, 1], [3])]) },
  { name: 'PRelu with a [C] slope', op: 'PRelu', build: one('PRelu', [], (b) => [f(b, 's', [3], [0.1, 0.2, 0.3])]) },
  { name: 'Min, Max, Sum and Mean, variadic', op: 'Sum', build: (b, y) => [b.one('Sum', [y, b.one('Max', [y, f(b, 'c', [3], [0, 1, -1])]), b.one('Min', [y, f(b, 'd', [1], [0.5])]), b.one('Mean', [y, y])])], left: 1 },
  { name: 'Where', op: 'Where', input: 1, build: (b, y) => [b.one('Where', [b.one('Greater', [y, f(b, 'z', [], [0])]), y, f(b, 'c', [5, 3], [7, 8, 9])])] },
  { name: 'Concat with a constant', op: 'Concat', build: one('Concat', [attr.int('axis', -1)], (b) => [f(b, 'c', [2, 4, 5, 2], [1, 2, 3])]), check: (n) => expect(n.attrInt('axis')).toBe(1) },
  {
    name: 'Split, both halves transposed back',
    op: 'Split',
    build: (b, y) => b.op('Split', [y, b.ints('split', [2, 3])], [attr.int('axis', 2)], 2).map((o) => b.t(o, NHWC_TO_NCHW)),
    check: (n) => expect(n.attrInt('axis')).toBe(3),
    left: 0,
  },
  { name: 'ReduceMax, keepdims=0', op: 'ReduceMax', build: one('ReduceMax', [attr.int('keepdims', 0)], (b) => [b.ints('axes', [1])]), check: (n) => expect(ints(n, 1)).toEqual([2]) },
  { name: 'ReduceMin, keepdims=1', op: 'ReduceMin', build: one('ReduceMin', [], (b) => [b.ints('axes', [-1])]), check: (n) => expect(ints(n, 1)).toEqual([1]) },
  { name: 'ReduceSum over all axes', op: 'ReduceSum', build: one('ReduceSum', [attr.int('keepdims', 0)]), left: 0, exact: true },
  { name: 'ReduceSum with noop_with_empty_axes', op: 'ReduceSum', build: one('ReduceSum', [attr.int('noop_with_empty_axes', 1)]) },
  { name: 'ReduceL2, keepdims=0 to [N, C]', op: 'ReduceL2', build: one('ReduceL2', [attr.int('keepdims', 0)], (b) => [b.ints('axes', [1, 2])]), left: 0, exact: true },
  { name: 'ArgMax, keepdims=0', op: 'ArgMax', left: 0, build: one('ArgMax', [attr.int('axis', 3), attr.int('keepdims', 0)]), check: (n) => expect(n.attrInt('axis')).toBe(1) },
  { name: 'Softmax', op: 'Softmax', build: one('Softmax', [attr.int('axis', 1)]), check: (n) => expect(n.attrInt('axis')).toBe(2) },
  { name: 'LogSoftmax', op: 'LogSoftmax', build: one('LogSoftmax'), check: (n) => expect(n.attrInt('axis')).toBe(1) },
  { name: 'Pad', op: 'Pad', build: one('Pad', [], (b) => [b.ints('pads', [0, 1, 2, 0, 0, 3, 0, 1]), f(b, 'v', [], [0.5])]), check: (n) => expect(ints(n, 1)).toEqual([0, 0, 1, 2, 0, 1, 3, 0]) },
  { name: 'Pad with axes, reflect', op: 'Pad', build: one('Pad', [attr.string('mode', 'reflect')], (b) => [b.ints('pads', [1, 2, 2, 1]), null, b.ints('axes', [1, 3])]), check: (n) => expect(ints(n, 3)).toEqual([2, 1]) },
  { name: 'Slice with axes and a negative step', op: 'Slice', build: one('Slice', [], (b) => [b.ints('s', [3, 1]), b.ints('e', [0, 3]), b.ints('a', [1, -1]), b.ints('st', [-1, 1])]), check: (n) => expect(ints(n, 3)).toEqual([2, 1]) },
  { name: 'Slice without axes', op: 'Slice', build: one('Slice', [], (b) => [b.ints('s', [0, 1, 1]), b.ints('e', [2, 3, 4])]), check: (n) => expect(ints(n, 3)).toEqual([0, 2, 3]) },
  { name: 'Squeeze', op: 'Squeeze', shape: [2, 3, 1, 5], build: one('Squeeze', [], (b) => [b.ints('axes', [1])]), check: (n) => expect(ints(n, 1)).toEqual([2]) },
  { name: 'Unsqueeze', op: 'Unsqueeze', build: one('Unsqueeze', [], (b) => [b.ints('axes', [0, 3])]) },
  { name: 'Resize nearest by scales', op: 'Resize', build: one('Resize', [], (b) => [null, f(b, 'sc', [4], [1, 2, 1.5, 1])]), check: (n) => expect(Array.from(n.input(2)!.constValue!.toArray() as Float32Array)).toEqual([1, 1, 2, 1.5]) },
  { name: 'Resize linear by sizes', op: 'Resize', build: one('Resize', [attr.string('mode', 'linear')], (b) => [null, null, b.ints('sz', [2, 7, 9, 3])]), check: (n) => expect(ints(n, 3)).toEqual([2, 3, 7, 9]) },
  {
    name: 'Resize tf_crop_and_resize with roi',
    op: 'Resize',
    build: one('Resize', [attr.string('coordinate_transformation_mode', 'tf_crop_and_resize'), attr.string('mode', 'linear')], (b) => [
      f(b, 'roi', [8], [0, 0.125, 0.25, 0, 1, 0.875, 0.75, 1]),
      null,
      b.ints('sz', [2, 3, 3, 3]),
    ]),
    check: (n) => expect(Array.from(n.input(1)!.constValue!.toArray() as Float32Array)).toEqual([0, 0, 0.125, 0.25, 1, 1, 0.875, 0.75]),
  },
  { name: 'QuantizeLinear per channel', op: 'QuantizeLinear', build: one('QuantizeLinear', [attr.int('axis', 3)], (b) => [f(b, 'sc', [3], [0.1, 0.05, 0.2])]), check: (n) => expect(n.attrInt('axis')).toBe(1) },
  // Older opsets keep axes in attributes.
  { name: 'Squeeze (opset 11)', op: 'Squeeze', opset: 11, shape: [2, 3, 1, 5], build: one('Squeeze', [attr.ints('axes', [-3])]), check: (n) => expect(n.attrInts('axes')).toEqual([2]) },
  { name: 'Unsqueeze (opset 11)', op: 'Unsqueeze', opset: 11, build: one('Unsqueeze', [attr.ints('axes', [4])]) },
  { name: 'Slice (opset 9)', op: 'Slice', opset: 9, build: one('Slice', [attr.ints('starts', [1]), attr.ints('ends', [3])]), check: (n) => expect(n.attrInts('axes')).toEqual([0]) },
  { name: 'Pad (opset 10)', op: 'Pad', opset: 10, build: one('Pad', [attr.ints('pads', [0, 1, 0, 2, 0, 0, 1, 0])]), check: (n) => expect(n.attrInts('pads')).toEqual([0, 2, 1, 0, 0, 0, 0, 1]) },
];

describe('optimize-transposes pushes through each handled op', () => {
  it('does not push through Pow with a per-channel exponent (Note [kernel fast paths])', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3, 4, 5]);
    const y = b.t(b.one('Tile', [x, b.ints('reps', [1, 1, 1, 1])]), NCHW_TO_NHWC);
    b.output(b.one('Pow', [y, b.init('e', [3], [2, 3, 1])]), 'out0');
    const model = b.model();
    const result = await expectSameOutputs(model, [optimizeTransposes]);
    expect(result.modified).toBe(false);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const b = new GraphBuilder();
    const x = b.input('x', c.shape ?? [2, 3, 4, 5]);
    const y = b.t(b.one('Tile', [x, b.ints('reps', [1, 1, 1, 1])]), NCHW_TO_NHWC);
    const outs = c.build(b, y);
    outs.forEach((o, i) => b.output(o, `out${i}`));
    const model = b.model(c.opset ?? 18);
    const before = count(model, 'Transpose');
    await expectSameOutputs(model, [optimizeTransposes], { exact: c.exact });
    const node = [...model.graph].find((n) => n.opType === c.op)!;
    expect(node.input(c.input ?? 0)!.producer?.opType).toBe('Tile');
    expect(count(model, 'Transpose')).toBe(c.left ?? Math.min(before, outs.length));
    c.check?.(node);
  });
});
