import type { Graph } from '../../ir/graph.js';
import type { Value } from '../../ir/value.js';
import { applyExtra, keptValueInfoProto, unknownsOf, type ValueInfoSlot } from '../../ir/wire-hints.js';
import type { GraphProto, TensorAnnotation, ValueInfoProto } from '../../formats/onnx/generated/onnx-types.js';
import type { ExportContext } from './export-context.js';
import { nodeProto } from './export-node.js';
import { sparseProto, tensorProto } from './export-tensor.js';
import { pairsProto, valueInfoProto } from './export-type.js';

/** Graph -> GraphProto: nodes in list order, initializers in map order, value_info as declared. */
export function graphProto(graph: Graph, ctx: ExportContext): GraphProto {
  const out: GraphProto = { node: [...graph].map((n) => nodeProto(n, ctx)) };
  if (graph.name !== undefined) out.name = graph.name;
  out.initializer = [...graph.initializers.values()].map((v) => tensorProto(v.constValue!, initializerName(v, v.constValue?.name, ctx), ctx.place));
  out.sparse_initializer = graph.sparseInitializers.map((v) => sparseProto(v.sparseValue!, initializerName(v, v.sparseValue?.values.name, ctx), ctx.place));
  if (graph.docString !== undefined) out.doc_string = graph.docString;
  out.input = graph.inputs.map((v, i) => valueInfoAt(graph, 'input', i, v, ctx));
  out.output = graph.outputs.map((v, i) => valueInfoAt(graph, 'output', i, v, ctx));
  out.value_info = graph.valueInfo.map((v, i) => valueInfoAt(graph, 'value_info', i, v, ctx));
  if (ctx.valueInfo === 'all') out.value_info.push(...inferredValueInfo(graph, ctx));
  if (graph.quantizationAnnotation !== undefined) out.quantization_annotation = graph.quantizationAnnotation.map(annotationProto);
  if (graph.metadataProps !== undefined && graph.metadataProps.length > 0) out.metadata_props = pairsProto(graph.metadataProps);
  applyExtra(graph, out as Record<string, unknown>);
  return out;
}

/** An initializer's TensorProto name: its value's, unless neither the value nor the file named it. */
function initializerName(v: Value, fileName: string | undefined, ctx: ExportContext): string | undefined {
  const name = ctx.nameOf(v);
  return name === '' && fileName === undefined ? undefined : name;
}

/** The ValueInfoProto at one slot: kept verbatim when the importer found the value cannot say it. */
function valueInfoAt(graph: Graph, slot: ValueInfoSlot, index: number, v: Value, ctx: ExportContext): ValueInfoProto {
  const name = ctx.nameOf(v);
  const kept = keptValueInfoProto(graph, slot, index, v) as ValueInfoProto | undefined;
  if (kept === undefined) return valueInfoProto(v, name);
  if ((kept.name ?? '') === name) return kept;
  const renamed: ValueInfoProto = { ...kept, name };
  const unknowns = unknownsOf(kept);
  if (unknowns !== undefined) renamed.$unknowns = unknowns;
  return renamed;
}

/** For valueInfo 'all': typed node outputs that no input, output or value_info entry describes yet. */
function inferredValueInfo(graph: Graph, ctx: ExportContext): ValueInfoProto[] {
  const described = new Set<Value>([...graph.inputs, ...graph.outputs, ...graph.valueInfo]);
  const out: ValueInfoProto[] = [];
  for (const node of graph) {
    for (const v of node.outputs) {
      const name = ctx.nameOf(v);
      if (v.type === undefined || name === '' || described.has(v)) continue;
      described.add(v);
      out.push(valueInfoProto(v, name));
    }
  }
  return out;
}

function annotationProto(a: NonNullable<Graph['quantizationAnnotation']>[number]): TensorAnnotation {
  const out: TensorAnnotation = {};
  if (a.tensorName !== undefined) out.tensor_name = a.tensorName;
  out.quant_parameter_tensor_names = pairsProto(a.quantParameterTensorNames);
  applyExtra(a, out as Record<string, unknown>);
  return out;
}
