/**
 * The browser bundle's size budget. A page downloads all of dist/browser/onnxbridge.js before it can run a
 * model, so growth should be a decision, not an accident. It was ~970 KiB while the engine read op
 * attribute defaults and function bodies through the IR's full schema registry (src/ir/ops/generated,
 * ~565 KiB of it); the engine now reads src/runtime/generated/op-table.json (~100 KiB) and the bundle is
 * ~505 KiB. The budget leaves ~10% headroom over that: past it, look at `node scripts/build-browser.mjs
 * --analyze` for what grew, and raise the budget here only with the reason.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUDGET_KIB = 560;

describe('browser bundle size', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-bundle-size-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`stays under ${BUDGET_KIB} KiB and carries none of the IR's schema JSON`, { timeout: 120_000 }, () => {
    const meta = path.join(tmp, 'meta.json');
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-browser.mjs'), '--outdir', tmp, '--metafile', meta], { encoding: 'utf8' });
    expect(build.status, `${build.stderr}${build.stdout}`).toBe(0);
    const inputs = Object.keys((JSON.parse(fs.readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    // The engine reads src/runtime/generated/op-table.json; the IR's registry is for Node tools.
    expect(inputs.filter((f) => f.startsWith('src/ir/ops/generated/'))).toEqual([]);
    expect(inputs).toContain('src/runtime/generated/op-table.json');
    const kib = fs.statSync(path.join(tmp, 'onnxbridge.js')).size / 1024;
    expect(kib, `bundle is ${kib.toFixed(0)} KiB`).toBeLessThan(BUDGET_KIB);
  });
});
