/**
 * fold-constants on small graphs: what folds (data movement, Cast, exact float arithmetic), what does
 * not (transcendentals, growth by broadcasting, casts of values a runtime may treat differently), and
 * that onnxruntime gives bit-identical outputs before and after.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../ir/attribute.js';
import { DataType } from '../ir/dtype.js';
import { Node } from '../ir/node.js';
import { ArrayTensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { foldConstants } from './fold-constants.js';
import { count, expectSameOutputs, GraphBuilder, opTypes } from './optimize-transposes/test-helpers.js';

describe('fold-constants', () => {
  it('stores a filter in the layout its reader wants: Transpose/Reshape/Squeeze/Unsqueeze/Cast of a weight', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4, 3, 2, 2]);
    const hwio = b.init('kernel', [2, 2, 3, 4], [1, -2, 3.5, 0.25, -7]);
    const oihw = b.t(hwio, [3, 2, 0, 1]);
    const flat = b.one('Reshape', [oihw, b.ints('shape', [1, 48])]);
    const squeezed = b.one('Squeeze', [flat, b.ints('axes0', [0])]);
    const back = b.one('Reshape', [squeezed, b.ints('shape2', [4, 3, 2, 2])]);
    const un = b.one('Unsqueeze', [back, b.ints('axes1', [0])]);
    const sq = b.one('Squeeze', [un, b.ints('axes2', [0])]);
    const d = b.one('Cast', [sq], [attr.int('to', DataType.DOUBLE)]);
    const f = b.one('Cast', [d], [attr.int('to', DataType.FLOAT)]);
    b.output(b.one('Add', [x, f]), 'y', [4, 3, 2, 2]);
    const model = b.model();
    const result = await expectSameOutputs(model, [foldConstants]);
    expect(result.modified).toBe(true);
    expect(opTypes(model)).toEqual(['Add']);
    // The weight that was folded away is gone, not kept beside its new form.
    expect([...model.graph.initializers.keys()]).not.toContain('kernel');
    const folded = model.graph.nodes()[0]!.input(1)!;
    expect(folded.constValue?.dims).toEqual([4, 3, 2, 2]);
  });

  it("folds Keras' inference BatchNormalization scale and offset bit for bit", async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 5]);
    const gamma = b.init('gamma', [5], [0.5, 1.25, -2, 3, 0.1]);
    const beta = b.init('beta', [5], [0.1, -0.2, 0.3, 0, 1]);
    const mean = b.init('mean', [5], [0.3, -1.7, 2.2, 0.01, 5]);
    const variance = b.init('var', [5], [0.9, 1.3, 0.02, 4.5, 7.7]);
    const eps = b.init('eps', [], [0.001]);
    const scale = b.one('Mul', [b.one('Reciprocal', [b.one('Sqrt', [b.one('Add', [variance, eps])])]), gamma]);
    const offset = b.one('Sub', [beta, b.one('Mul', [mean, scale])]);
    b.output(b.one('Add', [b.one('Mul', [x, scale]), offset]), 'y', [2, 5]);
    const model = b.model();
    await expectSameOutputs(model, [foldConstants]);
    expect(opTypes(model)).toEqual(['Mul', 'Add']);
  });

  it('turns a folded graph output into a Constant that keeps its name', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    b.output(b.one('Neg', [x]), 'unused', [2]);
    const c = new Node('Constant', [], { name: 'c', outputs: ['c'], attributes: [attr.tensor('value', new ArrayTensor(DataType.FLOAT, [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)))] });
    c.output(0).type = tensorType(DataType.FLOAT, [2, 3]);
    b.graph.appendNode(c);
    b.output(b.t(c.output(0), [1, 0]), 'y', [3, 2]);
    const model = b.model();
    await expectSameOutputs(model, [foldConstants]);
    expect(opTypes(model)).toEqual(['Neg', 'Constant']);
    expect(model.graph.outputs[1]!.name).toBe('y');
    expect(model.graph.outputs[1]!.producer?.attrTensor('value')?.dims).toEqual([3, 2]);
  });

  it('leaves what a runtime may compute differently, and broadcasts that would grow the model', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3, 4]);
    const w = b.init('w', [3, 1], [0.5, 1.5, 2.5]);
    const exp = b.one('Exp', [w]);
    const grown = b.one('Add', [w, b.init('row', [1, 4], [1, 2, 3, 4])]);
    const nan = b.one('Cast', [b.init('nan', [1], [Number.NaN])], [attr.int('to', DataType.INT32)]);
    b.output(b.one('Add', [b.one('Mul', [x, exp]), grown]), 'y', [3, 4]);
    b.output(nan, 'n', [1], DataType.INT32);
    const model = b.model();
    const result = foldConstants.run(model);
    expect(result.modified).toBe(false);
    expect(count(model, 'Exp')).toBe(1);
    expect(count(model, 'Cast')).toBe(1);
    expect(count(model, 'Add')).toBe(2);
  });

  it('keeps a source constant that something else still reads', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 3]);
    const w = b.init('w', [3, 2], [1, 2, 3, 4, 5, 6]);
    b.output(b.one('Add', [x, b.t(w, [1, 0])]), 'y', [2, 3]);
    b.output(b.one('MatMul', [x, w]), 'z', [2, 2]);
    const model = b.model();
    foldConstants.run(model);
    expect(count(model, 'Transpose')).toBe(0);
    expect(model.graph.initializers.has('w')).toBe(true);
  });
});
