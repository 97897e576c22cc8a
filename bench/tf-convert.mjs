#!/usr/bin/env node
/**
 * Conversion time, node count and Transpose count per TensorFlow fixture: onnxbridge from each of the
 * saved artifacts (SavedModel directory, frozen GraphDef, TF.js graph model; no TensorFlow) side by side
 * with tf2onnx in Python, driven through `--saved-model` (its Keras path is broken under Keras 3), and
 * which of them give a model that matches TensorFlow's reference outputs in onnxruntime.
 * Usage: node bench/tf-convert.mjs [--runs 3] [--python PATH]   (needs `npm install`; PATH must have
 * tensorflow-cpu==2.21.0, tf2onnx and onnx: see bench/README.md)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWithOnnxruntime, convert, loadModel, loadReference } from '../dist/src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('runs', 3));
const PYTHON = opt('python', process.env.BENCH_TF_PYTHON ?? path.join(ROOT, '.cache', 'bench-tf-py', 'bin', 'python'));
const FIXTURES = path.join(ROOT, 'fixtures', 'tf');
const ARTIFACTS = [
  ['saved_model', 'saved_model'],
  ['frozen.pb', 'frozen.pb'],
  ['tfjs', path.join('tfjs', 'model.json')],
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-bench-tf-'));

const firstLine = (e) => String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 200);

/**
 * Nodes and Transposes of a graph and of every subgraph its nodes hold (If branches, Loop bodies).
 * Constant nodes are counted apart: onnxbridge keeps small constants as Constant nodes, tf2onnx as
 * initializers, so counting them would compare storage choices rather than graphs.
 */
function count(graph) {
  let nodes = 0;
  let constants = 0;
  let transposes = 0;
  for (const n of graph) {
    if (n.opType === 'Constant' && n.domain === '') constants++;
    else nodes++;
    if (n.opType === 'Transpose' && n.domain === '') transposes++;
    for (const g of n.subgraphs()) {
      const c = count(g);
      nodes += c.nodes;
      constants += c.constants;
      transposes += c.transposes;
    }
  }
  return { nodes, constants, transposes };
}

/** onnxruntime on `onnx` against the fixture's reference outputs for `artifact`: 'ok' or why not. */
async function parity(onnx, model, artifact) {
  try {
    const report = await checkWithOnnxruntime(onnx, loadReference(path.join(FIXTURES, model, artifact), path.join(FIXTURES, model)));
    if (report.ok) return 'ok';
    const set = report.sets.find((s) => !s.ok);
    const o = set?.outputs.find((x) => !x.ok);
    const shape = o && o.shape.join(',') !== o.referenceShape.join(',') ? `, shape [${o.shape}] vs [${o.referenceShape}]` : '';
    return `mismatch${o ? ` in ${path.basename(set.dir)} output ${o.name}: max abs error ${o.maxAbsError.toExponential(2)}, ${o.mismatches}/${o.count} elements${shape}` : ''}`;
  } catch (e) {
    return `fails: ${firstLine(e)}`;
  }
}

async function ours(model, artifact) {
  const file = path.join(FIXTURES, model, artifact);
  const output = path.join(tmp, `${model}-${artifact.replace(/[/\\]/g, '_')}.onnx`);
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    try {
      await convert(file, { output });
    } catch (e) {
      return { ok: false, error: firstLine(e) };
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { ok: true, ms: best, ...count((await loadModel(output)).graph), parity: await parity(output, model, artifact) };
}

function tf2onnx() {
  if (!fs.existsSync(PYTHON)) {
    console.error(`no Python with tf2onnx at ${PYTHON}: tf2onnx columns skipped (see bench/README.md)`);
    return [];
  }
  const r = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'tf2onnx_convert.py'), '--runs', String(RUNS), '--out', path.join(tmp, 'tf2onnx')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`tf2onnx_convert.py failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{"model"')).map((l) => JSON.parse(l));
}

const models = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'saved_model'))).sort();
const py = tf2onnx();
const cell = (x) => (x?.ok ? `${x.ms.toFixed(0)} ms / ${x.nodes} / ${x.transposes}` : 'fails');
const ratio = (a, b) => (a?.ok && b?.ok ? `${(b.ms / a.ms).toFixed(1)}x` : '-');
const rows = [];
const notes = [];
const good = Object.fromEntries([...ARTIFACTS.map(([label]) => label), 'tf2onnx'].map((k) => [k, 0]));
for (const m of models) {
  const res = {};
  for (const [label, artifact] of ARTIFACTS) {
    res[label] = fs.existsSync(path.join(FIXTURES, m, artifact)) ? await ours(m, artifact) : { ok: false, error: 'no artifact' };
  }
  const t = py.find((r) => r.model === m);
  if (t?.ok) {
    t.parity = t.checker !== 'ok' ? `invalid model (onnx.checker: ${t.checker})` : await parity(t.onnx, m, 'saved_model');
  }
  const managed = [];
  for (const [label] of ARTIFACTS) {
    const r = res[label];
    if (r.ok && r.parity === 'ok') {
      managed.push(label);
      good[label]++;
    } else notes.push(`${m} ours ${label}: ${r.ok ? r.parity : `fails: ${r.error}`}`);
  }
  if (t?.ok && t.parity === 'ok') {
    managed.push('tf2onnx');
    good.tf2onnx++;
  } else if (t) notes.push(`${m} tf2onnx: ${t.ok ? t.parity : `fails: ${t.error}`}${t.logged_errors ? ` (logged: ${t.logged_errors.join('; ')})` : ''}`);
  rows.push([m, ...ARTIFACTS.map(([label]) => cell(res[label])), t ? cell(t) : 'skipped', ratio(res.saved_model, t), managed.join(', ') || 'none']);
}
const header = ['model', 'ours saved_model', 'ours frozen.pb', 'ours tfjs', 'tf2onnx --saved-model', 'tf2onnx / ours saved_model', 'converts and matches TF'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`best of ${RUNS}; cells are time / nodes / Transposes, If/Loop bodies included, Constant nodes left out of nodes; ratios above 1 mean onnxbridge is faster`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
const n = rows.length;
console.log(`converts and matches TensorFlow (onnxruntime, the fixtures' reference outputs): ${Object.entries(good).map(([k, v]) => `${k === 'tf2onnx' ? k : `ours ${k}`} ${v}/${n}`).join(', ')}`);
const imp = py.find((r) => r.import_ms !== undefined)?.import_ms;
if (imp !== undefined) console.log(`tf2onnx times are in-process; its Python's \`import tensorflow, tf2onnx, onnx\` takes another ${imp.toFixed(0)} ms once`);
for (const note of notes) console.log(`  ${note}`);
fs.rmSync(tmp, { recursive: true, force: true });
