/**
 * The frozen GraphDef importer: a `.pb` GraphDef whose weights are Const nodes -> an IR model of `tf`
 * source nodes. Inputs are its Placeholders, in file order, named as the nodes are; outputs are its
 * sinks (Note [frozen graph outputs]). TF1 loops are rebuilt as While (Note [v1 control flow]).
 */
import path from 'node:path';
import { readGraphDefFile } from '../../../formats/tf/files.js';
import type { Model } from '../../../ir/model.js';
import { rebuildV1Loops } from '../graph-import/control-flow-v1.js';
import { importGraph } from '../graph-import/import-graph.js';
import { placeholders, sinkOutputs } from '../graph-import/sinks.js';
import { FunctionLibrary, graphBody } from '../graph-import/tf-body.js';

export function importGraphDef(file: string): Model {
  const gd = readGraphDefFile(file);
  const body = graphBody(gd.node ?? [], { file });
  const library = new FunctionLibrary(gd.library?.function ?? [], { file });
  rebuildV1Loops(body, library, file);
  return importGraph(body, library, { name: path.basename(file, path.extname(file)), inputs: placeholders(body), outputs: sinkOutputs(body, file) }, { file });
}
