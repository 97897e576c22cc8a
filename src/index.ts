/**
 * onnxbridge's programmatic API. The IR lives under `ir`; the functions below are the entry points a
 * build pipeline needs: load, save, inspect, validate.
 */
export { loadModel, saveModel, encodeModel, decodeModel } from './api/model-io.js';
export { convert, type ConvertOptions, type ConvertResult } from './api/convert.js';
export { checkWithOnnxruntime, type ParityReport, type OutputParity } from './parity/check.js';
export { loadReference, type Reference } from './parity/reference.js';
export { compare, type CompareOptions, type CompareReport } from './parity/compare.js';
export { bisect, type BisectOptions, type BisectReport, type BisectDivergence } from './parity/bisect.js';
export { inspect, type InspectReport, type IOEntry } from './api/inspect.js';
export { validate, type ValidationReport, type ValidationIssue } from './api/validate.js';
export { checkModel, type CheckReport } from './ir/check/check-model.js';
export { inferShapes, type InferReport, type InferOptions } from './ir/infer/infer-shapes.js';

export * from './ir/errors.js';
export { DataType, dataTypeName, dataTypeInfo } from './ir/dtype.js';
export type { Dim, Shape } from './ir/shape.js';
export { tensorType, formatType, type ValueType, type TensorType } from './ir/types.js';
export { Tensor, ArrayTensor, BytesTensor, LazyTensor, ExternalTensor, StringTensor, type SparseTensor, type MetadataProps } from './ir/tensor.js';
export { attr, AttributeType, type Attribute, type Int64 } from './ir/attribute.js';
export { Value, type Use } from './ir/value.js';
export { Node, type NodeInit } from './ir/node.js';
export { Graph } from './ir/graph.js';
export { Model, Func, type TrainingInfo, type OpsetImports } from './ir/model.js';
export { sortTopologically } from './ir/topo-sort.js';
export { verifyModel } from './ir/verify.js';
export { printModel } from './ir/print.js';
export { getSchema, getSchemaVersions } from './ir/ops/registry.js';

// Importers: framework artifacts into the IR (source-domain nodes), and the lowering that makes them ONNX.
export { importTorchScript } from './importers/torch/torchscript/index.js';
export { importPt2 } from './importers/torch/pt2/index.js';
export { importSavedModel, importGraphDef, importTfjs, lowerTfModel } from './importers/tf/index.js';

// Passes: each declares its name and summary; the manager runs a list to a fixpoint.
export { PassManager, type PassManagerOptions, type PassManagerResult } from './passes/infra/pass-manager.js';
export type { Pass, PassResult } from './passes/infra/pass.js';
export { BUILTIN_PASSES, getPass, describePasses } from './passes/registry.js';
export { foldConstants } from './passes/fold-constants.js';
export { optimizeTransposes, createOptimizeTransposes } from './passes/optimize-transposes.js';
