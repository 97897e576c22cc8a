#!/usr/bin/env node
/**
 * Writes docs/ops.md, the op-support page, from the code: the schema registry and the shape-rule table,
 * rendered by renderOpsDoc() in src/ir/ops/support-table.ts, with what the CPU kernel registry runs and
 * what the torch and TF lowering tables convert, gathered by opsSupportData() in src/api/ops-support.ts.
 * The script runs the built copies of those modules (dist/), so build first:
 *
 *   npm run build && node scripts/gen-ops-doc.mjs           # (re)write docs/ops.md
 *   npm run build && node scripts/gen-ops-doc.mjs --check   # exit 1 when docs/ops.md is stale
 *
 * test/ops-doc.test.ts runs the same check against the TypeScript sources, without a build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs', 'ops.md');
const BUILT = path.join(ROOT, 'dist', 'src', 'ir', 'ops', 'support-table.js');
const BUILT_DATA = path.join(ROOT, 'dist', 'src', 'api', 'ops-support.js');
/** What the page is made from: a change to any of them after the last build means dist/ is stale. */
const SOURCES = ['src/ir/ops', 'src/runtime', 'src/importers/torch/ops', 'src/importers/tf/ops', 'src/api/ops-support.ts'].map((p) => path.join(ROOT, p));
const REGENERATE = 'npm run build && node scripts/gen-ops-doc.mjs';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`gen-ops-doc: unknown argument ${unknown.join(' ')} (usage: node scripts/gen-ops-doc.mjs [--check])`);
  process.exit(2);
}
const check = args.includes('--check');

for (const built of [BUILT, BUILT_DATA]) {
  if (!fs.existsSync(built)) {
    console.error(`gen-ops-doc: ${path.relative(ROOT, built)} is missing; run \`npm run build\` first.`);
    process.exit(2);
  }
}

/** The newest modification time of the sources (schemas.json included), to catch a stale dist/. */
function newestSource(dir) {
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = e.name === 'assembly' ? newest : Math.max(newest, newestSource(p)); // assembly/: built by build:wasm
    else if ((e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) || e.name.endsWith('.json')) {
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}
const builtAt = Math.min(fs.statSync(BUILT).mtimeMs, fs.statSync(BUILT_DATA).mtimeMs);
if (Math.max(...SOURCES.map(newestSource)) > builtAt) {
  console.warn(`gen-ops-doc: warning: the op sources changed after the last build; run \`npm run build\` first.`);
}

const { renderOpsDoc } = await import(pathToFileURL(BUILT).href);
const { opsSupportData } = await import(pathToFileURL(BUILT_DATA).href);
const text = renderOpsDoc(opsSupportData());
const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : undefined;

if (check) {
  if (current === text) {
    console.log('docs/ops.md is up to date.');
  } else {
    console.error(`docs/ops.md is ${current === undefined ? 'missing' : 'stale'}; regenerate it with: ${REGENERATE}`);
    process.exit(1);
  }
} else if (current === text) {
  console.log('docs/ops.md is up to date.');
} else {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
}
