/**
 * Our CPU engine in a real browser: the bundle scripts/build-browser.mjs makes (built afresh into a
 * temporary folder, so this runs the current sources) is served from 127.0.0.1 with the test data and
 * loaded into headless Chromium (playwright-core, /usr/bin/chromium). The page creates a Session from
 * the model's bytes and runs it; the outputs come back to Node and are compared with:
 *   - PyTorch's saved outputs for four converted fixtures, every reference data set (batch sizes), at the
 *     tolerance of test/parity (rtol 1e-5 with a 1e-6 absolute floor);
 *   - the expected outputs of ONNX backend node tests chosen for their dtypes (every runtime tensor type:
 *     float16/bfloat16/float8/int4/int2/float4 bit patterns, 64-bit integers, bool, strings), compared as
 *     the conformance suite does (floats rtol 1e-3 / atol 1e-5, everything else exact).
 * The page also reports whether the CPU backend's WebAssembly kernels were instantiated (the bundle must
 * carry them); the torch models, all Conv/MatMul, require it.
 * No Chromium is a failure with the reason, never a skip (scripts/setup-chromium.mjs installs it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../src/api/convert.js';
import { dataTypeInfo } from '../../src/ir/dtype.js';
import { compareTensors } from '../../src/parity/compare.js';
import { bindInputs, modelInputs } from '../../src/parity/inputs.js';
import { compareArrays, type Tolerance } from '../../src/parity/metrics.js';
import { loadReference, type ReferenceSet } from '../../src/parity/reference.js';
import { loadForRun } from '../../src/parity/run-model.js';
import { fromIrTensor, Tensor, toIrTensor, type TensorData, type TensorType } from '../../src/runtime/tensor.js';
import { listBackendModels } from '../support/test-data.js';
import { chromiumMissing, openBrowser, publishTensor, runInPage, type OpenBrowser, type PageOutput, type TensorRef } from './harness.mjs';
import { halfToFloat } from '../../src/runtime/cpu/float16.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TORCH_MODELS = ['cnn-bn-pool', 'mobilenetv2-inverted-residual', 'resnet-basic-block', 'transformer-encoder-layer'];
/** test/parity/engine-vs-onnxruntime.test.ts's float tolerance; non-float outputs exact. */
const FLOAT_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const EXACT: Tolerance = { rtol: 0, atol: 0 };
/** test/conformance/node-tests.test.ts's tolerance (ONNX's runner). */
const NODE_TEST_TOL: Tolerance = { rtol: 1e-3, atol: 1e-5 };
/** Node tests that together feed and return every tensor type of the runtime. */
const DTYPE_NODE_TESTS = [
  'test_cast_FLOAT_to_FLOAT16',
  'test_cast_FLOAT16_to_DOUBLE',
  'test_cast_FLOAT_to_BFLOAT16',
  'test_cast_BFLOAT16_to_FLOAT',
  'test_cast_FLOAT_to_FLOAT8E4M3FN',
  'test_cast_FLOAT_to_FLOAT8E4M3FNUZ',
  'test_cast_FLOAT_to_FLOAT8E5M2',
  'test_cast_FLOAT8E5M2FNUZ_to_FLOAT',
  'test_cast_FLOAT_to_INT4',
  'test_cast_UINT4_to_UINT8',
  'test_cast_FLOAT_to_INT2',
  'test_cast_UINT2_to_UINT8',
  'test_cast_FLOAT_to_FLOAT4E2M1',
  'test_cast_e8m0_FLOAT_to_FLOAT8E8M0',
  'test_bitcast_float64_to_int64',
  'test_bitcast_uint16_to_int16',
  'test_bitcast_int8_to_uint8',
  'test_bitcast_uint32_to_int32',
  'test_bitcast_bool_to_uint8',
  'test_bitwise_and_ui64_bcast_3v1d',
  'test_equal_string',
  'test_string_split_basic',
  'test_ai_onnx_ml_label_encoder_string_int',
];

function tensorOf(o: PageOutput): Tensor {
  return new Tensor(o.type as TensorType, o.data as TensorData, o.dims);
}

/** The first difference of `got` from `want` as the conformance suite sees it, or undefined. */
function nodeTestMismatch(got: Tensor, want: Tensor): string | undefined {
  if (got.type !== want.type) return `type ${got.type}, want ${want.type}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims.join(',')}], want [${want.dims.join(',')}]`;
  if (got.type === 'float32' || got.type === 'float64' || got.type === 'float16') {
    const num = (t: Tensor): ArrayLike<number> => (t.type === 'float16' ? Array.from(t.data as Uint16Array, halfToFloat) : (t.data as Float32Array));
    const s = compareArrays(num(got), num(want), NODE_TEST_TOL);
    return s.mismatches === 0 ? undefined : `${s.mismatches} of ${s.count} elements differ (max abs ${s.maxAbsError})`;
  }
  // Bit patterns (bfloat16, float8, int4), integers (bigint for 64-bit: exact), bools and strings.
  const g = got.data as ArrayLike<unknown>;
  const w = want.data as ArrayLike<unknown>;
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) return `element ${i}: ${String(g[i])}, want ${String(w[i])}`;
  return undefined;
}

describe('CPU engine in headless Chromium', () => {
  let tmp = '';
  let browser: OpenBrowser | undefined;

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(`the browser tests cannot run: ${missing}`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-browser-'));
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-browser.mjs'), '--outdir', tmp], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scripts/build-browser.mjs failed:\n${build.stderr}${build.stdout}`);
    browser = await openBrowser(tmp);
  });
  afterAll(async () => {
    await browser?.close();
    if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * Serves the model and every set's inputs under /<id>/, runs them in the page; the outputs per set and
   * whether the WebAssembly kernels ran.
   */
  async function runSets(id: string, onnx: string, sets: readonly ReferenceSet[]): Promise<{ outputs: Tensor[][]; wasm: boolean }> {
    const files = browser!.files;
    files.set(`/${id}/model.onnx`, fs.readFileSync(onnx));
    const { ir } = await loadForRun(onnx);
    const declared = modelInputs(ir);
    const pageSets = sets.map((s, k) => ({
      inputs: bindInputs(s.inputs, declared, s.dir).map((inp, i): TensorRef => publishTensor(files, `/${id}/${k}/input_${i}`, inp.name, fromIrTensor(inp.tensor))),
    }));
    let got;
    try {
      got = await runInPage(browser!.page, { model: `/${id}/model.onnx`, sets: pageSets });
    } catch (e) {
      throw new Error(`${id}: the page failed: ${(e as Error).message}`);
    }
    expect(browser!.errors, `${id}: uncaught errors in the page`).toEqual([]);
    return { outputs: got.results.map((outs) => outs.map(tensorOf)), wasm: got.wasm };
  }

  for (const m of TORCH_MODELS) {
    it(`torch/${m}: matches PyTorch's saved outputs in Chromium`, { timeout: 300_000 }, async () => {
      const artifact = path.join(ROOT, 'fixtures', 'torch', m, 'model.pt2');
      const onnx = path.join(tmp, `${m}.onnx`);
      await convert(artifact, { output: onnx });
      const ref = loadReference(artifact);
      const { outputs: got, wasm } = await runSets(`torch-${m}`, onnx, ref.sets);
      // The bundle carries the kernels' bytes; a failed instantiation would fall back to JavaScript silently.
      expect(wasm, `torch/${m}: the WebAssembly kernels are not active in Chromium (not in the bundle, or instantiation failed)`).toBe(true);
      const bad: string[] = [];
      ref.sets.forEach((set, k) => {
        const outs = got[k]!;
        expect(outs.length, `torch/${m} ${path.basename(set.dir)}: output count`).toBe(set.outputs.length);
        set.outputs.forEach((want, i) => {
          // Converted models name outputs after their last node; the reference's order is the model's.
          const tol = dataTypeInfo(want.tensor.dtype).isFloat ? FLOAT_TOL : EXACT;
          const row = compareTensors(want.name, toIrTensor(outs[i]!), want.tensor, tol);
          if (!row.ok) {
            bad.push(`torch/${m} ${path.basename(set.dir)} output ${want.name}: ${row.problem ?? `${row.mismatches}/${row.count} elements differ, max abs ${row.maxAbsError}, max rel ${row.maxRelError}`}`);
          }
        });
      });
      expect(bad, `torch/${m} differs from PyTorch in Chromium`).toEqual([]);
    });
  }

  it('ONNX node tests covering every tensor type match their expected outputs in Chromium', { timeout: 300_000 }, async () => {
    const all = new Map(listBackendModels(['node']).map((t) => [t.name, t]));
    const bad: string[] = [];
    for (const name of DTYPE_NODE_TESTS) {
      const t = all.get(name);
      expect(t, `ONNX node test ${name} is not in the backend test data (npm run setup:test-data)`).toBeDefined();
      const sets = t!.dataSets.map((d) => loadReference(t!.modelPath, d).sets[0]!);
      const { outputs: got } = await runSets(name, t!.modelPath, sets);
      sets.forEach((set, k) => {
        set.outputs.forEach((want, i) => {
          const out = got[k]![i];
          const problem = out === undefined ? 'no such output' : nodeTestMismatch(out, fromIrTensor(want.tensor));
          if (problem) bad.push(`${name} ${path.basename(set.dir)} output ${want.name}: ${problem}`);
        });
      });
    }
    expect(bad, 'node tests that differ in Chromium').toEqual([]);
  });
});
