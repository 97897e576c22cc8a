import { describe, expect, it } from 'vitest';
import { attr } from '../attribute.js';
import { DataType } from '../dtype.js';
import { Graph } from '../graph.js';
import { Model } from '../model.js';
import { Node } from '../node.js';
import { tensorType } from '../types.js';
import { Value } from '../value.js';
import { checkModel } from './check-model.js';

function model(build: (g: Graph) => void, opset = 21): Model {
  const g = new Graph('g');
  build(g);
  return new Model(g, new Map([['', opset]]), 10);
}

function messages(m: Model): string[] {
  return checkModel(m).errors.map((e) => e.message);
}

describe('checkModel', () => {
  it('accepts a well-formed graph', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
      const n = g.appendNode(new Node('Relu', [x], { name: 'r', outputs: ['y'] }));
      n.output(0).type = tensorType(DataType.FLOAT, [2]);
      g.addOutput(n.output(0));
    });
    expect(messages(m)).toEqual([]);
  });

  it('names the node, op and types when inputs bound to one type variable disagree', () => {
    const m = model((g) => {
      const a = g.addInput('a', tensorType(DataType.FLOAT, [2]));
      const b = g.addInput('b', tensorType(DataType.INT64, [2]));
      g.addOutput(g.appendNode(new Node('Add', [a, b], { name: 'add', outputs: ['y'] })).output(0));
    });
    expect(messages(m)).toEqual([
      'node "add", op Add: input 1 ("b") has type tensor(int64) but T is already bound to tensor(float)',
    ]);
  });

  it('rejects a type outside the constraint', () => {
    const m = model((g) => {
      const a = g.addInput('a', tensorType(DataType.STRING, [2]));
      g.addOutput(g.appendNode(new Node('Relu', [a], { name: 'r', outputs: ['y'] })).output(0));
    });
    expect(messages(m)[0]).toMatch(/node "r", op Relu: input 0 \("a"\) has type tensor\(string\); Relu allows .*tensor\(float\)/);
  });

  it('reports missing required attributes, unknown attributes and wrong attribute types together', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2, 3]));
      const n = new Node('Cast', [x], { name: 'c', outputs: ['y'], attributes: [attr.string('bogus', 'x')] });
      const t = new Node('Transpose', [x], { name: 't', outputs: ['z'], attributes: [attr.float('perm', 1)] });
      g.appendNode(n);
      g.appendNode(t);
      g.addOutput(n.output(0));
      g.addOutput(t.output(0));
    });
    expect(messages(m)).toEqual([
      'node "c", op Cast: has attribute bogus, which Cast (opset 21) does not define',
      'node "c", op Cast: required attribute to is missing',
      'node "t", op Transpose: attribute perm must be INTS, got FLOAT',
    ]);
  });

  it('says which opset an op first appears in', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
      g.addOutput(g.appendNode(new Node('Gelu', [x], { name: 'gelu', outputs: ['y'] })).output(0));
    }, 17);
    expect(messages(m)).toEqual(['node "gelu", op Gelu: Gelu first appears in ai.onnx opset 20, the model imports opset 17']);
  });

  it('reports an op of no known domain and a domain the model does not import', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
      const a = g.appendNode(new Node('Frobnicate', [x], { name: 'f', outputs: ['y'] }));
      const b = g.appendNode(new Node('LabelEncoder', [x], { name: 'le', domain: 'ai.onnx.ml', outputs: ['z'] }));
      g.addOutput(a.output(0));
      g.addOutput(b.output(0));
    });
    expect(messages(m)).toEqual([
      'node "f", op Frobnicate: Frobnicate is not an op of domain ai.onnx',
      'node "le", op LabelEncoder: domain ai.onnx.ml is not in the model\'s opset imports',
    ]);
  });

  it('catches arity errors and a missing required input', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
      const n = g.appendNode(new Node('MatMul', [x, null], { name: 'mm', outputs: ['y'] }));
      const k = g.appendNode(new Node('Relu', [x, x], { name: 'r2', outputs: ['z'] }));
      g.addOutput(n.output(0));
      g.addOutput(k.output(0));
    });
    expect(messages(m)).toEqual([
      'node "mm", op MatMul: required input 1 (B) is missing',
      'node "r2", op Relu: takes exactly 1 inputs, got 2',
    ]);
  });

  it('enforces SSA and topological order', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
      const late = new Node('Relu', [x], { name: 'late', outputs: ['t'] });
      const early = new Node('Neg', [late.output(0)], { name: 'early', outputs: ['x'] });
      g.appendNode(early);
      g.appendNode(late);
      g.addOutput(early.output(0));
    });
    expect(messages(m)).toEqual([
      'node "early", op Neg: input 0 ("t") is produced by a later node: nodes are not in topological order',
      'node "early", op Neg: output "x" is already defined (SSA: one definition per name)',
    ]);
  });

  it('flags a deprecated op and an opset newer than we know', () => {
    const m = model((g) => {
      const x = g.addInput('x', tensorType(DataType.FLOAT, [1, 1, 2, 2]));
      g.addOutput(g.appendNode(new Node('Upsample', [x, new Value('s')], { name: 'up', outputs: ['y'] })).output(0));
    }, 10);
    expect(messages(m).some((s) => /Upsample is deprecated as of ai\.onnx opset 10/.test(s))).toBe(true);
    const newer = model(() => {}, 99);
    expect(messages(newer)).toEqual(['opset 99 of ai.onnx is newer than the newest we know (27)']);
  });
});
