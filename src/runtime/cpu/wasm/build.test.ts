/**
 * The committed kernels.wasm.ts is exactly what scripts/build-wasm.mjs makes from assembly/ today, so the
 * shipped bytes never drift from the AssemblyScript source (regenerate with `npm run build:wasm`).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

describe('kernels.wasm.ts', () => {
  it('matches a fresh build of assembly/', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-wasm.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
