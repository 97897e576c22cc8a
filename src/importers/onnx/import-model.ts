import { BridgeError } from '../../ir/errors.js';
import { Graph } from '../../ir/graph.js';
import { Func, Model, type TrainingInfo } from '../../ir/model.js';
import type { Value } from '../../ir/value.js';
import type { FunctionProto, GraphProto, ModelProto, TrainingInfoProto } from '../../formats/onnx/generated/onnx-types.js';
import { noteAbsent, notePresentDefaults, noteUnknowns } from '../../ir/wire-hints.js';
import { checkOrder } from './check-order.js';
import { ImportContext, Scope, toInt64, type ImportOptions } from './context.js';
import { importAttribute } from './import-attribute.js';
import { importGraph } from './import-graph.js';
import { importMetadata, importOpsets, importPairs } from './import-lists.js';

/**
 * A decoded ModelProto -> IR Model, generically (no per-op code). Everything the file says is kept,
 * either in the IR or in wire hints (Note [wire hints]), so that exporting gives the same message back.
 * Errors: FormatError for malformed tensors and types, CheckError for broken wiring (a dangling input,
 * a name defined twice, a cycle); both carry `options.file`.
 */
export function importModel(m: ModelProto, options: ImportOptions = {}): Model {
  const ctx = new ImportContext(options);
  try {
    return importModelWith(m, ctx, options.sortNodes ?? false);
  } catch (e) {
    // Errors from IR helpers (e.g. Graph) do not know the file; attach it on the way out.
    throw e instanceof BridgeError && options.file !== undefined ? e.withFile(options.file) : e;
  }
}

function importModelWith(m: ModelProto, ctx: ImportContext, sort: boolean): Model {
  const main = m.graph !== undefined ? importGraph(m.graph, ctx, new Scope()) : { graph: new Graph(), scope: new Scope() };
  const ir = m.ir_version ?? 0;
  const model = new Model(main.graph, importOpsets(m.opset_import, ctx), typeof ir === 'number' ? ir : ir.toNumber());
  if (m.graph === undefined) noteAbsent(model, 'graph');
  if (m.producer_name !== undefined) model.producerName = m.producer_name;
  if (m.producer_version !== undefined) model.producerVersion = m.producer_version;
  if (m.domain !== undefined) model.domain = m.domain;
  if (m.model_version !== undefined) model.modelVersion = toInt64(m.model_version);
  if (m.doc_string !== undefined) model.docString = m.doc_string;
  const meta = importMetadata(m.metadata_props);
  if (meta !== undefined) model.metadataProps = meta;
  if ((m.configuration?.length ?? 0) > 0) model.configuration = m.configuration;
  notePresentDefaults(model, m, ['ir_version']);
  noteUnknowns(model, m);

  model.functions = (m.functions ?? []).map((f) => importFunction(f, ctx));
  model.trainingInfo = (m.training_info ?? []).map((t) => importTraining(t, ctx, main.scope));

  checkOrder(model.graph, new Set(), ctx, sort);
  for (const f of model.functions) checkOrder(f.graph, new Set(), ctx, sort);
  const mainValues = topLevelValues(model.graph);
  for (const t of model.trainingInfo) {
    if (t.initialization) checkOrder(t.initialization, mainValues, ctx, sort);
    if (t.algorithm) checkOrder(t.algorithm, mainValues, ctx, sort);
  }
  return model;
}

/** A FunctionProto's body is imported as a graph whose inputs and outputs are bare names. */
function importFunction(f: FunctionProto, ctx: ImportContext): Func {
  const body: GraphProto = {
    node: f.node ?? [],
    input: (f.input ?? []).map((name) => ({ name })),
    output: (f.output ?? []).map((name) => ({ name })),
    value_info: f.value_info ?? [],
  };
  const { graph } = importGraph(body, ctx, new Scope(), false);
  const fn = new Func(f.domain ?? '', f.name ?? '', graph);
  if (f.overload !== undefined) fn.overload = f.overload;
  if (f.doc_string !== undefined) fn.docString = f.doc_string;
  const meta = importMetadata(f.metadata_props);
  if (meta !== undefined) fn.metadataProps = meta;
  fn.attributes = [...(f.attribute ?? [])];
  fn.attributeDefaults = (f.attribute_proto ?? []).map((a) => importAttribute(a, ctx, new Scope(), undefined));
  fn.opsetImports = importOpsets(f.opset_import, ctx);
  notePresentDefaults(fn, f, ['name', 'domain']);
  noteUnknowns(fn, f);
  return fn;
}

/**
 * Training graphs may read the main graph's values (its initializers above all) by name, so their scope
 * sits inside the main graph's: the inner node's input is the main graph's Value.
 */
function importTraining(t: TrainingInfoProto, ctx: ImportContext, main: Scope): TrainingInfo {
  const info: TrainingInfo = {
    initializationBinding: importPairs(t.initialization_binding),
    updateBinding: importPairs(t.update_binding),
  };
  if (t.initialization !== undefined) info.initialization = importGraph(t.initialization, ctx, new Scope(main)).graph;
  if (t.algorithm !== undefined) info.algorithm = importGraph(t.algorithm, ctx, new Scope(main)).graph;
  noteUnknowns(info, t);
  return info;
}

function topLevelValues(graph: Graph): Set<Value> {
  const out = new Set<Value>([...graph.inputs, ...graph.initializers.values(), ...graph.sparseInitializers]);
  for (const node of graph) for (const v of node.outputs) out.add(v);
  return out;
}
