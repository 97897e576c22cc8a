import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it('generated/ is up to date with the TF .proto files', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-tf-proto.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr + r.stdout).toMatch(/up to date/);
  expect(r.status).toBe(0);
});
