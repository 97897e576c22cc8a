import path from 'node:path';
import { UsageError } from '../ir/errors.js';
import { inferShapes } from '../ir/infer/infer-shapes.js';
import type { Model } from '../ir/model.js';
import { sortTopologically } from '../ir/topo-sort.js';
import { checkWithOnnxruntime, type ParityReport, type ToleranceOverride } from '../parity/check.js';
import { loadReference } from '../parity/reference.js';
import { DEFAULT_OPSET } from './defaults.js';
import { overrideInputShapes } from './input-shapes.js';
import { saveModel } from './model-io.js';
import { importers } from './source-importers.js';
import { detectFormat, type SourceFormat } from './source-format.js';
import { validate, type ValidationReport } from './validate.js';

export interface ConvertOptions {
  /** Where to write the ONNX model; default: the input's name with `.onnx` beside it. */
  output?: string;
  /** ai.onnx opset of the result (default 18 for framework artifacts; an ONNX input keeps its own). */
  opset?: number;
  /** Fixed dims for inputs, e.g. { x: [1, 3, 224, 224] }; others keep their (symbolic) dims. */
  inputShapes?: Record<string, number[]>;
  /** Run the result in onnxruntime against reference outputs. */
  check?: boolean;
  /** Reference folder for `check`; default: the artifact's own folder (test_data_set_N + meta.json). */
  reference?: string;
  tolerance?: ToleranceOverride;
  /** Which signature of a TF SavedModel to convert (default `serving_default`). */
  signature?: string;
  /** Called as each stage starts, for progress display. */
  onStage?: (stage: ConvertStage) => void;
}

export type ConvertStage = 'read' | 'lower' | 'validate' | 'write' | 'check';

export const CONVERT_STAGES: readonly ConvertStage[] = ['read', 'lower', 'validate', 'write', 'check'];

export interface ConvertResult {
  input: string;
  format: SourceFormat;
  output: string;
  opset: number;
  model: Model;
  validation: ValidationReport;
  parity?: ParityReport;
}

export { DEFAULT_OPSET };

/**
 * Converts a framework artifact (TorchScript archive, torch.export .pt2, or ONNX) to ONNX: import into
 * the IR, lower source ops through the importer's table (every unsupported op reported at once),
 * validate, write, and with `check` compare onnxruntime's outputs with the reference outputs.
 */
export async function convert(file: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const requested = options.opset;
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 13 || requested > 23)) {
    throw new UsageError(`--opset must be between 13 and 23, got ${requested}`);
  }
  const format = detectFormat(file);
  const importer = importers[format];
  if (importer === undefined) throw new UsageError(`${file}: converting ${format} artifacts is not supported yet`);
  if (options.signature !== undefined && format !== 'tf-saved-model') throw new UsageError('--signature applies to TensorFlow SavedModel directories only', { file });
  options.onStage?.('read');
  const model = await importer.read(file, options.signature === undefined ? {} : { signature: options.signature });
  if (options.inputShapes) overrideInputShapes(model, options.inputShapes, file);
  options.onStage?.('lower');
  importer.lower(model, { opset: requested, file });
  const opset = model.opset('') ?? requested ?? DEFAULT_OPSET;
  sortTopologically(model.graph);
  options.onStage?.('validate');
  inferShapes(model);
  const validation = validate(model);
  const output = options.output ?? defaultOutput(file);
  if (path.resolve(output) === path.resolve(file)) throw new UsageError(`the output ${output} would overwrite the input`);
  options.onStage?.('write');
  await saveModel(model, output);
  const result: ConvertResult = { input: file, format, output, opset, model, validation };
  if (options.check) {
    options.onStage?.('check');
    const ref = loadReference(file, options.reference, options.signature);
    result.parity = await checkWithOnnxruntime(output, ref, options.tolerance, options.reference ?? path.dirname(file));
  }
  return result;
}

function defaultOutput(file: string): string {
  const ext = path.extname(file);
  const stem = ext === '' ? file : file.slice(0, -ext.length);
  return ext.toLowerCase() === '.onnx' ? `${stem}.converted.onnx` : `${stem}.onnx`;
}
