/**
 * The TF.js graph model importer: `model.json` (checked with ajv by src/formats/tfjs) and its weight
 * shards -> an IR model of `tf` source nodes. The topology is a GraphDef whose Const nodes have their
 * values in the weights, by node name. The signature (when model.json has one) names the inputs and
 * outputs as the user sees them; without one, Placeholders and sinks are used as for a frozen GraphDef.
 * TF1 loops (models converted without control_flow_v2) are rebuilt as While (Note [v1 control flow]).
 */
import { readTfjsModel } from '../../../formats/tfjs/files.js';
import type { SignatureDef } from '../../../formats/tf/index.js';
import { mapEntries } from '../../../formats/tf/index.js';
import { FormatError } from '../../../ir/errors.js';
import type { Model } from '../../../ir/model.js';
import { rebuildV1Loops } from '../graph-import/control-flow-v1.js';
import { importGraph, type GraphInterface } from '../graph-import/import-graph.js';
import { placeholders, sinkOutputs } from '../graph-import/sinks.js';
import { FunctionLibrary, graphBody, graphRef, type TfBody } from '../graph-import/tf-body.js';

export function importTfjs(file: string): Model {
  const m = readTfjsModel(file);
  const body = graphBody(m.graph.node ?? [], { file });
  const library = new FunctionLibrary(m.graph.library?.function ?? [], { file });
  rebuildV1Loops(body, library, file);
  const iface: GraphInterface = m.signature ? signatureInterface(body, m.signature, file) : { name: 'tfjs', inputs: placeholders(body), outputs: sinkOutputs(body, file) };
  return importGraph(body, library, iface, { file, constant: (n) => m.weights.get(n.name) });
}

function signatureInterface(body: TfBody, sig: SignatureDef, file: string): GraphInterface {
  const ref = (kind: string, key: string, tensor: string | undefined): { node: string; index: number } => {
    const r = tensor === undefined ? undefined : graphRef(body, tensor);
    if (r === undefined) throw new FormatError(`signature ${kind} ${JSON.stringify(key)} names ${JSON.stringify(tensor)}, which is not in the graph`, { file });
    return r;
  };
  const sorted = <V>(m: { [k: string]: V } | undefined): [string, V][] => mapEntries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name: 'tfjs',
    inputs: sorted(sig.inputs).map(([key, info]) => ({ name: key, node: ref('input', key, info.name).node })),
    outputs: sorted(sig.outputs).map(([key, info]) => ({ name: key, ref: ref('output', key, info.name) })),
  };
}
