#!/usr/bin/env node
/**
 * Intra-op threads on large float32 products: our WebAssembly kernels on 1 thread (wasm/ops.ts, the path
 * every session runs today) and on 2 threads (src/runtime/cpu/parallel: the caller plus one worker over a
 * shared memory), against onnxruntime-node on the same op (a one-node ONNX model, weights as initializers)
 * with intraOpNumThreads 1 and 2. Ours are timed per kernel call, operand copies in and out included;
 * onnxruntime per session.run (its overhead is microseconds against these milliseconds). Rounds interleave
 * every column and each cell is the best of N, so a busy machine disturbs the columns alike.
 * Also checks that the 2-thread results are bit-identical to the 1-thread ones. When onnxruntime-web is
 * installed (`npm install --no-save onnxruntime-web@1.30.0`), its wasm backend at 1 thread is a column too.
 * Usage: node bench/threads.mjs [--runs 10] [--warmup 2]   (needs `npm run build`)
 */
import * as ort from 'onnxruntime-node';
import { attr, ArrayTensor, DataType, encodeModel, Graph, Model, Node, tensorType } from '../dist/src/index.js';
import { initWasm, wasmKernels } from '../dist/src/runtime/cpu/wasm/instance.js';
import { wasmConv2d, wasmMatMul } from '../dist/src/runtime/cpu/wasm/ops.js';
import { onOneThread, parallelConv2d, parallelMatMul, setIntraOpThreads } from '../dist/src/runtime/cpu/parallel/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
let ortWeb;
try {
  ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = 1;
} catch {
  console.error('onnxruntime-web not installed: npm install --no-save onnxruntime-web@1.30.0 to include it');
}
const RUNS = opt('runs', 10);
const WARMUP = opt('warmup', 2);
const SETTLE_MS = opt('settle', 50);

/** test/support/seeded-float32.ts's randFloat32, copied: plain Node cannot import that TypeScript. */
function rand(n, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** One-node model bytes: `op` over graph inputs `ins` ([name, dims]) and initializers `inits` ([name, dims, data]). */
function oneNode(op, ins, inits, outDims, attributes = []) {
  const g = new Graph('g');
  const values = ins.map(([name, dims]) => g.addInput(name, tensorType(DataType.FLOAT, dims)));
  for (const [name, dims, data] of inits) values.push(g.addInitializer(name, new ArrayTensor(DataType.FLOAT, dims, data)));
  const n = g.appendNode(new Node(op, values, { name: 'n0', outputs: ['y'], attributes }));
  n.output(0).type = tensorType(DataType.FLOAT, outDims);
  g.addOutput(n.output(0));
  return encodeModel(new Model(g, new Map([['', 18]])));
}

function matmulCase(s) {
  const a = rand(s * s, 1);
  const b = rand(s * s, 2);
  const zero = Int32Array.of(0);
  return {
    name: `MatMul ${s}x${s}x${s}`,
    flops: 2 * s * s * s,
    out: () => new Float32Array(s * s),
    one: (w, out) => wasmMatMul(w, a, zero, b, zero, out, s, s, s),
    many: (out) => parallelMatMul(a, zero, b, zero, out, s, s, s),
    model: oneNode('MatMul', [['a', [s, s]], ['b', [s, s]]], [], [s, s]),
    feeds: { a: new ort.Tensor('float32', a, [s, s]), b: new ort.Tensor('float32', b, [s, s]) },
  };
}

function convCase(c, hw) {
  const shape = { N: 1, C: c, H: hw, W: hw, M: c, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: hw, OW: hw };
  const x = rand(c * hw * hw, 3);
  const wt = rand(c * c * 9, 4);
  const bias = rand(c, 5);
  return {
    name: `Conv ${c}->${c} 3x3 ${hw}x${hw}`,
    flops: 2 * c * c * 9 * hw * hw,
    out: () => new Float32Array(c * hw * hw),
    one: (w, out) => wasmConv2d(w, shape, x, wt, bias, out),
    many: (out) => parallelConv2d(shape, x, wt, bias, out),
    model: oneNode('Conv', [['x', [1, c, hw, hw]]], [['w', [c, c, 3, 3], wt], ['b', [c], bias]], [1, c, hw, hw], [attr.ints('pads', [1, 1, 1, 1]), attr.ints('kernel_shape', [3, 3])]),
    feeds: { x: new ort.Tensor('float32', x, [1, c, hw, hw]) },
  };
}

await initWasm();
const w = wasmKernels();
if (!w) throw new Error('WebAssembly SIMD kernels unavailable');
const threads = await setIntraOpThreads(2);
if (threads !== 2) throw new Error(`2 intra-op threads unavailable here (got ${threads})`);

const cases = [matmulCase(512), matmulCase(1024), convCase(64, 56), convCase(128, 28)];
const ms = (t) => `${t.toFixed(2)} ms`;
const rows = [];
for (const c of cases) {
  const sessions = [];
  for (const n of [1, 2]) sessions.push(await ort.InferenceSession.create(c.model, { intraOpNumThreads: n, interOpNumThreads: 1, executionMode: 'sequential' }));
  const web = ortWeb ? await ortWeb.InferenceSession.create(c.model, { executionProviders: ['wasm'] }) : undefined;
  const webFeeds = web ? Object.fromEntries(Object.entries(c.feeds).map(([k, t]) => [k, new ortWeb.Tensor('float32', t.data, t.dims)])) : undefined;
  const one = c.out();
  const many = c.out();
  const cols = [
    () => onOneThread(() => c.one(w, one)),
    () => {
      if (!c.many(many)) throw new Error(`${c.name}: the parallel path declined`);
    },
    () => sessions[0].run(c.feeds),
    () => sessions[1].run(c.feeds),
    ...(web ? [() => web.run(webFeeds)] : []),
  ];
  const best = cols.map(() => Infinity);
  for (let r = 0; r < WARMUP + RUNS; r++) {
    for (let i = 0; i < cols.length; i++) {
      const t0 = performance.now();
      await cols[i]();
      const t = performance.now() - t0;
      if (r >= WARMUP) best[i] = Math.min(best[i], t);
      // onnxruntime's pool threads spin a while after a run, taking the core our worker would use: let
      // them go idle before the next column.
      if (i >= 2) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  }
  const same = Buffer.compare(Buffer.from(one.buffer), Buffer.from(many.buffer)) === 0;
  const [o1, o2, r1, r2, w1] = best;
  const gf = (t) => (c.flops / t / 1e6).toFixed(1);
  rows.push(
    `| ${c.name} | ${ms(o1)} (${gf(o1)} GF/s) | ${ms(o2)} (${gf(o2)} GF/s) | ${(o1 / o2).toFixed(2)}x | ${ms(r1)} | ${ms(r2)} | ${(r1 / r2).toFixed(2)}x | ${(o2 / r2).toFixed(2)}x | ${w1 === undefined ? '-' : ms(w1)} | ${w1 === undefined ? '-' : `${(o1 / w1).toFixed(2)}x`} | ${same ? 'yes' : 'NO'} |`,
  );
  for (const s of sessions) await s.release();
  await web?.release();
}
await setIntraOpThreads(1);
console.log(`best of ${RUNS} runs after ${WARMUP} warm-up rounds, rounds interleaved; GF/s = 2*m*n*k / time`);
console.log('| op | ours 1 thread | ours 2 threads | ours 1t/2t | ort-node 1 thread | ort-node 2 threads | ort 1t/2t | ours 2t / ort 2t | ort-web 1 thread | ours 1t / ort-web 1t | 2t bit-identical |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
