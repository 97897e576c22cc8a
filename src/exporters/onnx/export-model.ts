import type { Func, Model, OpsetImports, TrainingInfo } from '../../ir/model.js';
import { applyExtra, keptValueInfoProto, pairsSignature, putScalar, rawListFor, wasAbsent } from '../../ir/wire-hints.js';
import type { FunctionProto, ModelProto, OperatorSetIdProto, TrainingInfoProto } from '../../formats/onnx/generated/onnx-types.js';
import { ExportContext, type ExportOptions } from './export-context.js';
import { attributeProto, nodeProto } from './export-node.js';
import { int64Wire } from './export-tensor.js';
import { pairsProto, valueInfoProto } from './export-type.js';

/**
 * IR Model -> ModelProto (a plain object for the codec). Nothing in the IR is changed; values that need
 * a name get one in the output only (ExportContext). What the importer noted about how the file was
 * written (Note [wire hints]) is honoured, so import -> export is the identity on decoded messages.
 */
export function exportModel(model: Model, options: ExportOptions = {}): ModelProto {
  const ctx = new ExportContext(model, options);
  const out: ModelProto = {};
  putScalar(out as Record<string, unknown>, 'ir_version', model.irVersion, 0, model);
  out.opset_import = opsetProto(model.opsetImports);
  if (model.producerName !== undefined) out.producer_name = model.producerName;
  if (model.producerVersion !== undefined) out.producer_version = model.producerVersion;
  if (model.domain !== undefined) out.domain = model.domain;
  if (model.modelVersion !== undefined) out.model_version = int64Wire(model.modelVersion);
  if (model.docString !== undefined) out.doc_string = model.docString;
  // A file without a graph imports as an empty one; write it back absent while it stays empty.
  const g = model.graph;
  const emptyGraph = g.nodeCount === 0 && g.inputs.length === 0 && g.outputs.length === 0 && g.initializers.size === 0;
  if (!(wasAbsent(model, 'graph') && emptyGraph)) out.graph = ctx.graphProto(g);
  if (model.metadataProps !== undefined && model.metadataProps.length > 0) out.metadata_props = pairsProto(model.metadataProps);
  out.training_info = model.trainingInfo.map((t) => trainingProto(t, ctx));
  out.functions = model.functions.map((f) => functionProto(f, ctx));
  if (model.configuration !== undefined) out.configuration = model.configuration as ModelProto['configuration'];
  applyExtra(model, out as Record<string, unknown>);
  return out;
}

export function opsetProto(imports: OpsetImports): OperatorSetIdProto[] {
  return rawListFor<OperatorSetIdProto[]>(imports, pairsSignature(imports)) ?? [...imports].map(([domain, version]) => ({ domain, version }));
}

function trainingProto(t: TrainingInfo, ctx: ExportContext): TrainingInfoProto {
  const out: TrainingInfoProto = {};
  if (t.initialization !== undefined) out.initialization = ctx.graphProto(t.initialization);
  if (t.algorithm !== undefined) out.algorithm = ctx.graphProto(t.algorithm);
  out.initialization_binding = pairsProto(t.initializationBinding);
  out.update_binding = pairsProto(t.updateBinding);
  applyExtra(t, out as Record<string, unknown>);
  return out;
}

/** A function body is a graph whose inputs and outputs are written as bare names. */
function functionProto(f: Func, ctx: ExportContext): FunctionProto {
  const g = f.graph;
  const out: FunctionProto = {};
  putScalar(out as Record<string, unknown>, 'name', f.name, '', f);
  out.input = g.inputs.map((v) => ctx.nameOf(v));
  out.output = g.outputs.map((v) => ctx.nameOf(v));
  out.attribute = [...f.attributes];
  out.attribute_proto = f.attributeDefaults.map((a) => attributeProto(a, ctx));
  out.node = [...g].map((n) => nodeProto(n, ctx));
  if (f.docString !== undefined) out.doc_string = f.docString;
  out.opset_import = opsetProto(f.opsetImports);
  putScalar(out as Record<string, unknown>, 'domain', f.domain, '', f);
  if (f.overload !== undefined) out.overload = f.overload;
  out.value_info = g.valueInfo.map((v, i) => {
    const kept = keptValueInfoProto(g, 'value_info', i, v);
    return kept !== undefined ? (kept as ReturnType<typeof valueInfoProto>) : valueInfoProto(v, ctx.nameOf(v));
  });
  if (f.metadataProps !== undefined && f.metadataProps.length > 0) out.metadata_props = pairsProto(f.metadataProps);
  applyExtra(f, out as Record<string, unknown>);
  return out;
}
