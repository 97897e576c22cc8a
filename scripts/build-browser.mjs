#!/usr/bin/env node
/**
 * Bundles src/browser.ts for web pages: dist/browser/onnxbridge.js (ES module, ES2022) + its source map.
 * Run by `npm run build` after tsc, and by test/browser (into a temporary folder, so the test always
 * runs the current sources). Usage: node scripts/build-browser.mjs [--outdir dir] [--metafile file] [--analyze]
 * --metafile writes esbuild's metafile (every input module, its bytes in the bundle and who imports it);
 * --analyze prints esbuild's per-module size table. test/browser/bundle-size.test.ts holds the size budget.
 *
 * platform 'browser' is the check that the runtime path is browser-safe: esbuild refuses to resolve a
 * Node built-in there (`node:fs` and bare `fs` alike), and every such import is listed with its file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'src', 'browser.ts');
const BUNDLE = 'onnxbridge.js';

function die(msg) {
  process.stderr.write(`build-browser: ${msg}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  if (i >= 0 && args[i + 1] === undefined) die(`${name} needs a path`);
  return i >= 0 ? path.resolve(args[i + 1]) : undefined;
}
const outdir = option('--outdir') ?? path.join(ROOT, 'dist', 'browser');
const metafile = option('--metafile');
const outfile = path.join(outdir, BUNDLE);

let result;
try {
  result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    // Error classes report their own names (BridgeError subclasses), so keep names through minification.
    keepNames: true,
    metafile: true,
    logLevel: 'silent',
  });
} catch (e) {
  // esbuild's messages name the importing file and line; print them all, not only the first.
  const errors = e.errors ?? [];
  const lines = errors.map((m) => `  ${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
  die(`bundling ${path.relative(ROOT, ENTRY)} for the browser failed:\n${lines.join('\n') || String(e)}`);
}

if (metafile !== undefined) fs.writeFileSync(metafile, JSON.stringify(result.metafile));
if (args.includes('--analyze')) console.log(await esbuild.analyzeMetafile(result.metafile));
const size = fs.statSync(outfile).size;
const shown = path.relative(process.cwd(), outfile);
console.log(`build-browser: ${shown.startsWith('..') ? outfile : shown} (${(size / 1024).toFixed(0)} KiB, ${Object.keys(result.metafile.inputs).length} modules)`);
