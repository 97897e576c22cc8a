#!/usr/bin/env node
/**
 * Writes src/runtime/generated/op-table.json: the part of the op schemas that the engine reads, derived
 * from src/ir/ops/generated/{schemas,function-bodies}.json (themselves from scripts/gen-op-schemas.py).
 * The full registry is ~580 KiB in a bundle; the engine needs only, per (domain, op, sinceVersion):
 * the attributes (name, type, required, default, default omitted) for NodeAttributes' defaults and
 * function expansion's attribute references, the formal inputs/outputs (name, option) for
 * function-expand's sameInterface, and the static function bodies. Type constraints, arities and
 * deprecation flags stay in the IR's registry (Node tools).
 *
 *   node scripts/gen-runtime-op-table.mjs           # (re)write the table
 *   node scripts/gen-runtime-op-table.mjs --check   # exit 1 when it is stale
 *
 * src/runtime/op-table.test.ts runs --check and compares every entry with the IR registry.
 *
 * Encoding (compact, since it ships to browsers): ops["<domain>::<op>"] is a list ascending by
 * sinceVersion of [sinceVersion, attributes, inputs, outputs, bodies?] where an attribute is
 * [name, type, flags (1 required, 2 default omitted), default?] with the default as schemas.json spells it,
 * a formal parameter is its name with '?' appended when optional and '*' when variadic, and bodies (only
 * for has_function schemas) is function-bodies.json's list as [opset, opsetImports, functionProto].
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMAS = path.join(ROOT, 'src', 'ir', 'ops', 'generated', 'schemas.json');
const BODIES = path.join(ROOT, 'src', 'ir', 'ops', 'generated', 'function-bodies.json');
const OUT = path.join(ROOT, 'src', 'runtime', 'generated', 'op-table.json');
const SUFFIX = { single: '', optional: '?', variadic: '*' };

function die(msg) {
  process.stderr.write(`gen-runtime-op-table: ${msg}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.some((a) => a !== '--check')) die(`unknown argument (usage: node scripts/gen-runtime-op-table.mjs [--check])`);

const schemas = JSON.parse(fs.readFileSync(SCHEMAS, 'utf8'));
const { bodies } = JSON.parse(fs.readFileSync(BODIES, 'utf8'));
const domainOf = (d) => (d === 'ai.onnx' ? '' : d);

const ops = {};
const used = new Set();
for (const s of schemas.schemas) {
  const key = `${domainOf(s.domain)}::${s.name}`;
  const attrs = s.attributes.map((a) => {
    const row = [a.name, a.type, (a.required ? 1 : 0) | (a.default_omitted ? 2 : 0)];
    if (a.default !== undefined) row.push(a.default);
    return row;
  });
  const param = (p) => {
    if (!(p.option in SUFFIX)) die(`${key}: unknown parameter option ${p.option}`);
    return p.name + SUFFIX[p.option];
  };
  const entry = [s.since_version, attrs, s.inputs.map(param), s.outputs.map(param)];
  const bodyKey = `${key}::${s.since_version}`;
  const list = bodies[bodyKey];
  // function-expand only reads the bodies of has_function schemas; the IR keys bodies the same way.
  if (s.has_function !== (list !== undefined)) die(`${bodyKey}: has_function ${s.has_function} but ${list ? '' : 'no '}body`);
  if (list) {
    used.add(bodyKey);
    entry.push(list.map((b) => [b.opset, b.opset_imports, b.function_proto]));
  }
  (ops[key] ??= []).push(entry);
}
for (const k of Object.keys(bodies)) if (!used.has(k)) die(`function body ${k} has no schema`);
for (const versions of Object.values(ops)) {
  for (let i = 1; i < versions.length; i++) if (versions[i][0] <= versions[i - 1][0]) die('schemas.json is not sorted by since_version');
}

// One op per line: diffs stay readable and the file small.
const lines = Object.entries(ops).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
const text = `{\n"generated_by":"scripts/gen-runtime-op-table.mjs from src/ir/ops/generated (onnx ${schemas.onnx_version}), do not edit",\n"ops":{\n${lines.join(',\n')}\n}\n}\n`;

if (args.includes('--check')) {
  const old = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  if (old !== text) die(`${path.relative(ROOT, OUT)} is stale; run node scripts/gen-runtime-op-table.mjs`);
  console.log(`gen-runtime-op-table: ${path.relative(ROOT, OUT)} is current`);
} else {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  console.log(`gen-runtime-op-table: wrote ${path.relative(ROOT, OUT)} (${(text.length / 1024).toFixed(0)} KiB, ${lines.length} ops)`);
}
