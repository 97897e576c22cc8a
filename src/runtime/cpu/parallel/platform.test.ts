/**
 * The intra-op threads and their platforms: the browser bundle (with this module in it) holds no Node
 * import, and a Node process whose pool is still running exits on its own (the workers are unref'd and
 * stop when it ends), both from an esbuild bundle of the current sources.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-threads-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('browser bundle', () => {
  it('has the threads module and no node: import', async () => {
    const result = await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/browser.ts'), path.join(ROOT, 'src/runtime/cpu/parallel/index.ts')],
      outdir: path.join(tmp, 'browser'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(result.metafile.inputs)).toContain('src/runtime/cpu/parallel/spawn.ts');
    for (const f of result.outputFiles) {
      // Static and dynamic imports and requires of Node built-ins, prefixed or bare: worker_threads comes
      // from process.getBuiltinModule only.
      expect(f.text).not.toMatch(/(?:from|import|require)\s*\(?\s*["'](?:node:|worker_threads["'])/);
    }
  });
});

describe('a Node process with a running pool', () => {
  it('exits by itself', async () => {
    const bundle = path.join(tmp, 'threads.mjs');
    await esbuild.build({
      stdin: {
        contents: `
          export { initWasm, wasmKernels } from './src/runtime/cpu/wasm/instance.ts';
          export { parallelMatMul, setIntraOpThreads } from './src/runtime/cpu/parallel/index.ts';`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const script = `
      const t = await import(${JSON.stringify(bundle)});
      await t.initWasm();
      console.log('threads', await t.setIntraOpThreads(2, { minWorkPerThread: 1 }));
      const n = 64, a = new Float32Array(n * n).fill(1), out = new Float32Array(n * n);
      console.log('parallel', t.parallelMatMul(a, Int32Array.of(0), a, Int32Array.of(0), out, n, n, n), out[n * n - 1]);`;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('threads 2');
    expect(r.stdout).toContain('parallel true 64');
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});
