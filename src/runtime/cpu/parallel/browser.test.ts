/**
 * The intra-op threads in headless Chromium (cross-origin isolated page, test/browser/harness.mjs's
 * server): on the page's main thread, where Atomics.wait is forbidden, setIntraOpThreads(2) resolves to 1
 * and nothing splits; in a module Worker of that page the pool starts (Blob-URL workers over a shared
 * memory) and MatMul and Conv come out bit-identical to the one-thread kernels. The probe is an esbuild
 * bundle of the current sources for the browser. No Chromium is a failure with the reason, never a skip.
 */
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumMissing, serve } from '../../../../test/browser/harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Runs in the page or in a worker: starts 2 threads and compares MatMul and Conv with one thread. */
const PROBE = `
import { initWasm, wasmKernels } from './src/runtime/cpu/wasm/instance.ts';
import { wasmConv2d, wasmMatMul } from './src/runtime/cpu/wasm/ops.ts';
import { intraOpUnsupportedReason, parallelConv2d, parallelMatMul, setIntraOpThreads } from './src/runtime/cpu/parallel/index.ts';
function rand(n, seed) {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
}
const same = (a, b) => new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);
export async function probe() {
  await initWasm();
  const w = wasmKernels();
  const threads = await setIntraOpThreads(2, { minWorkPerThread: 1 });
  const [m, n, k] = [70, 333, 300];
  const a = rand(m * k, 1), b = rand(k * n, 2), z = Int32Array.of(0);
  const want = new Float32Array(m * n), got = new Float32Array(m * n);
  wasmMatMul(w, a, z, b, z, want, m, n, k);
  const matmulSplit = parallelMatMul(a, z, b, z, got, m, n, k);
  const s = { N: 1, C: 16, H: 21, W: 19, M: 24, group: 1, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, OH: 21, OW: 19 };
  const x = rand(16 * 21 * 19, 3), wt = rand(24 * 16 * 9, 4), bias = rand(24, 5);
  const cw = new Float32Array(24 * 21 * 19), cg = new Float32Array(24 * 21 * 19);
  wasmConv2d(w, s, x, wt, bias, cw);
  const convSplit = parallelConv2d(s, x, wt, bias, cg);
  await setIntraOpThreads(1);
  return { threads, reason: intraOpUnsupportedReason() ?? null, matmulSplit, matmulSame: same(got, want), convSplit, convSame: same(cg, cw) };
}
`;

let browser: Browser | undefined;
let server: { url: string; close(): Promise<void> } | undefined;
let page: import('playwright-core').Page;

beforeAll(async () => {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const built = await esbuild.build({
    stdin: { contents: PROBE, resolveDir: ROOT, loader: 'js', sourcefile: 'probe.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, string | Uint8Array>([
    ['/index.html', '<!doctype html><meta charset="utf-8"><title>threads</title>'],
    ['/probe.js', built.outputFiles[0]!.text],
    ['/worker.js', "import { probe } from '/probe.js'; probe().then((r) => postMessage(r), (e) => postMessage({ error: String(e) }));"],
  ]);
  server = await serve(files);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  page = await browser.newPage();
  await page.goto(`${server.url}/index.html`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('intra-op threads in Chromium', () => {
  it('the page is cross-origin isolated', async () => {
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
  });

  it('fall back to one thread on the main thread', async () => {
    const r = (await page.evaluate(`import('/probe.js').then((m) => m.probe())`)) as Record<string, unknown>;
    expect(r).toMatchObject({ threads: 1, matmulSplit: false, convSplit: false });
    expect(String(r.reason)).toMatch(/Atomics.wait/);
  });

  it('run on 2 threads in a worker, bit-identical', async () => {
    const r = await page.evaluate(
      `new Promise((resolve) => {
        const w = new Worker('/worker.js', { type: 'module' });
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => resolve({ error: e.message });
      })`,
    );
    expect(r).toEqual({ threads: 2, reason: null, matmulSplit: true, matmulSame: true, convSplit: true, convSame: true });
  });
});
