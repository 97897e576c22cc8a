/**
 * Functional control flow (While/StatelessWhile, If/StatelessIf) and TensorList ops. Each graph below is
 * built by hand in the `tf` domain, mirroring what TensorFlow traces for the same computation in
 * fixtures/tf/op_cases/control_flow.py (function arguments, pass-through variables, Identity results);
 * it is lowered, validated, run in onnxruntime and compared with TensorFlow's outputs from
 * test/tf-ops/control-flow-expected.json. Each case also checks that the hand-built graph uses the same
 * TF op types as TensorFlow's traced graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../api/model-io.js';
import { validate } from '../../../api/validate.js';
import { DataType } from '../../../ir/dtype.js';
import { UnsupportedOpsError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { AttributeType } from '../../../ir/attribute.js';
import { tensorType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import { lowerToOnnx } from '../../common/lower.js';
import { TfGraphBuilder, type TfAttr } from '../source-graph.js';
import { tfTable } from '../table.js';
import { compare, DTYPES, irTensor, ortTensor, type TensorJson } from '../../../../test/support/op-cases.js';
import './index.js';

interface CaseJson {
  name: string;
  graph: string;
  inputs: Record<string, TensorJson>;
  constants: Record<string, TensorJson>;
  outputs: TensorJson[];
  tf_ops: string[];
}

const F32 = DataType.FLOAT;
const I32 = DataType.INT32;
const BOOL = DataType.BOOL;
const T = (d: DataType): TfAttr => ({ kind: 'type', value: d });
const Ts = (...d: DataType[]): TfAttr => ({ kind: 'list_type', value: d });
const I = (v: number): TfAttr => ({ kind: 'i', value: v });
const B = (v: boolean): TfAttr => ({ kind: 'b', value: v });
const G = (g: Graph): TfAttr => ({ kind: 'graph', value: g });

/** A `tf`-domain graph under construction, naming nodes as it goes. */
class Tf {
  private readonly b: TfGraphBuilder;
  private count = 0;
  constructor(readonly g: Graph) {
    this.b = new TfGraphBuilder(g);
  }

  ops(op: string, inputs: Value[], attrs: Record<string, TfAttr> = {}, outputs = 1): Value[] {
    const name = `${this.g.name ?? ''}/${op}_${this.count++}`;
    const node = this.b.op(op, inputs, attrs, Array.from({ length: outputs }, (_, k) => `${name}:${k}`), name);
    return node.outputs;
  }

  op(op: string, inputs: Value[], attrs: Record<string, TfAttr> = {}): Value {
    return this.ops(op, inputs, attrs)[0]!;
  }

  id(v: Value): Value {
    return this.op('Identity', [v], { T: T(F32) });
  }

  i32(...v: number[]): Value {
    return this.b.constant(new ArrayTensor(I32, v.length === 1 ? [] : [v.length], Int32Array.from(v)), `${this.g.name ?? ''}/c${this.count++}`);
  }

  vec(...v: number[]): Value {
    return this.b.constant(new ArrayTensor(I32, [v.length], Int32Array.from(v)), `${this.g.name ?? ''}/c${this.count++}`);
  }

  f32(v: number): Value {
    return this.b.constant(new ArrayTensor(F32, [], Float32Array.of(v)), `${this.g.name ?? ''}/c${this.count++}`);
  }

  json(t: TensorJson): Value {
    return this.b.constant(irTensor(t), `${this.g.name ?? ''}/c${this.count++}`);
  }
}

/** A TF function as the importer gives it: a graph whose inputs are the arguments (variants untyped). */
function fn(name: string, args: [string, DataType?][], build: (f: Tf, a: Value[]) => Value[]): Graph {
  const g = new Graph(name);
  const values = args.map(([n, d]) => g.addInput(n, d === undefined ? undefined : tensorType(d)));
  for (const v of build(new Tf(g), values)) g.addOutput(v);
  return g;
}

type Builder = (f: Tf, inputs: Record<string, Value>, c: CaseJson) => Value[];

const counterVars: [string, DataType][] = [['counter', I32], ['max_iterations', I32], ['i', I32], ['x', F32], ['n', I32]];

const BUILDERS: Record<string, Builder> = {
  counter_loop: (f, { x, n }) => {
    const body = fn('body', counterVars, (b, [counter, maxIt, i, xv, nv]) => [
      b.op('Identity', [b.op('AddV2', [counter!, b.i32(1)], { T: T(I32) })]),
      b.op('Identity', [maxIt!]),
      b.op('Identity', [b.op('AddV2', [i!, b.i32(1)], { T: T(I32) })]),
      b.id(b.op('AddV2', [b.op('Mul', [xv!, b.f32(0.5)], { T: T(F32) }), b.f32(1)], { T: T(F32) })),
      nv!,
    ]);
    const cond = fn('cond', counterVars, (b, [, , i, , nv]) => [b.op('Identity', [b.op('Less', [i!, nv!], { T: T(I32) })])]);
    const w = f.ops('StatelessWhile', [f.i32(0), f.i32(-1), f.i32(0), x!, n!], { T: Ts(I32, I32, I32, F32, I32), body: G(body), cond: G(cond), parallel_iterations: I(10) }, 5);
    return [w[2]!, w[3]!];
  },
  nonbool_cond: (f, { x, n }) => {
    const vars: [string, DataType][] = [['i', I32], ['x', F32], ['n', I32]];
    const body = fn('body', vars, (b, [i, xv, nv]) => [b.op('AddV2', [i!, b.i32(1)], { T: T(I32) }), b.op('Mul', [xv!, b.f32(2)], { T: T(F32) }), nv!]);
    const cond = fn('cond', vars, (b, [i, , nv]) => [b.op('Sub', [nv!, i!], { T: T(I32) })]);
    const w = f.ops('While', [f.i32(0), x!, n!], { T: Ts(I32, F32, I32), body: G(body), cond: G(cond) }, 3);
    return [w[0]!, w[1]!];
  },
  shrinking_loop: (f, { x }) => {
    const vars: [string, DataType][] = [['i', I32], ['acc', F32], ['x', F32]];
    const body = fn('body', vars, (b, [i, acc, xv]) => [
      b.op('AddV2', [i!, b.i32(1)], { T: T(I32) }),
      b.op('AddV2', [b.op('Mul', [acc!, b.f32(2)], { T: T(F32) }), b.f32(1)], { T: T(F32) }),
      b.op('Slice', [xv!, b.vec(1), b.vec(-1)], { T: T(F32), Index: T(I32) }),
    ]);
    const cond = fn('cond', vars, (b, [, , xv]) => [b.id(xv!)]);
    return f.ops('While', [f.i32(0), f.f32(0), x!], { T: Ts(I32, F32, F32), body: G(body), cond: G(cond) }, 3);
  },
  if_select: (f, { pred, x, y }, c) => {
    const args: [string, DataType][] = [['x', F32], ['y', F32]];
    const then = fn('then', args, (b, [xv, yv]) => [b.op('Mul', [xv!, yv!], { T: T(F32) }), b.id(xv!)]);
    const other = fn('else', args, (b, [xv, yv]) => [b.op('AddV2', [xv!, yv!], { T: T(F32) }), b.id(yv!)]);
    const tcond = DTYPES[c.inputs.pred!.dtype]!.onnx;
    return f.ops('If', [pred!, x!, y!], { Tcond: T(tcond), Tin: Ts(F32, F32), Tout: Ts(F32, F32), then_branch: G(then), else_branch: G(other) }, 2);
  },
  cond_stateless: (f, { pred, x, y }) => {
    const args: [string, DataType][] = [['x', F32], ['y', F32]];
    const then = fn('then', args, (b, [xv, yv]) => [b.id(b.op('Mul', [xv!, yv!], { T: T(F32) }))]);
    const other = fn('else', args, (b, [xv, yv]) => [b.id(b.op('AddV2', [xv!, yv!], { T: T(F32) }))]);
    const out = f.op('StatelessIf', [pred!, x!, y!], { Tcond: T(BOOL), Tin: Ts(F32, F32), Tout: Ts(F32), then_branch: G(then), else_branch: G(other) });
    return [f.id(out)];
  },
  rnn: rnnGraph,
  nested_loop: (f, { n }) => {
    const inner = (b: Tf, i: Value): Value => {
      const body = fn('inner_body', [['counter', I32], ['max_iterations', I32], ['j', I32], ['acc', I32], ['i', I32]], (bb, [counter, maxIt, j, acc, iv]) => [
        bb.op('Identity', [bb.op('AddV2', [counter!, bb.i32(1)], { T: T(I32) })]),
        bb.op('Identity', [maxIt!]),
        bb.op('Identity', [bb.op('AddV2', [j!, bb.i32(1)], { T: T(I32) })]),
        bb.op('Identity', [bb.op('AddV2', [acc!, bb.op('Mul', [j!, iv!], { T: T(I32) })], { T: T(I32) })]),
        iv!,
      ]);
      const cond = fn('inner_cond', [['counter', I32], ['max_iterations', I32], ['j', I32], ['acc', I32], ['i', I32]], (bb, [, , j, , iv]) => [bb.op('Identity', [bb.op('Less', [j!, iv!], { T: T(I32) })])]);
      return b.ops('StatelessWhile', [b.i32(0), b.i32(-1), b.i32(0), b.i32(0), i], { T: Ts(I32, I32, I32, I32, I32), body: G(body), cond: G(cond) }, 5)[3]!;
    };
    const vars: [string, DataType][] = [['counter', I32], ['max_iterations', I32], ['i', I32], ['total', I32], ['n', I32]];
    const body = fn('outer_body', vars, (b, [counter, maxIt, i, total, nv]) => [
      b.op('Identity', [b.op('AddV2', [counter!, b.i32(1)], { T: T(I32) })]),
      b.op('Identity', [maxIt!]),
      b.op('Identity', [b.op('AddV2', [i!, b.i32(1)], { T: T(I32) })]),
      b.op('Identity', [b.op('AddV2', [total!, inner(b, i!)], { T: T(I32) })]),
      nv!,
    ]);
    const cond = fn('outer_cond', vars, (b, [, , i, , nv]) => [b.op('Identity', [b.op('Less', [i!, nv!], { T: T(I32) })])]);
    const w = f.ops('StatelessWhile', [f.i32(0), f.i32(-1), f.i32(0), f.i32(0), n!], { T: Ts(I32, I32, I32, I32, I32), body: G(body), cond: G(cond) }, 5);
    return [w[2]!, w[3]!];
  },
  if_in_loop: (f, { x, n }) => {
    const body = fn('body', counterVars, (b, [counter, maxIt, i, xv, nv]) => {
      const even = b.op('Equal', [b.op('FloorMod', [i!, b.i32(2)], { T: T(I32) }), b.i32(0)], { T: T(I32) });
      const then = fn('then', [['x', F32]], (bb, [v]) => [bb.id(bb.op('Mul', [v!, bb.f32(2)], { T: T(F32) }))]);
      const other = fn('else', [['x', F32]], (bb, [v]) => [bb.id(bb.op('AddV2', [v!, bb.f32(1)], { T: T(F32) }))]);
      const picked = b.op('StatelessIf', [even, xv!], { Tcond: T(BOOL), Tin: Ts(F32), Tout: Ts(F32), then_branch: G(then), else_branch: G(other) });
      return [
        b.op('Identity', [b.op('AddV2', [counter!, b.i32(1)], { T: T(I32) })]),
        b.op('Identity', [maxIt!]),
        b.op('Identity', [b.op('AddV2', [i!, b.i32(1)], { T: T(I32) })]),
        b.id(b.id(picked)),
        nv!,
      ];
    });
    const cond = fn('cond', counterVars, (b, [, , i, , nv]) => [b.op('Identity', [b.op('Less', [i!, nv!], { T: T(I32) })])]);
    const w = f.ops('StatelessWhile', [f.i32(0), f.i32(-1), f.i32(0), x!, n!], { T: Ts(I32, I32, I32, F32, I32), body: G(body), cond: G(cond) }, 5);
    return [w[2]!, w[3]!];
  },
  tensor_lists: (f, { x, y, idx }) => {
    const el = { element_dtype: T(F32) };
    const es = f.vec(2, 3);
    const partialShape = f.vec(-1, 3);
    const lst = f.op('TensorListFromTensor', [x!, es], { ...el, shape_type: T(I32) });
    const item = f.op('TensorListGetItem', [lst, idx!, es], el);
    const length = f.op('TensorListLength', [lst]);
    const shape = f.op('TensorListElementShape', [lst], { shape_type: T(I32) });
    const written = f.op('TensorListStack', [f.op('TensorListSetItem', [lst, idx!, y!], el), es], { ...el, num_elements: I(4) });
    const gathered = f.op('TensorListGather', [lst, f.vec(3, 0), es], el);
    const reserved = f.op('TensorListReserve', [es, f.i32(3)], { ...el, shape_type: T(I32) });
    const sparse = f.op('TensorListStack', [f.op('TensorListSetItem', [reserved, f.i32(1), y!], el), es], { ...el, num_elements: I(-1) });
    const small = f.op('TensorListReserve', [es, f.i32(2)], { ...el, shape_type: T(I32) });
    const grown = f.op('TensorListSetItem', [small, f.i32(4), y!], { ...el, resize_if_index_out_of_bounds: B(true) });
    const grownStack = f.op('TensorListStack', [grown, es], { ...el, num_elements: I(-1) });
    const grownLength = f.op('TensorListLength', [grown]);
    let partial = f.op('TensorListReserve', [partialShape, f.i32(2)], { ...el, shape_type: T(I32) });
    partial = f.op('TensorListSetItem', [partial, f.i32(0), y!], el);
    partial = f.op('TensorListSetItem', [partial, f.i32(1), item], el);
    const partialStack = f.op('TensorListStack', [partial, partialShape], { ...el, num_elements: I(-1) });
    let pushed = f.op('EmptyTensorList', [partialShape, f.i32(-1)], { ...el, shape_type: T(I32) });
    pushed = f.op('TensorListPushBack', [pushed, y!], el);
    pushed = f.op('TensorListPushBack', [pushed, item], el);
    const [popped, last] = f.ops('TensorListPopBack', [pushed, partialShape], el, 2);
    const poppedStack = f.op('TensorListStack', [popped!, partialShape], { ...el, num_elements: I(-1) });
    const computed = f.op('TensorListReserve', [f.op('Shape', [y!], { T: T(F32), out_type: T(I32) }), f.i32(2)], { ...el, shape_type: T(I32) });
    const computedStack = f.op('TensorListStack', [f.op('TensorListSetItem', [computed, f.i32(0), y!], el), f.i32(-1)], { ...el, num_elements: I(-1) });
    return [item, length, shape, written, gathered, sparse, grownStack, grownLength, partialStack, poppedStack, last!, computedStack];
  },
};

/** The Keras RNN loop pattern (see rnn() in control_flow.py): TensorLists read and written in a While. */
function rnnGraph(f: Tf, { x, h0 }: Record<string, Value>, c: CaseJson): Value[] {
  const el = { element_dtype: T(F32) };
  const [w, u, bias] = ['W', 'U', 'B'].map((k) => f.json(c.constants[k]!));
  const slice0 = { T: T(I32), Index: T(I32), begin_mask: I(0), end_mask: I(0), ellipsis_mask: I(0), new_axis_mask: I(0), shrink_axis_mask: I(1) };
  const steps = f.op('StridedSlice', [f.op('Shape', [x!], { T: T(F32), out_type: T(I32) }), f.vec(0), f.vec(1), f.vec(1)], slice0);
  // TensorArray(size=steps).unstack(x) reserves a list of unknown element rank first; nothing reads it.
  f.op('TensorListReserve', [f.i32(-1), steps], { ...el, shape_type: T(I32) });
  const inputs = f.op('TensorListFromTensor', [x!, f.vec(-1, -1)], { ...el, shape_type: T(I32) });
  const seq = f.op('TensorListReserve', [f.vec(-1, 5), steps], { ...el, shape_type: T(I32) });
  const last = f.op('TensorListReserve', [f.vec(-1, 5), f.i32(1)], { ...el, shape_type: T(I32) });
  const vars: [string, DataType?][] = [['counter', I32], ['max_iterations', I32], ['t', I32], ['h', F32], ['seq'], ['last'], ['steps', I32], ['inputs'], ['w', F32], ['u', F32], ['b', F32]];
  const body = fn('body', vars, (b, [counter, maxIt, t, h, sq, ls, st, inp, wv, uv, bv]) => {
    const item = b.op('TensorListGetItem', [inp!, t!, b.vec(-1, -1)], el);
    const mm = (a: Value, m: Value): Value => b.op('MatMul', [a, m], { T: T(F32), transpose_a: B(false), transpose_b: B(false) });
    const hNext = b.op('Tanh', [b.op('AddV2', [b.op('AddV2', [mm(item, wv!), mm(h!, uv!)], { T: T(F32) }), bv!], { T: T(F32) })], { T: T(F32) });
    const seqNext = b.op('TensorListSetItem', [sq!, t!, hNext], { ...el, resize_if_index_out_of_bounds: B(false) });
    const lastNext = b.op('TensorListSetItem', [ls!, b.i32(0), hNext], { ...el, resize_if_index_out_of_bounds: B(false) });
    const inc = (v: Value): Value => b.op('AddV2', [v, b.i32(1)], { T: T(I32) });
    return [b.op('Identity', [inc(counter!)]), b.op('Identity', [maxIt!]), b.op('Identity', [inc(t!)]), b.id(hNext), b.op('Identity', [seqNext]), b.op('Identity', [lastNext]), st!, inp!, wv!, uv!, bv!];
  });
  const cond = fn('cond', vars, (b, [counter, maxIt, t, , , , st]) => {
    const more = b.op('LogicalAnd', [b.op('Less', [counter!, maxIt!], { T: T(I32) }), b.op('Less', [t!, st!], { T: T(I32) })]);
    return [b.op('Identity', [more])];
  });
  const VARIANT = DataType.UNDEFINED; // TF's variant has no ONNX type
  const loop = f.ops('StatelessWhile', [f.i32(0), steps, f.i32(0), h0!, seq, last, steps, inputs, w!, u!, bias!], {
    T: Ts(I32, I32, I32, F32, VARIANT, VARIANT, I32, VARIANT, F32, F32, F32),
    body: G(body),
    cond: G(cond),
    parallel_iterations: I(32),
  }, 11);
  const stacked = f.op('TensorListStack', [loop[4]!, f.vec(-1, 5)], { ...el, num_elements: I(-1) });
  const lastStacked = f.op('TensorListStack', [loop[5]!, f.vec(-1, 5)], { ...el, num_elements: I(1) });
  const final = f.op('StridedSlice', [lastStacked, f.vec(-1), f.vec(0), f.vec(1)], { ...slice0, T: T(F32) });
  return [stacked, final, loop[3]!];
}

/** The TF op types of a hand-built graph, its functions included (as control_flow.py lists them). */
function opTypes(g: Graph, out = new Set<string>()): Set<string> {
  for (const n of g) {
    if (n.domain === 'tf' && n.opType !== 'Identity' && n.opType !== 'NoOp') out.add(n.opType);
    for (const a of n.attributes.values()) if (a.type === AttributeType.GRAPH) opTypes(a.value as Graph, out);
  }
  return out;
}

function build(c: CaseJson): { model: Model; feeds: Record<string, ort.Tensor> } {
  const g = new Graph(c.name);
  const feeds: Record<string, ort.Tensor> = {};
  const inputs: Record<string, Value> = {};
  for (const [name, t] of Object.entries(c.inputs)) {
    // Every dim is dynamic, as in the tf.function signatures the expected values come from.
    inputs[name] = g.addInput(name, tensorType(DTYPES[t.dtype]!.onnx, t.shape.map((_, d) => `${name}_${d}`)));
    feeds[name] = ortTensor(t);
  }
  const outs = BUILDERS[c.graph]!(new Tf(g), inputs, c);
  outs.forEach((v) => g.addOutput(v));
  return { model: new Model(g, new Map([['tf', 1]]), 10), feeds };
}

const expected = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../../test/tf-ops/control-flow-expected.json'), 'utf8')) as { cases: CaseJson[] };

describe('TF functional control flow and TensorLists against TensorFlow', () => {
  it.each(expected.cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const { model, feeds } = build(c);
    expect([...opTypes(model.graph)].sort()).toEqual(c.tf_ops);
    lowerToOnnx(model, tfTable, { opset: 18 });
    expect(validate(model).errors).toEqual([]);
    const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
    const out = await session.run(feeds);
    const problems = c.outputs.map((want, i) => compare(out[model.graph.outputs[i]!.name]!, want, { rtol: 1e-5, atol: 1e-6 }, i)).filter(Boolean);
    expect(problems).toEqual([]);
  });
});

describe('TF control flow lowering', () => {
  it('builds one Loop whose body carries only what changes', () => {
    const c = expected.cases.find((k) => k.name === 'rnn_t6_b2')!;
    const { model } = build(c);
    lowerToOnnx(model, tfTable, { opset: 18 });
    const loops = model.graph.nodes().filter((n) => n.opType === 'Loop');
    expect(loops).toHaveLength(1);
    // counter, t, h and the two output lists; the bound, the input list and the weights are read from outside.
    expect(loops[0]!.inputs.length).toBe(2 + 5);
    expect(loops[0]!.input(0)).toBeNull();
  });

  it('reports the ops of a body it cannot convert, with the While', () => {
    const g = new Graph('bad');
    const f = new Tf(g);
    const x = g.addInput('x', tensorType(F32, [3]));
    const body = fn('body', [['x', F32]], (b, [v]) => [b.op('NoSuchOp', [v!])]);
    const cond = fn('cond', [['x', F32]], (b) => [b.op('Identity', [b.i32(1)])]);
    g.addOutput(f.op('While', [x], { T: Ts(F32), body: G(body), cond: G(cond) }));
    const lower = (): void => lowerToOnnx(new Model(g, new Map([['tf', 1]]), 10), tfTable, { opset: 18 });
    expect(lower).toThrow(UnsupportedOpsError);
    expect(lower).toThrow(/tf::While \(its body or cond function cannot be converted: tf::NoSuchOp x1\)/);
  });

  it('refuses a used TensorList whose element rank is unknown, naming why', () => {
    const g = new Graph('unknown_rank');
    const f = new Tf(g);
    const list = f.op('TensorListReserve', [f.i32(-1), f.i32(2)], { element_dtype: T(F32), shape_type: T(I32) });
    g.addOutput(f.op('TensorListLength', [list]));
    expect(() => lowerToOnnx(new Model(g, new Map([['tf', 1]]), 10), tfTable, { opset: 18 })).toThrow(/tf::TensorListReserve \(the element shape must be a 1-D shape/);
  });

  it('leaves v1 control flow (Switch, Merge, Enter, Exit, NextIteration, LoopCond) unsupported', () => {
    for (const op of ['Switch', 'Merge', 'Enter', 'Exit', 'NextIteration', 'LoopCond']) expect(tfTable.keys()).not.toContain(`tf::${op}`);
  });
});
