#!/usr/bin/env node
// Runs every benchmark in bench/ in turn. Each prints its own table of ratios against the reference tools.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const script of ['load-save.mjs', 'torch-convert.mjs', 'tf-convert.mjs', 'engine-latency.mjs', 'threads.mjs']) {
  console.log(`\n== ${script}`);
  const r = spawnSync(process.execPath, [path.join(here, script), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
