/**
 * The SavedModel importer: one signature of a SavedModel directory -> an IR model of `tf` source nodes.
 * The signature names tensors of the MetaGraph's top-level graph: Placeholders (`serving_default_x:0`)
 * feeding a StatefulPartitionedCall of a concrete function, whose body is inlined (recursively). The
 * concrete function's captured variables are frozen (Note [frozen variables]): its trailing resource args
 * are the SavedObjectGraph nodes in `bound_inputs`, whose checkpoint keys come from the checkpoint's own
 * object graph (node i of one is node i of the other) and whose values come from the tensor bundle,
 * checksums verified. Graph inputs and outputs are named by the signature's keys, sorted.
 */
import path from 'node:path';
import { readSavedModelDir } from '../../../formats/tf/files.js';
import type { MetaGraphDef, SavedObjectGraph, SignatureDef, TensorBundle } from '../../../formats/tf/index.js';
import { mapEntries, mapGet, tensorFromProto, variableValueKeys } from '../../../formats/tf/index.js';
import { FormatError, UsageError } from '../../../ir/errors.js';
import type { Graph } from '../../../ir/graph.js';
import type { Model } from '../../../ir/model.js';
import type { Tensor } from '../../../ir/tensor.js';
import { tensorType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { rebuildV1Loops } from '../graph-import/control-flow-v1.js';
import { importGraph, type GraphInterface } from '../graph-import/import-graph.js';
import { Resource } from '../graph-import/resource.js';
import { FunctionLibrary, graphBody, graphRef, type TfBody } from '../graph-import/tf-body.js';

export const DEFAULT_SIGNATURE = 'serving_default';
/** Not a callable signature: the op that initializes tables when a session loads the model. */
const INIT_OP_SIGNATURE = '__saved_model_init_op';

export interface SavedModelImportOptions {
  /** Which signature (default `serving_default`). */
  signature?: string;
}

export function importSavedModel(dir: string, options: SavedModelImportOptions = {}): Model {
  const { savedModel, variables } = readSavedModelDir(dir);
  const metas = savedModel.meta_graphs ?? [];
  const meta = metas.find((m) => (m.meta_info_def?.tags ?? []).includes('serve')) ?? metas[0];
  if (meta === undefined) throw new FormatError('the SavedModel has no MetaGraph', { file: dir });
  const [name, sig] = pickSignature(meta, dir, options.signature);
  const graphDef = meta.graph_def ?? {};
  const body = graphBody(graphDef.node ?? [], { file: dir });
  const library = new FunctionLibrary(graphDef.library?.function ?? [], { file: dir });
  // TF1 SavedModels keep loops in the top-level graph (Note [v1 control flow]).
  rebuildV1Loops(body, library, dir);
  const iface = signatureInterface(body, sig, name, dir);
  const captures = new Captures(dir, meta, body, variables);
  return importGraph(body, library, iface, { file: dir, boundInputs: (fn, main, claim) => captures.bound(fn, main, claim) });
}

/** The signatures a user can pick, sorted. */
export function signatureNames(meta: MetaGraphDef): string[] {
  return mapEntries(meta.signature_def)
    .map(([k]) => k)
    .filter((k) => k !== INIT_OP_SIGNATURE)
    .sort();
}

function pickSignature(meta: MetaGraphDef, dir: string, wanted: string | undefined): [string, SignatureDef] {
  const names = signatureNames(meta);
  const name = wanted ?? DEFAULT_SIGNATURE;
  const sig = names.includes(name) ? mapGet(meta.signature_def, name) : undefined;
  if (sig !== undefined) return [name, sig];
  // A model saved with one signature under another name: that one is the obvious default.
  if (wanted === undefined && names.length === 1) return [names[0]!, mapGet(meta.signature_def, names[0]!)!];
  const list = names.length === 0 ? 'it has none' : `its signatures are ${names.join(', ')}`;
  throw new UsageError(`the SavedModel has no signature ${JSON.stringify(name)}; ${list} (choose one with --signature)`, { file: dir });
}

function signatureInterface(body: TfBody, sig: SignatureDef, name: string, file: string): GraphInterface {
  const tensor = (kind: string, key: string, info: { name?: string }): { node: string; index: number } => {
    if (info.name === undefined) throw new FormatError(`signature ${name} ${kind} ${JSON.stringify(key)} is a composite (sparse or ragged) tensor, which is not supported`, { file });
    const ref = graphRef(body, info.name);
    if (ref === undefined) throw new FormatError(`signature ${name} ${kind} ${JSON.stringify(key)} names ${JSON.stringify(info.name)}, which is not in the graph`, { file });
    return ref;
  };
  const sorted = <V>(m: { [k: string]: V } | undefined): [string, V][] => mapEntries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const outputs = sorted(sig.outputs).map(([key, info]) => ({ name: key, ref: tensor('output', key, info) }));
  if (outputs.length === 0) throw new FormatError(`signature ${name} has no outputs`, { file });
  return {
    name,
    inputs: sorted(sig.inputs).map(([key, info]) => ({ name: key, node: tensor('input', key, info).node })),
    outputs,
  };
}

/**
 * What a concrete function captures, by SavedObjectGraph node: variables (read from the bundle when first
 * read) and captured constants (a Const of the top-level graph named by SavedConstant.operation). Each
 * becomes one initializer of the main graph, shared by every function that captures it.
 */
class Captures {
  private readonly objects: SavedObjectGraph;
  private readonly made = new Map<number, Resource>();
  private keys?: Map<number, string>;

  constructor(
    private readonly dir: string,
    meta: MetaGraphDef,
    private readonly body: TfBody,
    private readonly bundle: TensorBundle | undefined,
  ) {
    this.objects = meta.object_graph_def ?? {};
  }

  bound(fn: string, main: Graph, claim: (name: string) => string): Resource[] | undefined {
    const ids = mapGet(this.objects.concrete_functions, fn)?.bound_inputs;
    if (ids === undefined || ids.length === 0) return undefined;
    return ids.map((id) => {
      let r = this.made.get(id);
      if (r === undefined) {
        r = this.capture(id, main, claim);
        this.made.set(id, r);
      }
      return r;
    });
  }

  private capture(id: number, main: Graph, claim: (name: string) => string): Resource {
    const obj = this.objects.nodes?.[id];
    const initializer = (name: string, t: Tensor): Value => {
      const v = main.addInitializer(claim(name), t);
      v.type = tensorType(t.dtype, t.dims);
      return v;
    };
    if (obj?.variable !== undefined) {
      const label = obj.variable.name || `object ${id}`;
      return new Resource(label, () => {
        const key = this.checkpointKey(id, label);
        return initializer(key.replace(/\/\.ATTRIBUTES\/VARIABLE_VALUE$/, ''), this.bundle!.tensor(key));
      });
    }
    if (obj?.constant?.operation !== undefined) {
      const op = obj.constant.operation;
      return new Resource(op, () => {
        const proto = mapGet(this.body.nodes.get(op)?.attr, 'value')?.tensor;
        if (proto === undefined) throw new FormatError(`captured constant ${JSON.stringify(op)} is not a Const of the graph`, { file: this.dir });
        return initializer(op, tensorFromProto(proto, { file: this.dir, node: op }));
      });
    }
    // Tables, assets and other resources: any op that reads one is reported when it is read.
    return new Resource(`object ${id} (${obj?.kind ?? 'missing'})`);
  }

  private checkpointKey(id: number, label: string): string {
    const variablesFile = path.join(this.dir, 'variables', 'variables.index');
    if (this.bundle === undefined) throw new FormatError(`variable ${JSON.stringify(label)} is used, but the SavedModel has no variables/variables.index`, { file: this.dir });
    if (this.keys === undefined) {
      const graph = this.bundle.objectGraph();
      if (graph === undefined) throw new FormatError('the checkpoint has no object graph, so its variables cannot be matched to the model (a TF1 checkpoint?)', { file: variablesFile });
      this.keys = variableValueKeys(graph);
    }
    const key = this.keys.get(id);
    if (key === undefined) throw new FormatError(`the checkpoint holds no value for variable ${JSON.stringify(label)} (object ${id})`, { file: variablesFile });
    return key;
  }
}
