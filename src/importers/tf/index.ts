/**
 * TensorFlow importers: SavedModel directories, frozen GraphDefs and TF.js graph models -> IR models of
 * `tf` source nodes (Note [TensorFlow source nodes]); `lowerTfModel` turns those into ONNX.
 */
export { importGraphDef } from './frozen/import-graph-def.js';
export { lowerTfModel, type TfLowerOptions } from './lower-model.js';
export { DEFAULT_SIGNATURE, importSavedModel, signatureNames, type SavedModelImportOptions } from './saved-model/import-saved-model.js';
export { importTfjs } from './tfjs/import-tfjs.js';
