import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../ir/model.js';
import type { Node } from '../../ir/node.js';
import { formalIndex, getSchema } from '../../ir/ops/registry.js';
import type { Value } from '../../ir/value.js';
import type { GraphProto } from '../../formats/onnx/generated/onnx-types.js';
import { graphProto } from './export-graph.js';
import type { TensorPlacement } from './export-tensor.js';
import { forEachGraph } from './model-walk.js';

export interface ExportOptions {
  /**
   * 'declared' (default) writes value_info for `graph.valueInfo` only, in order; 'all' also writes every
   * other node output that has a type (e.g. after shape inference).
   */
  valueInfo?: 'declared' | 'all';
  /** Where tensor values go (see TensorPlacement); by default external tensors stay external. */
  place?: TensorPlacement;
}

/**
 * State of one export: the options, and names for values that have none but need one. The IR itself is
 * not changed (Note [IR invariants], point 7: names are for files); the same model exports the same way.
 */
export class ExportContext {
  readonly valueInfo: 'declared' | 'all';
  readonly place?: TensorPlacement;
  private readonly generated = new Map<Value, string>();

  constructor(model: Model, options: ExportOptions = {}) {
    this.valueInfo = options.valueInfo ?? 'declared';
    this.place = options.place;
    this.nameUnnamed(model);
  }

  nameOf(v: Value): string {
    return this.generated.get(v) ?? v.name;
  }

  graphProto(g: Graph): GraphProto {
    return graphProto(g, this);
  }

  /**
   * A value needs a name when something refers to it: a node reads it or a graph lists it as an output.
   * An unnamed output nobody reads stays '' (an omitted output) only where the op's schema allows it:
   * an optional output. A variadic or required one (Split's pieces) gets a name, since '' there is
   * invalid ONNX (onnxruntime-node aborts the process on such a Split). New names avoid every name in
   * the model, subgraphs included, since a subgraph may read any outer name.
   */
  private nameUnnamed(model: Model): void {
    const taken = new Set<string>();
    const unnamed: Value[] = [];
    const seen = new Set<Value>();
    const note = (v: Value | null): void => {
      if (v === null || seen.has(v)) return;
      seen.add(v);
      if (v.name !== '') taken.add(v.name);
      else if (v.uses.length > 0 || v.isGraphOutput()) unnamed.push(v);
    };
    const noteOutput = (node: Node, v: Value, i: number): void => {
      if (v.name === '' && v.uses.length === 0 && !v.isGraphOutput() && !mayOmitOutput(model, node, i)) {
        if (!seen.has(v)) unnamed.push(v);
        seen.add(v);
        return;
      }
      note(v);
    };
    forEachGraph(model, (g) => {
      g.inputs.forEach(note);
      g.initializers.forEach(note);
      g.sparseInitializers.forEach(note);
      g.valueInfo.forEach(note);
      g.outputs.forEach(note);
      for (const node of g) {
        node.inputs.forEach(note);
        node.outputs.forEach((v, i) => noteOutput(node, v, i));
      }
    });
    let n = 0;
    for (const v of unnamed) {
      let name: string;
      do name = `_v${n++}`;
      while (taken.has(name));
      taken.add(name);
      this.generated.set(v, name);
    }
  }
}

/** Whether output `i` of `node` is optional in its schema (unknown ops and domains: keep the file's form). */
function mayOmitOutput(model: Model, node: Node, i: number): boolean {
  const opset = model.opset(node.domain);
  const schema = opset === undefined ? undefined : getSchema(node.domain, node.opType, opset);
  if (schema === undefined) return true;
  const f = formalIndex(schema, 'output', i);
  return f === undefined || schema.outputs[f]?.option === 'optional';
}
