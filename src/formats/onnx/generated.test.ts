import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it('generated/ is up to date with onnx.proto and onnx-data.proto', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-onnx-proto.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr + r.stdout).toMatch(/up to date/);
  expect(r.status).toBe(0);
});
