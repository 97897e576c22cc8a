import { describe, expect, it } from 'vitest';
import { CheckError, FormatError } from '../../ir/errors.js';
import { verifyModel } from '../../ir/verify.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../formats/onnx/generated/onnx-types.js';
import { importModel } from './import-model.js';

const f32 = { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } };

function model(nodes: NodeProto[], extra: Partial<GraphProto> = {}): ModelProto {
  return {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    graph: { name: 'g', node: nodes, input: [{ name: 'x', type: f32 }, { name: 'c', type: { tensor_type: { elem_type: 9 } } }], output: [], ...extra },
  };
}

const load = (m: ModelProto): ReturnType<typeof importModel> => importModel(m, { file: 'm.onnx' });

/** An If whose then-branch runs `nodes` (else-branch: Identity of x). */
function ifNode(output: string, nodes: NodeProto[], branchOut: string): NodeProto {
  const branch = (name: string, body: NodeProto[], out: string): NonNullable<NodeProto['attribute']>[number] => ({
    name,
    type: 5,
    g: { name, node: body, output: [{ name: out }] },
  });
  return {
    input: ['c'],
    output: [output],
    op_type: 'If',
    name: 'if',
    attribute: [branch('then_branch', nodes, branchOut), branch('else_branch', [{ input: ['x'], output: ['e'], op_type: 'Identity' }], 'e')],
  };
}

describe('importModel rejects broken wiring with a CheckError', () => {
  it('a value defined twice', () => {
    const m = model([
      { input: ['x'], output: ['y'], op_type: 'Relu', name: 'a' },
      { input: ['x'], output: ['y'], op_type: 'Neg', name: 'b' },
    ]);
    expect(() => load(m)).toThrow(CheckError);
    expect(() => load(m)).toThrow(/m\.onnx, node "b", op Neg: value "y" is defined twice/);
  });

  it('two initializers of one name', () => {
    const t: TensorProto = { name: 'w', dims: [1], data_type: 1, float_data: [1] };
    expect(() => load(model([], { initializer: [t, { ...t }] }))).toThrow(/value "w" is defined twice/);
  });

  it('a node reading its own output', () => {
    const m = model([{ input: ['x', 'y'], output: ['y'], op_type: 'Add', name: 'loop' }]);
    expect(() => load(m)).toThrow(/node "loop", op Add: the graph has a cycle/);
  });

  it('a cycle through a subgraph', () => {
    const m = model([ifNode('r', [{ input: ['r'], output: ['t'], op_type: 'Neg', name: 'inner' }], 't')]);
    expect(() => load(m)).toThrow(/cycle/);
  });

  it('a dangling input inside a subgraph, naming the inner node', () => {
    const m = model([ifNode('r', [{ input: ['nope'], output: ['t'], op_type: 'Neg', name: 'inner' }], 't')]);
    expect(() => load(m)).toThrow(/node "inner", op Neg: input "nope" is not defined/);
  });

  it('an unnamed node with a dangling input, by its position', () => {
    expect(() => load(model([{ input: ['nope'], output: ['t'], op_type: 'Neg' }]))).toThrow(/graph "g"\.node\[0\], op Neg/);
  });

  it('an attribute given twice', () => {
    const a = { name: 'alpha', type: 1, f: 1 };
    expect(() => load(model([{ input: ['x'], output: ['t'], op_type: 'Elu', name: 'e', attribute: [a, a] }]))).toThrow(/attribute "alpha" appears twice/);
  });

  it('a training graph reading a name the main graph lacks', () => {
    const m = model([]);
    m.training_info = [{ algorithm: { node: [{ input: ['ghost'], output: ['u'], op_type: 'Neg', name: 'upd' }], output: [{ name: 'u' }] } }];
    expect(() => load(m)).toThrow(/node "upd", op Neg: input "ghost"/);
  });
});

describe('importModel accepts what ONNX files legitimately do', () => {
  it('a subgraph reading an outer value made by a node listed later; sortNodes puts it first', () => {
    const nodes = [ifNode('r', [{ input: ['late'], output: ['t'], op_type: 'Neg' }], 't'), { input: ['x'], output: ['late'], op_type: 'Relu' }];
    expect(load(model(nodes)).graph.nodes().map((n) => n.opType)).toEqual(['If', 'Relu']);
    const sorted = importModel(model(nodes), { sortNodes: true });
    expect(sorted.graph.nodes().map((n) => n.opType)).toEqual(['Relu', 'If']);
    verifyModel(sorted);
  });

  it('an inner name shadowing an outer one: inner readers get the inner value', () => {
    const m = model([ifNode('r', [{ input: ['c'], output: ['x'], op_type: 'Not' }, { input: ['x'], output: ['t'], op_type: 'Relu' }], 't')]);
    const g = load(m).graph;
    const [not, relu] = g.firstNode!.attrGraph('then_branch')!.nodes();
    expect(not!.input(0)).toBe(g.inputs[1]); // the outer c
    expect(relu!.input(0)).toBe(not!.output(0)); // the inner x, not the graph input x
    expect(relu!.input(0)).not.toBe(g.inputs[0]);
  });
});

describe('importModel rejects malformed tensors with a FormatError naming the tensor and file', () => {
  const withInit = (t: TensorProto): ModelProto => model([], { initializer: [t] });
  it('typed values of the wrong count', () => {
    expect(() => load(withInit({ name: 'w', dims: [3], data_type: 1, float_data: [1] }))).toThrow(/m\.onnx: tensor "w": float_data holds 1 values, but dims \[3\] of FLOAT need 3/);
  });
  it('values in a field that does not belong to the type', () => {
    expect(() => load(withInit({ name: 'w', dims: [1], data_type: 1, int64_data: [1] }))).toThrow(FormatError);
  });
  it('raw and typed values at once', () => {
    expect(() => load(withInit({ name: 'w', dims: [1], data_type: 1, float_data: [1], raw_data: new Uint8Array(4) }))).toThrow(/both in raw_data and in float_data/);
  });
  it('external data without a folder to read it from', () => {
    const t: TensorProto = { name: 'w', dims: [1], data_type: 1, data_location: 1, external_data: [{ key: 'location', value: 'w.bin' }] };
    expect(() => load(withInit(t))).toThrow(/tensor "w": keeps its values in an external data file/);
  });
});
