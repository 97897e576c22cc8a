/** torch.export `.pt2` programs -> IR models of ATen source nodes (lowered by src/importers/torch/ops). */
export { importPt2, importPt2Archive, type ImportPt2Options } from './import-pt2.js';
export { programToModel, type ProgramGraphOptions } from './program-graph.js';
export { sourceOpOf, type SourceOp } from './targets.js';
