/**
 * `onnxbridge run`: one model, one engine, one set of inputs; the outputs with a short summary each, and
 * optionally written as a reference folder (input_N.pb + output_N.pb) that `parity --against` reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, decodeModel } from '../api/model-io.js';
import { tensorProto } from '../exporters/onnx/export-tensor.js';
import { encodeTensorProto } from '../formats/onnx/codec.js';
import { halfToFloat } from '../formats/tfjs/weights.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { StringTensor, type Tensor } from '../ir/tensor.js';
import { openEngine, type Backend, type EngineOptions } from './engines.js';
import { chooseInputs, modelInputs, type InputOptions, type NamedTensor } from './inputs.js';
import type { InputsInfo } from './report.js';

export interface RunOptions extends InputOptions, EngineOptions {
  /** Default 'onnxruntime'. */
  backend?: Backend;
}

export interface RunResult {
  model: string;
  backend: string;
  inputs: NamedTensor[];
  inputsInfo: InputsInfo;
  outputs: NamedTensor[];
  notes: string[];
}

/** The IR of `model` (for its input types) and how to name it in reports. */
export async function loadForRun(model: string | Uint8Array): Promise<{ ir: Model; label: string }> {
  return typeof model === 'string' ? { ir: await loadModel(model), label: model } : { ir: decodeModel(model), label: '<bytes>' };
}

export async function runModel(model: string | Uint8Array, options: RunOptions = {}): Promise<RunResult> {
  const { ir, label } = await loadForRun(model);
  const chosen = chooseInputs(modelInputs(ir), options);
  const engine = await openEngine(model, options.backend ?? 'onnxruntime', options);
  try {
    const outputs = await engine.run(chosen.inputs);
    return { model: label, backend: engine.label, inputs: chosen.inputs, inputsInfo: chosen.info, outputs, notes: chosen.notes };
  } finally {
    await engine.release();
  }
}

export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  /** NaN elements, left out of min/max/mean. */
  nan: number;
}

/** min/max/mean over the finite and infinite values (NaN counted apart); undefined for strings or empty tensors. */
export function tensorStats(t: Tensor): TensorStats | undefined {
  if (t instanceof StringTensor || t.size === 0) return undefined;
  const data = numericValues(t);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = 0;
  for (let i = 0; i < data.length; i++) {
    const x = Number(data[i]);
    if (Number.isNaN(x)) {
      nan++;
      continue;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const n = data.length - nan;
  return n === 0 ? { min: NaN, max: NaN, mean: NaN, nan } : { min, max, mean: sum / n, nan };
}

/** Values as numbers (bigint kept): float16 decoded from its bit patterns. */
export function numericValues(t: Tensor): ArrayLike<number | bigint> {
  const a = t.toArray() as ArrayLike<number | bigint>;
  return t.dtype === DataType.FLOAT16 ? Array.from(a as Uint16Array, halfToFloat) : a;
}

/**
 * Writes `dir`/input_N.pb and output_N.pb (ONNX TensorProto, named), making `dir` a reference data set
 * for `parity --against dir`. Returns the files written.
 */
export function saveTensors(dir: string, inputs: readonly NamedTensor[], outputs: readonly NamedTensor[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (prefix: string, ts: readonly NamedTensor[]): void =>
    ts.forEach((t, i) => {
      const file = path.join(dir, `${prefix}_${i}.pb`);
      fs.writeFileSync(file, encodeTensorProto(tensorProto(t.tensor, t.name), file));
      written.push(file);
    });
  write('input', inputs);
  write('output', outputs);
  return written;
}
