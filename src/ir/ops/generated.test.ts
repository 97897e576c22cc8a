// Staleness check for generated/schemas.json: regenerating it from the pinned onnx must change nothing.
// The venv exists in every test run because `pretest` (scripts/setup-test-data.mjs) makes it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('generated/schemas.json', () => {
  it('matches what scripts/gen-op-schemas.py produces from onnx 1.22.0', () => {
    const python = path.join(ROOT, '.cache', 'py', 'bin', 'python');
    const r = spawnSync(python, ['scripts/gen-op-schemas.py', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.error, `cannot run ${python}: run \`node scripts/setup-test-data.mjs\``).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
  });
});
