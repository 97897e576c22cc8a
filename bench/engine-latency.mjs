#!/usr/bin/env node
/**
 * Inference latency per fixture model (CNN, MobileNetV2 block, ResNet block, transformer encoder): our CPU
 * engine (`Session`) side by side with onnxruntime-node (native CPU, 1 thread) and onnxruntime-web's wasm
 * backend (1 thread), on the same converted model and the fixture's recorded inputs (test_data_set_0).
 * Each engine is warmed up, then timed run by run; the median is reported.
 * Optional column "ours in Chromium": the browser bundle (dist/browser/onnxbridge.js, `npm run build`) in
 * headless /usr/bin/chromium, timed inside the page with performance.now by the same median method
 * (test/browser/harness.mjs serves it; skipped with the reason when Chromium or the bundle is missing).
 * Usage: node bench/engine-latency.mjs [--runs 50] [--warmup 5]   (needs `npm install`; onnxruntime-web
 * is optional: `npm install --no-save onnxruntime-web@1.30.0` to include its column)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import { convert, loadReference } from '../dist/src/index.js';
import { Session, fromIrTensor } from '../dist/src/runtime/index.js';
import { chromiumMissing, openBrowser, publishTensor, runInPage } from '../test/browser/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('runs', 50));
const WARMUP = Number(opt('warmup', 5));
const MODELS = ['cnn-bn-pool', 'mobilenetv2-inverted-residual', 'resnet-basic-block', 'transformer-encoder-layer'];
const FIXTURES = path.join(ROOT, 'fixtures', 'torch');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-latency-'));
const BUNDLE_DIR = path.join(ROOT, 'dist', 'browser');

let ortWeb;
try {
  ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.simd = true;
} catch {
  console.error('onnxruntime-web not installed: npm install --no-save onnxruntime-web@1.30.0 to include it');
}

let browser;
const noBrowser = chromiumMissing() ?? (fs.existsSync(path.join(BUNDLE_DIR, 'onnxbridge.js')) ? undefined : `${path.relative(ROOT, BUNDLE_DIR)}/onnxbridge.js is missing: npm run build`);
if (noBrowser) console.error(`no "ours in Chromium" column: ${noBrowser}`);
else browser = await openBrowser(BUNDLE_DIR);

/** Our engine in the page: the model and inputs are served, then warmed up and timed there. */
async function timeChromium(m, bytes, inputs) {
  browser.files.set(`/${m}/model.onnx`, bytes);
  const refs = inputs.map(({ name, tensor }, i) => publishTensor(browser.files, `/${m}/input_${i}`, name, tensor));
  const got = await runInPage(browser.page, { model: `/${m}/model.onnx`, sets: [{ inputs: refs }], timing: { warmup: WARMUP, runs: RUNS } });
  if (!got.crossOriginIsolated) console.error('the page is not cross-origin isolated: performance.now is coarse there (100 us)');
  if (!got.wasm) console.error(`${m}: the WebAssembly kernels are not active in Chromium; its column times the JavaScript paths`);
  return got.medianMs;
}

async function median(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

async function timeOrt(ort, file, inputs, options) {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3, ...options });
  const feeds = Object.fromEntries(inputs.map(({ name, tensor }) => [name, new ort.Tensor(tensor.type, tensor.data, tensor.dims)]));
  const ms = await median(() => session.run(feeds));
  await session.release?.();
  return ms;
}

const rows = [];
for (const m of MODELS) {
  const output = path.join(tmp, `${m}.onnx`);
  const artifact = path.join(FIXTURES, m, 'model.pt2');
  await convert(artifact, { output });
  const set = loadReference(artifact).sets[0];
  const inputs = set.inputs.map(({ name, tensor }) => ({ name, tensor: fromIrTensor(tensor) }));
  const bytes = new Uint8Array(fs.readFileSync(output));

  const session = await Session.create(bytes, { backend: 'cpu' });
  const feeds = Object.fromEntries(inputs.map(({ name, tensor }) => [name, tensor]));
  const ours = await median(() => session.run(feeds));
  const node = await timeOrt(ortNode, output, inputs, {});
  const web = ortWeb ? await timeOrt(ortWeb, bytes, inputs, { executionProviders: ['wasm'] }) : undefined;
  const chromium = browser ? await timeChromium(m, bytes, inputs) : undefined;
  rows.push({ m, ours, node, web, chromium });
}
const browserVersion = browser?.version;
await browser?.close();

const ms = (x) => (x === undefined ? '-' : `${x.toFixed(x < 1 ? 3 : x < 10 ? 2 : 1)} ms`);
const ratio = (a, b) => (b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
const header = ['model', 'ours ms', 'ort-node ms', 'ort-web ms', 'ours/ort-node', 'ours/ort-web', 'ours in Chromium ms', 'Chromium/Node (ours)'];
const table = rows.map((r) => [r.m, ms(r.ours), ms(r.node), ms(r.web), ratio(r.ours, r.node), ratio(r.ours, r.web), ms(r.chromium), r.chromium === undefined ? '-' : ratio(r.chromium, r.ours)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`median of ${RUNS} runs after ${WARMUP} warm-up runs, 1 thread each; ratios below 1 mean onnxbridge is faster`);
if (browserVersion) console.log(`ours in Chromium: headless Chromium ${browserVersion}, dist/browser/onnxbridge.js, timed in the page`);
console.log(line(header));
for (const r of table) console.log(line(r));
fs.rmSync(tmp, { recursive: true, force: true });
