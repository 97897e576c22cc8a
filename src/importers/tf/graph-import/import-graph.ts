/**
 * The part the three TF importers share: a top-level GraphDef body plus the tensors that are the model's
 * inputs and outputs -> an IR model of `tf` source nodes, with graph inputs typed from their Placeholders
 * (unknown dims become symbols `<input>_dim<k>`) and outputs named as the importer says.
 */
import { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import type { Dim } from '../../../ir/shape.js';
import type { Tensor } from '../../../ir/tensor.js';
import { tensorType, type ValueType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { irDataTypeOf, mapGet, shapeDims } from '../../../formats/tf/index.js';
import { GraphEmitter } from './emit.js';
import { addNamedOutput } from './names.js';
import { Resource } from './resource.js';
import type { FunctionLibrary, TfBody, TfNode, TfRef } from './tf-body.js';

/** The ai.onnx opset a source model declares until lowering sets the target one. */
const PLACEHOLDER_OPSET = 18;

export interface GraphInterface {
  /** The model graph's name. */
  name: string;
  /** Graph inputs, in order: the name users feed, and the Placeholder node it fills. */
  inputs: { name: string; node: string }[];
  /** Graph outputs, in order. */
  outputs: { name: string; ref: TfRef }[];
}

export interface ImportGraphOptions {
  file?: string;
  /** A Const's value when it is not in the NodeDef (TF.js weights). */
  constant?: (node: TfNode) => Tensor | undefined;
  /** Values bound to a function's trailing args (a SavedModel's captured variables and constants). */
  boundInputs?: (fn: string, main: Graph, claim: (name: string) => string) => Resource[] | undefined;
}

/** Builds the source model of `body` for the given interface. */
export function importGraph(body: TfBody, library: FunctionLibrary, iface: GraphInterface, options: ImportGraphOptions = {}): Model {
  const file = options.file;
  const graph = new Graph(iface.name);
  const inputs = new Map<string, Value>();
  const emitter: GraphEmitter = new GraphEmitter(library, {
    placeholder: (n) => inputs.get(n.name),
    ...(options.constant ? { constant: options.constant } : {}),
    ...(options.boundInputs ? { boundInputs: (fn: string) => options.boundInputs!(fn, graph, (n) => emitter.names.claim(n)) } : {}),
  }, file);
  for (const { name } of [...iface.inputs, ...iface.outputs]) emitter.names.reserve(name);
  for (const { name, node } of iface.inputs) {
    const n = body.nodes.get(node);
    if (n === undefined || (n.op !== 'Placeholder' && n.op !== 'PlaceholderWithDefault')) {
      throw new FormatError(`input ${JSON.stringify(name)} is ${n === undefined ? 'not a node of the graph' : `a ${n.op} node, not a Placeholder`}`, { file, node });
    }
    if (inputs.has(node)) throw new FormatError(`inputs name Placeholder ${JSON.stringify(node)} twice`, { file, node });
    inputs.set(node, graph.addInput(name, placeholderType(n, name, file)));
  }
  const results = emitter.emit(body, graph, [], iface.outputs.map((o) => o.ref));
  results.forEach((v, i) => {
    const name = iface.outputs[i]!.name;
    if (v instanceof Resource) throw new FormatError(`output ${JSON.stringify(name)} is a variable handle, not a tensor`, { file });
    addNamedOutput(graph, v, name);
  });
  return new Model(graph, new Map([['', PLACEHOLDER_OPSET], ['tf', 1]]), 10);
}

/** A Placeholder's dtype and shape; unknown dims become symbols named after the input. */
function placeholderType(n: TfNode, input: string, file: string | undefined): ValueType {
  const tf = mapGet(n.attr, 'dtype')?.type;
  const dtype = irDataTypeOf(tf ?? 0);
  if (dtype === undefined || dtype === DataType.UNDEFINED) {
    throw new FormatError(`input ${JSON.stringify(input)} has a type ONNX cannot carry (TF type ${tf ?? 'unset'})`, { file, node: n.name });
  }
  const shape = mapGet(n.attr, 'shape')?.shape;
  const dims = shape === undefined ? undefined : shapeDims(shape);
  if (dims === undefined) return tensorType(dtype);
  return tensorType(dtype, dims.map((d, k): Dim => d ?? `${input}_dim${k}`));
}
