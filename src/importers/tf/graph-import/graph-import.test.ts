/**
 * GraphDef/FunctionDef -> `tf` source nodes on small hand-written graphs: tensor naming in both forms,
 * control inputs, unsorted graphs, dead code, attribute kinds, inlined calls, While/If subgraphs,
 * variable handles, and the sink rule for graphs that do not name their outputs.
 */
import { describe, expect, it } from 'vitest';
import type { AttrValue, FunctionDef, NodeDef } from '../../../formats/tf/index.js';
import { AttributeType } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import type { Graph } from '../../../ir/graph.js';
import type { Model } from '../../../ir/model.js';
import type { Node } from '../../../ir/node.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import { verifyModel } from '../../../ir/verify.js';
import { importGraph } from './import-graph.js';
import { Resource } from './resource.js';
import { placeholders, sinkOutputs } from './sinks.js';
import { FunctionLibrary, graphBody, graphRef } from './tf-body.js';

const DT_FLOAT = 1;
const DT_INT32 = 3;
const DT_RESOURCE = 20;
const f32 = { type: DT_FLOAT };

function node(name: string, op: string, input: string[] = [], attr: Record<string, AttrValue> = {}): NodeDef {
  return { name, op, input, attr };
}
const placeholder = (name: string, dims = [-1, 4]): NodeDef => node(name, 'Placeholder', [], { dtype: f32, shape: { shape: { dim: dims.map((size) => ({ size })) } } });
const constF = (name: string, values: number[]): NodeDef =>
  node(name, 'Const', [], { dtype: f32, value: { tensor: { dtype: DT_FLOAT, tensor_shape: { dim: [{ size: values.length }] }, float_val: values } } });

function fn(name: string, args: [string, number][], outs: string[], nodes: NodeDef[], ret: Record<string, string>): FunctionDef {
  return {
    signature: { name, input_arg: args.map(([n, type]) => ({ name: n, type })), output_arg: outs.map((n) => ({ name: n, type: DT_FLOAT })) },
    node_def: nodes,
    ret,
  };
}

/** Imports `nodes` with the given inputs (Placeholder names) and outputs (tensor names). */
function load(nodes: NodeDef[], outputs: string[], functions: FunctionDef[] = []): Model {
  const body = graphBody(nodes);
  const iface = {
    name: 'test',
    inputs: placeholders(body),
    outputs: outputs.map((t) => ({ name: t.replace(':', '_'), ref: graphRef(body, t)! })),
  };
  const model = importGraph(body, new FunctionLibrary(functions), iface);
  verifyModel(model);
  return model;
}

const ops = (g: Graph): string[] => g.nodes().map((n) => (n.domain === 'tf' ? n.opType : `::${n.opType}`));

describe('GraphDef -> tf nodes', () => {
  it('emits nodes after their inputs, drops control inputs and dead nodes, types inputs with symbolic dims', () => {
    const model = load(
      [
        node('out', 'Relu', ['add', '^noop']),
        node('add', 'AddV2', ['x', 'c']),
        constF('c', [1, 2, 3, 4]),
        node('noop', 'NoOp', ['^x']),
        node('dead', 'Neg', ['x']),
        placeholder('x'),
      ],
      ['out'],
    );
    const g = model.graph;
    expect(ops(g)).toEqual(['::Constant', 'AddV2', 'Relu']);
    expect(g.inputs[0]!.type).toEqual({ kind: 'tensor', dtype: DataType.FLOAT, shape: ['x_dim0', 4] });
    expect(g.outputs.map((v) => v.name)).toEqual(['out']);
    expect(g.nodes()[1]!.inputs.map((v) => v?.name)).toEqual(['x', 'c']);
  });

  it('resolves name:k against the op output table (Split with num_split, FusedBatchNormV3)', () => {
    const model = load(
      [placeholder('x'), node('axis', 'Const', [], { dtype: { type: DT_INT32 }, value: { tensor: { dtype: DT_INT32, int_val: [1] } } }), node('s', 'Split', ['axis', 'x'], { num_split: { i: 2 }, T: f32 }), node('m', 'Mul', ['s:1', 's'])],
      ['m'],
    );
    const split = model.graph.nodes().find((n) => n.opType === 'Split')!;
    expect(split.outputs).toHaveLength(2);
    const mul = model.graph.nodes().find((n) => n.opType === 'Mul')!;
    expect(mul.inputs).toEqual([split.output(1), split.output(0)]);
  });

  it('converts attributes by kind (Note [TensorFlow source nodes])', () => {
    const model = load(
      [
        placeholder('x', [1, 8, 8, 3]),
        constF('w', [1]),
        node('conv', 'Conv2D', ['x', 'w'], {
          T: f32,
          strides: { list: { i: [1, 2, 2, 1] } },
          padding: { s: new TextEncoder().encode('SAME') },
          use_cudnn_on_gpu: { b: true },
          explicit_paddings: { list: {} },
          epsilon: { f: 0.5 },
          Tlist: { list: { type: [DT_FLOAT, DT_INT32] } },
          shape: { shape: { dim: [{ size: -1 }, { size: 3 }] } },
          fused_ops: { list: { s: [new TextEncoder().encode('BiasAdd')] } },
        }),
      ],
      ['conv'],
    );
    const conv = model.graph.nodes().find((n) => n.opType === 'Conv2D')!;
    expect(conv.attrInt('T')).toBe(DataType.FLOAT);
    expect(conv.attrInts('strides')).toEqual([1, 2, 2, 1]);
    expect(conv.attrString('padding')).toBe('SAME');
    expect(conv.attrInt('use_cudnn_on_gpu')).toBe(1);
    expect(conv.attrInts('explicit_paddings')).toEqual([]);
    expect(conv.attrFloat('epsilon')).toBe(0.5);
    expect(conv.attrInts('Tlist')).toEqual([DataType.FLOAT, DataType.INT32]);
    expect(conv.attrInts('shape')).toEqual([-1, 3]);
    expect(conv.attr('fused_ops')?.type).toBe(AttributeType.STRINGS);
  });

  it('inlines PartitionedCall bodies, resolving node:arg:k names and nested calls', () => {
    const inner = fn('inner', [['a', DT_FLOAT]], ['y'], [node('bn', 'FusedBatchNormV3', ['a', 'a', 'a', 'a', 'a']), node('neg', 'Neg', ['bn:batch_mean:0'])], { y: 'neg:y:0' });
    const outer = fn('outer', [['p', DT_FLOAT], ['q', DT_FLOAT]], ['z'], [node('call', 'PartitionedCall', ['p'], { f: { func: { name: 'inner' } } }), node('add', 'AddV2', ['call:output:0', 'q'])], { z: 'add:z:0' });
    const model = load([placeholder('x'), constF('c', [2]), node('top', 'StatefulPartitionedCall', ['x', 'c'], { f: { func: { name: 'outer' } } })], ['top'], [inner, outer]);
    const g = model.graph;
    expect(ops(g)).toEqual(['::Constant', 'FusedBatchNormV3', 'Neg', 'AddV2']);
    const bn = g.nodes()[1]!;
    expect(bn.name).toBe('top/call/bn');
    expect(g.nodes()[2]!.input(0)).toBe(bn.output(1));
    expect(g.outputs[0]!.name).toBe('top');
  });

  it('turns While bodies into GRAPH attrs with inputs from the args and outputs from ret', () => {
    const cond = fn('cond', [['i', DT_FLOAT], ['v', DT_FLOAT]], ['b'], [constF('lim', [3]), node('less', 'Less', ['i', 'lim:output:0'])], { b: 'less:z:0' });
    const body = fn(
      'body',
      [['i', DT_FLOAT], ['v', DT_FLOAT]],
      ['i2', 'v2'],
      [constF('one', [1]), node('inc', 'AddV2', ['i', 'one:output:0']), node('sq', 'Mul', ['v', 'v']), node('id', 'Identity', ['inc:z:0'])],
      { i2: 'id:output:0', v2: 'sq:z:0' },
    );
    const model = load(
      [placeholder('x'), constF('zero', [0]), node('loop', 'While', ['zero', 'x'], { T: { list: { type: [DT_FLOAT, DT_FLOAT] } }, body: { func: { name: 'body' } }, cond: { func: { name: 'cond' } } })],
      ['loop:1'],
      [cond, body],
    );
    const w = model.graph.nodes().find((n) => n.opType === 'While')!;
    expect(w.outputs).toHaveLength(2);
    const b = w.attrGraph('body')!;
    const c = w.attrGraph('cond')!;
    expect(b.inputs).toHaveLength(2);
    expect(b.outputs).toHaveLength(2);
    expect(ops(b)).toEqual(['::Constant', 'AddV2', 'Identity', 'Mul']);
    expect(c.outputs).toHaveLength(1);
    expect(model.graph.outputs[0]).toBe(w.output(1));
    expect(w.attrInts('T')).toEqual([DataType.FLOAT, DataType.FLOAT]);
  });

  it('removes variable handles from loop state and reads them inside by reference (Note [frozen variables])', () => {
    const body = fn('body', [['v', DT_FLOAT], ['h', DT_RESOURCE]], ['v2', 'h2'], [node('read', 'ReadVariableOp', ['h']), node('mul', 'Mul', ['v', 'read:value:0']), node('hid', 'Identity', ['h'])], { v2: 'mul:z:0', h2: 'hid:output:0' });
    const cond = fn('cond', [['v', DT_FLOAT], ['h', DT_RESOURCE]], ['b'], [node('t', 'Const', [], { dtype: { type: 10 }, value: { tensor: { dtype: 10, bool_val: [false] } } })], { b: 't:output:0' });
    const wrapper = fn('wrapper', [['x', DT_FLOAT], ['handle', DT_RESOURCE]], ['y'], [node('loop', 'While', ['x', 'handle'], { T: { list: { type: [DT_FLOAT, DT_RESOURCE] } }, body: { func: { name: 'body' } }, cond: { func: { name: 'cond' } } })], { y: 'loop:output:0' });
    const nodes = [placeholder('x'), node('var', 'VarHandleOp', [], { dtype: f32 }), node('call', 'StatefulPartitionedCall', ['x', 'var'], { f: { func: { name: 'wrapper' } } })];
    const body0 = graphBody(nodes);
    const lib = new FunctionLibrary([body, cond, wrapper]);
    let loads = 0;
    const model = importGraph(body0, lib, { name: 't', inputs: placeholders(body0), outputs: [{ name: 'y', ref: { node: 'call', index: 0 } }] }, {
      boundInputs: (f, main, claim) => {
        if (f !== 'wrapper') return undefined;
        return [new Resource('w', () => (loads++, main.addInitializer(claim('w'), new ArrayTensor(DataType.FLOAT, [1], Float32Array.of(3)))))];
      },
    });
    verifyModel(model);
    const w = model.graph.nodes().find((n) => n.opType === 'While')!;
    expect(w.inputs).toHaveLength(1);
    expect(w.attrInts('T')).toEqual([DataType.FLOAT]);
    const inner = w.attrGraph('body')!;
    expect(inner.inputs).toHaveLength(1);
    const mul = inner.nodes().find((n: Node) => n.opType === 'Mul')!;
    expect(mul.input(1)).toBe(model.graph.initializers.get('w'));
    expect(loads).toBe(1);
    expect(JSON.stringify(ops(inner))).not.toMatch(/ReadVariableOp/);
  });

  it('reports malformed graphs as FormatErrors naming the node', () => {
    expect(() => graphBody([node('a', 'Neg', ['missing'])])).toThrow(FormatError);
    expect(() => graphBody([node('a', 'Neg', []), node('a', 'Neg', [])])).toThrow(/two nodes are named "a"/);
    expect(() => load([placeholder('x'), node('a', 'AddV2', ['x', 'b']), node('b', 'AddV2', ['x', 'a'])], ['a'])).toThrow(/cycle/);
    expect(() => load([placeholder('x'), node('c', 'PartitionedCall', ['x'], { f: { func: { name: 'nope' } } })], ['c'])).toThrow(/does not define/);
  });
});

describe('graphs that do not name their outputs (Note [frozen graph outputs])', () => {
  it('takes the Identity sinks an input reaches, leaving constant-only leftovers and other sinks', () => {
    const body = graphBody([
      placeholder('x'),
      constF('c', [1]),
      node('shape', 'Shape', ['x']),
      node('Identity', 'Identity', ['x']),
      node('Identity_1', 'Relu', ['x']),
      node('Identity_2', 'Identity', ['Identity_1']),
      node('leftover', 'Identity', ['c']),
    ]);
    expect(sinkOutputs(body).map((o) => o.name)).toEqual(['Identity', 'Identity_2']);
  });

  it('takes every sink when none is an Identity, with each output of a multi-output node', () => {
    const body = graphBody([placeholder('x'), constF('axis', [1]), node('s', 'Split', ['axis', 'x'], { num_split: { i: 2 } }), node('r', 'Relu', ['x'])]);
    expect(sinkOutputs(body).map((o) => o.name)).toEqual(['s', 's:1', 'r']);
  });
});
