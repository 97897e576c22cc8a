/**
 * TF.js graph models, browser-safe part: model.json checking and conversion, weight decoding.
 * Reading from disk (node:fs) lives in ./files.js, imported from there directly.
 */
export {
  parseTfjsModelJson,
  type TfjsGraphManifest,
  type TfjsModelJson,
  type TfjsQuantization,
  type TfjsWeightDtype,
  type TfjsWeightEntry,
  type TfjsWeightGroup,
} from './model-json.js';
export { decodeWeights, halfToFloat } from './weights.js';
