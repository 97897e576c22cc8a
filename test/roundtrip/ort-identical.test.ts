/**
 * What we write runs exactly like what we read: for every backend test model with test_data_set_0,
 * onnxruntime-node runs the ORIGINAL file and OUR re-saved model (loadModel -> saveModel) on the same
 * inputs, and the outputs must be bitwise identical.
 *
 * Not counted as passed, and listed with the reason: models onnxruntime cannot load or run in their
 * original form (an op or opset ORT 1.30 lacks, inputs of a kind onnxruntime-node cannot take, such as
 * sequences, optionals, maps, bfloat16 or float8), and models whose outputs differ between two runs of
 * the original itself (none at present; a guard against nondeterministic kernels). Anything else that
 * differs fails the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/api/model-io.js';
import { decodeTensorProto } from '../../src/formats/onnx/codec.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/model.js';
import { StringTensor } from '../../src/ir/tensor.js';
import { ImportContext } from '../../src/importers/onnx/context.js';
import { importTensor } from '../../src/importers/onnx/import-tensor.js';
import { listBackendModels, onnxTestDataDir, type BackendModel } from '../support/test-data.js';

const ORT_TYPE: Partial<Record<DataType, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
  [DataType.UINT4]: 'uint4',
  [DataType.INT4]: 'int4',
};

const SESSION: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 };

/** Thrown for inputs onnxruntime-node cannot take; the model is listed, not failed. */
class CannotFeed extends Error {}

/** test_data_set_0/input_i.pb -> the i-th input onnxruntime asks for (initializers are not among them). */
function feeds(m: BackendModel, model: Model, session: ort.InferenceSession): Record<string, ort.Tensor> {
  const dir = m.dataSets[0]!;
  const out: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const file = path.join(dir, `input_${i}.pb`);
    const input = model.graph.inputs.find((v) => v.name === name);
    if (input?.type !== undefined && input.type.kind !== 'tensor') throw new CannotFeed(`input ${name} is a ${input.type.kind}`);
    if (!fs.existsSync(file)) throw new CannotFeed(`no ${path.basename(file)} for input ${name}`);
    const t = importTensor(decodeTensorProto(fs.readFileSync(file), file), new ImportContext({ file }));
    const type = ORT_TYPE[t.dtype];
    if (type === undefined) throw new CannotFeed(`input ${name} is ${DataType[t.dtype]}, which onnxruntime-node cannot take`);
    // Numbers go in as a fresh copy: a view into the .pb file's buffer may sit at any alignment, and
    // onnxruntime's kernels take alignment-dependent paths that round differently (LayerNormalization).
    const data = t instanceof StringTensor ? t.texts() : t.dtype === DataType.INT4 || t.dtype === DataType.UINT4 ? t.bytes() : t.toArray().slice();
    out[name] = new ort.Tensor(type, data as never, [...t.dims]);
  });
  return out;
}

function sameOutputs(a: ort.InferenceSession.ReturnType, b: ort.InferenceSession.ReturnType): string | undefined {
  const names = Object.keys(a);
  if (names.join() !== Object.keys(b).join()) return `outputs ${names.join()} vs ${Object.keys(b).join()}`;
  for (const n of names) {
    const x = a[n]!;
    const y = b[n]!;
    if (x.type !== y.type || x.dims.join() !== y.dims.join()) return `${n}: ${x.type}[${x.dims}] vs ${y.type}[${y.dims}]`;
    if (x.type === 'string') {
      if ((x.data as string[]).join('\0') !== (y.data as string[]).join('\0')) return `${n}: strings differ`;
      continue;
    }
    const xa = x.data as ArrayBufferView;
    const ya = y.data as ArrayBufferView;
    const xb = Buffer.from(xa.buffer, xa.byteOffset, xa.byteLength);
    if (!xb.equals(Buffer.from(ya.buffer, ya.byteOffset, ya.byteLength))) return `${n}: values differ`;
  }
  return undefined;
}

/**
 * onnxruntime-node 1.30 aborts the whole process (a failed ArrayBuffer allocation, not an exception)
 * when it returns an int4 or uint4 output, so such models are not run at all.
 */
function unreturnableOutput(model: Model): string | undefined {
  for (const v of model.graph.outputs) {
    const t = v.type;
    if (t?.kind === 'tensor' && (t.dtype === DataType.INT4 || t.dtype === DataType.UINT4)) {
      return `output ${v.name} is ${DataType[t.dtype]}: onnxruntime-node aborts the process when it returns one`;
    }
  }
  return undefined;
}

async function runOnce(source: string | Uint8Array, m: BackendModel, model: Model): Promise<ort.InferenceSession.ReturnType> {
  const unreturnable = unreturnableOutput(model);
  if (unreturnable !== undefined) throw new CannotFeed(unreturnable);
  const session = typeof source === 'string' ? await ort.InferenceSession.create(source, SESSION) : await ort.InferenceSession.create(source, SESSION);
  try {
    return await session.run(feeds(m, model, session));
  } finally {
    await session.release();
  }
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-ort-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('onnxruntime runs our re-saved models exactly like the originals', () => {
  it('gives bitwise identical outputs on every backend test model it can run', async () => {
    const models = listBackendModels().filter((m) => m.dataSets.length > 0);
    const identical: string[] = [];
    const cannotRun: string[] = [];
    const nondeterministic: string[] = [];
    const failures: string[] = [];
    const started = performance.now();
    for (const m of models) {
      const rel = path.relative(onnxTestDataDir(), m.dir);
      const bytes = fs.readFileSync(m.modelPath);
      const model = await loadModel(m.modelPath);
      let expected: ort.InferenceSession.ReturnType;
      try {
        expected = await runOnce(bytes, m, model);
      } catch (e) {
        cannotRun.push(`${rel}: ${reason(e)}`);
        continue;
      }
      try {
        const file = path.join(tmp, rel, 'model.onnx');
        await saveModel(model, file);
        const diff = sameOutputs(expected, await runOnce(file, m, model));
        if (diff === undefined) identical.push(rel);
        else if (sameOutputs(expected, await runOnce(bytes, m, model)) !== undefined) nondeterministic.push(`${rel}: ${diff} between two runs of the original`);
        else failures.push(`${rel}: ${diff}`);
      } catch (e) {
        failures.push(`${rel}: ours fails where the original runs: ${reason(e)}`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `identical on ${identical.length}, ORT cannot run the original: ${cannotRun.length}, ` +
        `nondeterministic in ORT itself: ${nondeterministic.length}, different: ${failures.length} ` +
        `(of ${models.length} models with test data, ${seconds} s)\n` +
        `ORT cannot run the original:\n  ${cannotRun.join('\n  ')}\n` +
        `nondeterministic:\n  ${nondeterministic.join('\n  ')}`,
    );
    expect(failures).toEqual([]);
    expect(identical.length).toBeGreaterThan(1000);
  }, 1_800_000);
});

function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').slice(0, 240);
}
