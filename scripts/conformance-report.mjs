#!/usr/bin/env node
/**
 * Prints the conformance summary and a per-op table from the JSON that test/conformance/node-tests.test.ts
 * writes (.cache/conformance/node-tests.json). Run the suite first: `npx vitest run test/conformance/node-tests.test.ts`.
 * `--all` lists every op, not only those with a failing or excluded test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, '.cache', 'conformance', 'node-tests.json');
if (!fs.existsSync(file)) {
  console.error(`no ${path.relative(root, file)}: run \`npx vitest run test/conformance/node-tests.test.ts\` first`);
  process.exit(2);
}
const { total, tests } = JSON.parse(fs.readFileSync(file, 'utf8'));
const passed = tests.filter((t) => t.status === 'passed').length;
const excluded = tests.filter((t) => t.status === 'excluded');
const kernel = excluded.filter((t) => t.kind === 'kernel').length;
const run = tests.length - excluded.length;
console.log(
  `conformance: ${passed} passed of ${run} run (${excluded.length} excluded: ${kernel} for missing kernels, ${excluded.length - kernel} for other reasons); ${((100 * passed) / total).toFixed(1)}% of all ${total} node tests`,
);

// Per op: tests using it, passed, failed, excluded (a test counts once for each op it uses).
const byOp = new Map();
for (const t of tests) {
  for (const op of t.ops.length ? t.ops : ['(no nodes)']) {
    const row = byOp.get(op) ?? { tests: 0, passed: 0, failed: 0, excluded: 0 };
    row.tests++;
    row[t.status]++;
    byOp.set(op, row);
  }
}
const all = process.argv.includes('--all');
const rows = [...byOp].filter(([, r]) => all || r.passed < r.tests).sort((a, b) => b[1].tests - b[1].passed - (a[1].tests - a[1].passed) || (a[0] < b[0] ? -1 : 1));
const w = Math.max(4, ...rows.map(([op]) => op.length));
console.log(`\n${'op'.padEnd(w)}  tests  passed  failed  excluded`);
for (const [op, r] of rows) {
  console.log(`${op.padEnd(w)}  ${String(r.tests).padStart(5)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.excluded).padStart(8)}`);
}
const reasons = new Map();
for (const t of excluded) if (t.kind === 'other') reasons.set(t.reason, (reasons.get(t.reason) ?? 0) + 1);
if (reasons.size) {
  console.log('\nexcluded for other reasons:');
  for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${r}`);
}
