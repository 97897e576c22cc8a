/**
 * Every `node` test of the ONNX backend test data through our CPU Session: feed each test_data_set's
 * inputs, compare with its outputs (floats: |got - want| <= atol + rtol * |want| with rtol 1e-3, atol 1e-5,
 * as ONNX's runner; ints, bools and strings exact). Excluded tests (exclusions.ts) must fail; one that
 * passes fails the run. Writes .cache/conformance/node-tests.json for scripts/conformance-report.mjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/api/model-io.js';
import { decodeMessage, decodeTensorProto } from '../../src/formats/onnx/codec.js';
import type { OptionalProto, SequenceProto, TensorProto } from '../../src/formats/onnx/generated/onnx-types.js';
import { ImportContext } from '../../src/importers/onnx/context.js';
import { importTensor } from '../../src/importers/onnx/import-tensor.js';
import type { Model } from '../../src/ir/model.js';
import type { ValueType } from '../../src/ir/types.js';
import { cpuKernels } from '../../src/runtime/cpu/index.js';
import { Session } from '../../src/runtime/session.js';
import { fromIrTensor, Tensor, tensorTypeOf } from '../../src/runtime/tensor.js';
import { OptionalValue, TensorSequence, valueKindOf, type RuntimeValue } from '../../src/runtime/values.js';
import { listBackendModels, type BackendModel } from '../support/test-data.js';
import { exclusionFor, type Exclusion } from './exclusions.js';
import { halfToFloat } from '../../src/runtime/cpu/float16.js';

const RTOL = 1e-3;
const ATOL = 1e-5;
const tests = listBackendModels(['node']);

interface Record_ {
  name: string;
  ops: string[];
  status: 'passed' | 'failed' | 'excluded';
  kind?: Exclusion['kind'];
  reason?: string;
}
const records: Record_[] = [];

function tensorOf(p: TensorProto): Tensor {
  return fromIrTensor(importTensor(p, new ImportContext({})));
}

function sequenceOf(p: SequenceProto, type: ValueType | undefined): TensorSequence {
  if ((p.sequence_values?.length ?? 0) + (p.map_values?.length ?? 0) + (p.optional_values?.length ?? 0) + (p.sparse_tensor_values?.length ?? 0) > 0) {
    throw new Error('only sequences of tensors are supported');
  }
  const elem = type?.kind === 'sequence' && type.elem?.kind === 'tensor' ? tensorTypeOf(type.elem.dtype) : undefined;
  return new TensorSequence((p.tensor_values ?? []).map(tensorOf), elem);
}

/** A test value file, read as the message its graph input/output type says (as ONNX's runner does). */
function readValue(file: string, type: ValueType | undefined): RuntimeValue {
  const bytes = fs.readFileSync(file);
  if (type?.kind === 'sequence') return sequenceOf(decodeMessage('SequenceProto', bytes, file), type);
  if (type?.kind === 'optional') {
    const p: OptionalProto = decodeMessage('OptionalProto', bytes, file);
    if (p.tensor_value) return new OptionalValue(tensorOf(p.tensor_value));
    if (p.sequence_value) return new OptionalValue(sequenceOf(p.sequence_value, type.elem));
    return new OptionalValue();
  }
  return tensorOf(decodeTensorProto(bytes, file));
}

/** Like `mismatch`, for any runtime value: sequences element by element, optionals by presence then value. */
export function valueMismatch(got: RuntimeValue, want: RuntimeValue): string | undefined {
  if (want instanceof Tensor) return got instanceof Tensor ? mismatch(got, want) : `a ${valueKindOf(got)}, want a tensor`;
  if (want instanceof TensorSequence) {
    if (!(got instanceof TensorSequence)) return `a ${valueKindOf(got)}, want a sequence`;
    if (got.length !== want.length) return `sequence of ${got.length}, want ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const m = mismatch(got.tensors[i]!, want.tensors[i]!);
      if (m) return `sequence element ${i}: ${m}`;
    }
    return undefined;
  }
  if (!(got instanceof OptionalValue)) return `a ${valueKindOf(got)}, want an optional`;
  if (got.hasValue !== want.hasValue) return `optional ${got.hasValue ? 'with' : 'without'} a value, want ${want.hasValue ? 'one' : 'none'}`;
  return got.value && want.value ? valueMismatch(got.value, want.value) : undefined;
}

function pbFiles(dir: string, prefix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
    .map((f) => path.join(dir, f));
}

/** Describes the first mismatch, or undefined when `got` matches `want`. */
export function mismatch(got: Tensor, want: Tensor): string | undefined {
  if (got.type !== want.type) return `type ${got.type}, want ${want.type}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims.join(',')}], want [${want.dims.join(',')}]`;
  const g = got.data as ArrayLike<unknown>;
  const w = want.data as ArrayLike<unknown>;
  const float = got.type === 'float32' || got.type === 'float64' || got.type === 'float16';
  const toNum = got.type === 'float16' ? halfToFloat : Number;
  for (let i = 0; i < w.length; i++) {
    if (float) {
      const a = toNum(g[i] as number);
      const b = toNum(w[i] as number);
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      if (!(Math.abs(a - b) <= ATOL + RTOL * Math.abs(b))) return `element ${i}: ${a}, want ${b}`;
    } else if (g[i] !== w[i]) return `element ${i}: ${String(g[i])}, want ${String(w[i])}`;
  }
  return undefined;
}

async function runTest(t: BackendModel, model: Model): Promise<void> {
  const session = await Session.create(model, { backend: 'cpu' });
  for (const ds of t.dataSets) {
    const feeds: Record<string, RuntimeValue> = {};
    pbFiles(ds, 'input_').forEach((f, i) => (feeds[session.inputNames[i]!] = readValue(f, model.graph.inputs[i]?.type)));
    const got = await session.runValues(feeds);
    pbFiles(ds, 'output_').forEach((f, i) => {
      const name = model.graph.outputs[i]!.name;
      const out = got[name];
      if (!out) throw new Error(`no output ${name}`);
      const m = valueMismatch(out, readValue(f, model.graph.outputs[i]!.type));
      if (m) throw new Error(`${path.basename(ds)} output ${JSON.stringify(name)}: ${m}`);
    });
  }
}

function opsOf(model: Model): string[] {
  const ops = new Set<string>();
  for (const n of model.graph) ops.add(n.domain === '' ? n.opType : `${n.domain}::${n.opType}`);
  return [...ops].sort();
}

describe('ONNX backend node tests on the CPU engine', () => {
  it.each(tests.map((t) => [t.name, t] as const))('%s', async (name, t) => {
    const model = await loadModel(t.modelPath);
    const ops = opsOf(model); // before exclusionFor expands function ops into their bodies
    const ex = exclusionFor(name, model, cpuKernels);
    let error: unknown;
    try {
      await runTest(t, model);
    } catch (e) {
      error = e;
    }
    if (ex) {
      records.push({ name, ops, status: 'excluded', kind: ex.kind, reason: ex.reason });
      if (error === undefined && !ex.random) expect.fail(`${name} is excluded (${ex.reason}) but passes: remove it from the exclusions`);
      return;
    }
    records.push({ name, ops, status: error === undefined ? 'passed' : 'failed', ...(error ? { reason: String((error as Error).message) } : {}) });
    if (error !== undefined) throw error;
  });

  afterAll(() => {
    const dir = path.resolve(import.meta.dirname, '../../.cache/conformance');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'node-tests.json'), JSON.stringify({ total: tests.length, tests: records }, null, 1));
    const passed = records.filter((r) => r.status === 'passed').length;
    const excluded = records.filter((r) => r.status === 'excluded');
    const k = excluded.filter((r) => r.kind === 'kernel').length;
    console.log(
      `conformance: ${passed} passed of ${records.length - excluded.length} run (${excluded.length} excluded: ${k} for missing kernels, ${excluded.length - k} for other reasons); ${((100 * passed) / tests.length).toFixed(1)}% of all node tests`,
    );
  });
});
