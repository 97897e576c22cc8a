import { describe, expect, it } from 'vitest';
import { attr } from './attribute.js';
import { DataType } from './dtype.js';
import { CheckError } from './errors.js';
import { Graph } from './graph.js';
import { Model } from './model.js';
import { Node } from './node.js';
import { printModel } from './print.js';
import { ArrayTensor } from './tensor.js';
import { sortTopologically } from './topo-sort.js';
import { tensorType } from './types.js';
import { verifyModel } from './verify.js';

function chain(): { g: Graph; x: ReturnType<Graph['addInput']>; a: Node; b: Node; c: Node } {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, [2, 'N']));
  const a = g.appendNode(new Node('Relu', [x], { name: 'a', outputs: ['ya'] }));
  const b = g.appendNode(new Node('Neg', [a.output(0)], { name: 'b', outputs: ['yb'] }));
  const c = g.appendNode(new Node('Add', [a.output(0), b.output(0)], { name: 'c', outputs: ['yc'] }));
  g.addOutput(c.output(0));
  return { g, x, a, b, c };
}

describe('Graph mutation keeps use lists exact', () => {
  it('tracks uses through setInput and replaceAllUsesWith', () => {
    const { g, x, a, b, c } = chain();
    expect(a.output(0).uses.map((u) => [u.node.name, u.index])).toEqual([
      ['b', 0],
      ['c', 0],
    ]);
    a.output(0).replaceAllUsesWith(x);
    expect(a.output(0).uses).toHaveLength(0);
    expect(x.uses.map((u) => u.node.name)).toEqual(['a', 'b', 'c']);
    g.removeNode(a);
    expect(x.uses.map((u) => u.node.name)).toEqual(['b', 'c']);
    expect(g.nodes().map((n) => n.name)).toEqual(['b', 'c']);
    verifyModel(new Model(g));
    expect(b.input(0)).toBe(x);
    expect(c.input(0)).toBe(x);
  });

  it('refuses to remove a node whose output is read, naming the node', () => {
    const { g, a } = chain();
    expect(() => g.removeNode(a)).toThrow(CheckError);
    expect(() => g.removeNode(a)).toThrow(/node "a".*ya/);
  });

  it('moves graph outputs when the output value is replaced', () => {
    const { g, b, c } = chain();
    c.output(0).replaceAllUsesWith(b.output(0));
    expect(g.outputs[0]).toBe(b.output(0));
    expect(g.outputs[0]!.name).toBe('yc');
    g.removeNode(c);
    verifyModel(new Model(g));
  });

  it('lets a pass remove the current node and insert after it while iterating', () => {
    const { g, x } = chain();
    const seen: string[] = [];
    for (const n of g) {
      seen.push(n.name!);
      if (n.name === 'b') {
        const neg = n.output(0);
        const id = g.insertAfter(n, new Node('Identity', [x], { name: 'inserted', outputs: ['yi'] }));
        neg.replaceAllUsesWith(id.output(0));
        g.removeNode(n);
      }
    }
    expect(seen).toEqual(['a', 'b', 'inserted', 'c']);
    expect(g.nodes().map((n) => n.name)).toEqual(['a', 'inserted', 'c']);
    verifyModel(new Model(g));
  });
});

describe('sortTopologically', () => {
  it('orders producers first and keeps a stable order otherwise', () => {
    const { g, a, b, c } = chain();
    const g2 = new Graph('g2');
    // Rebuild in reverse insertion order to force sorting.
    for (const n of [c, b, a]) {
      g.removeNode(n, true);
    }
    const x = g2.addInput('x', tensorType(DataType.FLOAT, [2]));
    const na = new Node('Relu', [x], { name: 'a' });
    const nb = new Node('Neg', [na.output(0)], { name: 'b' });
    const nc = new Node('Add', [na.output(0), nb.output(0)], { name: 'c' });
    const free = new Node('Relu', [x], { name: 'free' });
    for (const n of [nc, free, nb, na]) g2.appendNode(n);
    g2.addOutput(nc.output(0));
    sortTopologically(g2);
    expect(g2.nodes().map((n) => n.name)).toEqual(['free', 'a', 'b', 'c']);
    verifyModel(new Model(g2));
  });

  it('counts outer-scope reads of a subgraph as dependencies', () => {
    const g = new Graph('main');
    const cond = g.addInput('cond', tensorType(DataType.BOOL, []));
    const x = g.addInput('x', tensorType(DataType.FLOAT, [1]));
    const relu = new Node('Relu', [x], { name: 'relu', outputs: ['r'] });
    const then = new Graph('then');
    const inner = then.appendNode(new Node('Identity', [relu.output(0)], { name: 'inner', outputs: ['t'] }));
    then.addOutput(inner.output(0));
    const els = new Graph('else');
    els.addOutput(x);
    const ifNode = new Node('If', [cond], { name: 'if', outputs: ['y'], attributes: [attr.graph('then_branch', then), attr.graph('else_branch', els)] });
    then.parentNode = ifNode;
    els.parentNode = ifNode;
    g.appendNode(ifNode);
    g.appendNode(relu);
    g.addOutput(ifNode.output(0));
    sortTopologically(g);
    expect(g.nodes().map((n) => n.name)).toEqual(['relu', 'if']);
    verifyModel(new Model(g));
  });

  it('names a node on a cycle', () => {
    const g = new Graph('cyc');
    const a = new Node('Relu', [], { name: 'a' });
    const b = new Node('Relu', [a.output(0)], { name: 'b' });
    a.setInput(0, b.output(0));
    g.appendNode(a);
    g.appendNode(b);
    expect(() => sortTopologically(g)).toThrow(/cycle.*node "a"|node "a".*cycle/);
  });
});

describe('printModel', () => {
  it('prints structure, types and attributes in a stable form', () => {
    const g = new Graph('mlp');
    const x = g.addInput('x', tensorType(DataType.FLOAT, ['N', 4]));
    const w = g.addInitializer('w', new ArrayTensor(DataType.FLOAT, [4, 2], new Float32Array(8)));
    const mm = g.appendNode(new Node('Gemm', [x, w, null], { name: 'fc', outputs: ['y'], attributes: [attr.int('transB', 0), attr.float('alpha', 1)] }));
    mm.output(0).type = tensorType(DataType.FLOAT, ['N', 2]);
    g.addOutput(mm.output(0));
    expect(printModel(new Model(g, new Map([['', 21]])))).toBe(
      [
        '<ir_version: 10, opset_import: ["": 21]>',
        'graph mlp (float[N,4] x) => (float[N,2] y)',
        '  init w = float[4,2]',
        '{',
        '  y = Gemm "fc" <transB = 0, alpha = 1>(x, w, _)',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('replaceAllUsesWith and graph output names', () => {
  it('does not rename a value that already is a graph output', () => {
    const g = new Graph('g');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
    const a = g.appendNode(new Node('Relu', [x], { name: 'a', outputs: ['ya'] }));
    const b = g.appendNode(new Node('Neg', [x], { name: 'b', outputs: ['yb'] }));
    g.addOutput(a.output(0));
    g.addOutput(b.output(0));
    b.output(0).replaceAllUsesWith(a.output(0));
    expect(a.output(0).name).toBe('ya');
    expect(g.outputs.map((v) => v.name)).toEqual(['ya', 'ya']);
  });
});
