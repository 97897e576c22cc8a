#!/usr/bin/env node
/**
 * Conversion time per PyTorch fixture: onnxbridge from the saved artifacts (TorchScript .pt and
 * torch.export .pt2, no Python) side by side with torch.onnx.export in Python on the live model, through
 * both of its paths (TorchScript-based and torch.export-based), and which models each one manages.
 * Usage: node bench/torch-convert.mjs [--runs 3] [--python PATH]   (needs `npm install`; PATH must have
 * torch==2.13.0, onnx, onnxscript: see bench/README.md)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from '../dist/src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('runs', 3));
const PYTHON = opt('python', process.env.BENCH_PYTHON ?? path.join(ROOT, '.cache', 'bench-py', 'bin', 'python'));
const FIXTURES = path.join(ROOT, 'fixtures', 'torch');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-bench-'));

async function ours(artifact) {
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    try {
      await convert(artifact, { output: path.join(tmp, 'out.onnx') });
    } catch (e) {
      return { ok: false, error: String(e.message).split('\n').slice(0, 3).join(' ') };
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { ok: true, ms: best };
}

function torchOnnx() {
  if (!fs.existsSync(PYTHON)) {
    console.error(`no Python with torch at ${PYTHON}: torch.onnx columns skipped (see bench/README.md)`);
    return [];
  }
  const r = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'torch_onnx_export.py'), String(RUNS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch_onnx_export.py failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{"model"')).map((l) => JSON.parse(l));
}

const models = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.pt'))).sort();
const py = torchOnnx();
const fmt = (x) => (x.ok ? `${x.ms.toFixed(0)} ms` : 'fails');
const ratio = (a, b) => (a?.ok && b?.ok ? `${(b.ms / a.ms).toFixed(2)}x` : '-');
const rows = [];
for (const m of models) {
  const pt = await ours(path.join(FIXTURES, m, 'model.pt'));
  const pt2 = await ours(path.join(FIXTURES, m, 'model.pt2'));
  const ts = py.find((r) => r.model === m && r.path === 'torchscript') ?? { ok: false };
  const dy = py.find((r) => r.model === m && r.path === 'dynamo') ?? { ok: false };
  rows.push([m, fmt(pt), fmt(pt2), fmt(ts), fmt(dy), ratio(pt, ts), ratio(pt2, dy)]);
}
const header = ['model', 'ours .pt', 'ours .pt2', 'torch.onnx TS', 'torch.onnx dynamo', 'TS / ours .pt', 'dynamo / ours .pt2'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`best of ${RUNS}; ratios above 1 mean onnxbridge is faster`);
console.log(line(header));
for (const r of rows) console.log(line(r));
const count = (i) => rows.filter((r) => r[i] !== 'fails').length;
console.log(`managed: ours .pt ${count(1)}/${rows.length}, ours .pt2 ${count(2)}/${rows.length}, torch.onnx TorchScript ${count(3)}/${rows.length}, torch.onnx dynamo ${count(4)}/${rows.length}`);
fs.rmSync(tmp, { recursive: true, force: true });
