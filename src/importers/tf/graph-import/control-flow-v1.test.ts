/**
 * Note [v1 control flow]: a hand-written TF1 loop (i = 0; while i < n: i += step, with `step` loop
 * invariant) becomes one functional While whose body and cond are subgraphs; the fixtures' TF.js models
 * converted without control_flow_v2 check the same on Keras LSTM/GRU loops end to end.
 */
import { describe, expect, it } from 'vitest';
import type { AttrValue, NodeDef } from '../../../formats/tf/index.js';
import { verifyModel } from '../../../ir/verify.js';
import { rebuildV1Loops } from './control-flow-v1.js';
import { importGraph } from './import-graph.js';
import { placeholders, sinkOutputs } from './sinks.js';
import { FunctionLibrary, graphBody } from './tf-body.js';

const DT_INT32 = 3;
const frame: AttrValue = { s: new TextEncoder().encode('loop') };
const n = (name: string, op: string, input: string[] = [], attr: Record<string, AttrValue> = {}): NodeDef => ({ name, op, input, attr: { T: { type: DT_INT32 }, ...attr } });
const int = (name: string, v: number): NodeDef => n(name, 'Const', [], { dtype: { type: DT_INT32 }, value: { tensor: { dtype: DT_INT32, int_val: [v] } } });

function loopGraph(): NodeDef[] {
  return [
    n('limit', 'Placeholder', [], { dtype: { type: DT_INT32 }, shape: { shape: {} } }),
    int('zero', 0),
    int('step', 2),
    n('enter_i', 'Enter', ['zero'], { frame_name: frame, is_constant: { b: false } }),
    n('enter_n', 'Enter', ['limit'], { frame_name: frame, is_constant: { b: false } }),
    n('enter_step', 'Enter', ['step'], { frame_name: frame, is_constant: { b: true } }),
    n('merge_i', 'Merge', ['enter_i', 'next_i']),
    n('merge_n', 'Merge', ['enter_n', 'next_n']),
    n('less', 'Less', ['merge_i', 'merge_n']),
    n('cond', 'LoopCond', ['less']),
    n('switch_i', 'Switch', ['merge_i', 'cond']),
    n('switch_n', 'Switch', ['merge_n', 'cond']),
    n('exit_i', 'Exit', ['switch_i']),
    n('exit_n', 'Exit', ['switch_n']),
    n('add', 'AddV2', ['switch_i:1', 'enter_step']),
    n('body_control', 'Identity', ['switch_i:1']),
    n('next_i', 'NextIteration', ['add']),
    n('next_n', 'NextIteration', ['switch_n:1']),
    n('Identity', 'Identity', ['exit_i']),
  ];
}

describe('TF1 loops (Note [v1 control flow])', () => {
  it('become a While with the invariant appended to the state and passed through', () => {
    const body = graphBody(loopGraph());
    const library = new FunctionLibrary([]);
    rebuildV1Loops(body, library);
    expect([...body.nodes.values()].map((x) => x.op).sort()).toEqual(['Const', 'Const', 'Identity', 'Placeholder', 'While']);
    const model = importGraph(body, library, { name: 'loop', inputs: placeholders(body), outputs: sinkOutputs(body) });
    verifyModel(model);
    const w = model.graph.nodes().find((x) => x.opType === 'While')!;
    expect(w.inputs.map((v) => v?.name)).toEqual(['zero', 'limit', 'step']);
    const b = w.attrGraph('body')!;
    const c = w.attrGraph('cond')!;
    expect(b.nodes().filter((x) => x.domain === 'tf').map((x) => x.opType)).toEqual(['AddV2']);
    expect(b.outputs).toHaveLength(3);
    // The invariant and the untouched limit come back as they went in (through an Identity).
    expect(b.outputs[2]!.producer?.input(0)).toBe(b.inputs[2]);
    expect(c.nodes().map((x) => x.opType)).toEqual(['Less']);
    expect(c.nodes()[0]!.inputs).toEqual([c.inputs[0], c.inputs[1]]);
    expect(model.graph.outputs.map((v) => v.name)).toEqual(['Identity']);
    expect(model.graph.nodes().find((x) => x.opType === 'Identity')!.input(0)).toBe(w.output(0));
  });

  it('refuses a frame whose Merge has no NextIteration', () => {
    const nodes = loopGraph().filter((x) => x.name !== 'next_n').map((x) => (x.name === 'merge_n' ? { ...x, input: ['enter_n', 'zero'] } : x));
    expect(() => rebuildV1Loops(graphBody(nodes), new FunctionLibrary([]))).toThrow(/Merge "merge_n" has no NextIteration input/);
  });
});
