#!/usr/bin/env node
/**
 * Load/save benchmark on a model of at least 500 MB (made on first run under .cache/bench, never
 * committed): onnxbridge's loadModel/saveModel against Python's onnx.load/onnx.save and onnxruntime-node's
 * session creation, with the raw file read as the floor. Warm page cache, best of N runs.
 * Usage: node bench/load-save.mjs [--mb 512] [--runs 3]     (needs `npm install` and `npm test` once
 * for the built dist/ and the .cache/py venv with onnx)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { ArrayTensor, DataType, Graph, Model, Node, loadModel, saveModel, tensorType } from '../dist/src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MB = opt('mb', 512);
const RUNS = opt('runs', 3);
const DIR = path.join(ROOT, '.cache', 'bench');
const MODEL = path.join(DIR, `mlp-${MB}mb.onnx`);
const OUT = path.join(DIR, 'saved.onnx');
const PY = path.join(ROOT, '.cache', 'py', 'bin', 'python');

/** A deep MLP: `layers` MatMul+Add+Relu blocks with 1024x1024 float weights (4 MiB each). */
async function makeModel() {
  const width = 1024;
  const layers = Math.ceil((MB * 2 ** 20) / (width * width * 4));
  const g = new Graph('bench_mlp');
  let x = g.addInput('x', tensorType(DataType.FLOAT, ['N', width]));
  for (let i = 0; i < layers; i++) {
    const w = new Float32Array(width * width);
    for (let k = 0; k < w.length; k += 97) w[k] = ((k * 2654435761) % 1000) / 1e4;
    const wv = g.addInitializer(`w${i}`, new ArrayTensor(DataType.FLOAT, [width, width], w));
    const bv = g.addInitializer(`b${i}`, new ArrayTensor(DataType.FLOAT, [width], new Float32Array(width).fill(0.01)));
    const mm = g.appendNode(new Node('MatMul', [x, wv], { name: `mm${i}`, outputs: [`h${i}`] }));
    const add = g.appendNode(new Node('Add', [mm.output(0), bv], { name: `add${i}`, outputs: [`a${i}`] }));
    x = g.appendNode(new Node('Relu', [add.output(0)], { name: `relu${i}`, outputs: [`r${i}`] })).output(0);
  }
  g.addOutput(x);
  const model = new Model(g, new Map([['', 21]]), 10);
  model.producerName = 'onnxbridge-bench';
  await saveModel(model, MODEL, { externalData: 'never' });
}

function best(times) {
  return Math.min(...times);
}

async function timeIt(fn) {
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return best(times);
}

function python(code) {
  const r = spawnSync(PY, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(MODEL)) await makeModel();
  const bytes = fs.statSync(MODEL).size;
  fs.readFileSync(MODEL); // warm the page cache

  const rows = [];
  const read = await timeIt(() => fs.readFileSync(MODEL));
  rows.push(['read the file (fs.readFileSync)', read]);
  const ours = await timeIt(async () => {
    const m = await loadModel(MODEL);
    // Touch every weight so a lazy reader cannot look faster than it is.
    for (const v of m.graph.initializers.values()) v.constValue.bytes();
  });
  rows.push(['onnxbridge loadModel', ours]);
  const model = await loadModel(MODEL);
  const oursSave = await timeIt(() => saveModel(model, OUT, { externalData: 'never' }));
  rows.push(['onnxbridge saveModel', oursSave]);

  const py = python(`
import json, time, onnx
ts, ss = [], []
for _ in range(${RUNS}):
    t = time.perf_counter(); m = onnx.load(${JSON.stringify(MODEL)}); ts.append(time.perf_counter() - t)
    t = time.perf_counter(); onnx.save(m, ${JSON.stringify(OUT)}); ss.append(time.perf_counter() - t)
print(json.dumps({"load": min(ts) * 1000, "save": min(ss) * 1000, "version": onnx.__version__}))`);
  rows.push([`python onnx.load (onnx ${py.version})`, py.load]);
  rows.push([`python onnx.save (onnx ${py.version})`, py.save]);
  const ortCreate = await timeIt(async () => {
    const s = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
    await s.release();
  });
  rows.push([`onnxruntime-node ${ort.env.versions.node} InferenceSession.create`, ortCreate]);

  console.log(`model: ${MODEL} (${(bytes / 2 ** 20).toFixed(0)} MiB), best of ${RUNS}, warm cache`);
  console.log(`${'step'.padEnd(52)} ${'ms'.padStart(9)} ${'GiB/s'.padStart(7)}  vs onnxbridge load/save`);
  for (const [name, ms] of rows) {
    const ref = name.includes('save') ? oursSave : ours;
    const ratio = name.startsWith('onnxbridge') ? '' : `${(ms / ref).toFixed(2)}x`;
    const gbs = bytes / 2 ** 30 / (ms / 1000);
    console.log(`${name.padEnd(52)} ${ms.toFixed(1).padStart(9)} ${gbs.toFixed(2).padStart(7)}  ${ratio}`);
  }
  console.log(`onnxbridge load runs at ${((read / ours) * 100).toFixed(0)}% of the raw read speed`);
  fs.rmSync(OUT, { force: true });
}

await main();
