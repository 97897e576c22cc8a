#!/usr/bin/env node
/**
 * Makes a fresh machine ready for `npm test` (run as `pretest`), idempotently:
 *   1. a Python venv at .cache/py with onnx==1.22.0 (used by the schema generator and its staleness test);
 *   2. the ONNX backend test data at .cache/onnx-1.22.0/onnx/backend/test/data, a relative symlink into
 *      the venv's site-packages (1.22.0 is the last onnx wheel that still ships backend/test/data/node);
 *   3. Chromium at /usr/bin/chromium for test/browser (scripts/setup-chromium.mjs: apt-get when root).
 * A marker file records a finished setup, so later runs only verify and print one line.
 * Several engineers and test runs may start this at once, so the work happens under a lock directory.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './setup-chromium.mjs';

const ONNX_VERSION = '1.22.0';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache');
const VENV = path.join(CACHE, 'py');
const VENV_PYTHON = path.join(VENV, 'bin', 'python');
const DATA_HOME = path.join(CACHE, `onnx-${ONNX_VERSION}`);
const DATA_DIR = path.join(DATA_HOME, 'onnx', 'backend', 'test', 'data');
const MARKER = path.join(DATA_HOME, '.setup-done.json');
const LOCK = path.join(CACHE, 'setup-test-data.lock');
// A pip install of onnx and numpy takes well under a minute; a lock older than this is left over.
const STALE_LOCK_MS = 10 * 60 * 1000;

function die(msg) {
  process.stderr.write(`setup-test-data: ${msg}\n`);
  process.exit(1);
}

/** Runs a command, capturing output; on failure prints it so the cause is visible, then exits. */
function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) die(`${what} failed: cannot run ${cmd} (${r.error.message}). Is ${cmd} installed?`);
  if (r.status !== 0) {
    process.stderr.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    die(`${what} failed: \`${cmd} ${args.join(' ')}\` exited with ${r.status ?? r.signal}`);
  }
  return r.stdout;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let holdingLock = false;

function releaseLock() {
  if (holdingLock) fs.rmSync(LOCK, { recursive: true, force: true });
  holdingLock = false;
}

/** A lock whose owner is gone (killed, crashed) must not make everyone else wait for the timeout. */
function lockIsStale() {
  let pid;
  let age;
  try {
    age = Date.now() - fs.statSync(LOCK).mtimeMs;
    pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    return age !== undefined && age > 5000; // no pid file: fresh (owner is writing it) or abandoned
  }
  try {
    process.kill(pid, 0);
    return age > STALE_LOCK_MS;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

function acquireLock() {
  fs.mkdirSync(CACHE, { recursive: true });
  // die() exits without unwinding try/finally, so release on every exit path, not only in main().
  process.on('exit', releaseLock);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      holdingLock = true;
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (lockIsStale()) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) die(`timed out waiting for ${LOCK}; remove it if no setup is running`);
    sleep(250);
  }
}

/** Counts model.onnx files below `dir` (a few thousand entries: milliseconds). */
function countModels(dir) {
  let n = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      if (ent.isDirectory()) stack.push(path.join(d, ent.name));
      else if (ent.name === 'model.onnx') n++;
    }
  }
  return n;
}

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The fast path: everything the marker promises is still on disk. */
function verify() {
  const m = readMarker();
  if (m?.onnx !== ONNX_VERSION) return undefined;
  if (!fs.existsSync(VENV_PYTHON) || !fs.existsSync(path.join(DATA_DIR, 'node'))) return undefined;
  const sitePackages = path.join(ROOT, m.sitePackages);
  if (!fs.existsSync(path.join(sitePackages, `onnx-${ONNX_VERSION}.dist-info`))) return undefined;
  const count = countModels(DATA_DIR);
  return count > 0 ? count : undefined;
}

function setup() {
  if (!fs.existsSync(VENV_PYTHON)) {
    process.stderr.write(`setup-test-data: creating venv at ${path.relative(ROOT, VENV)}\n`);
    run('python3', ['-m', 'venv', VENV], 'creating the Python venv');
  }
  const probe = 'import importlib.metadata as m\ntry: print(m.version("onnx"))\nexcept Exception: print("none")';
  const have = run(VENV_PYTHON, ['-c', probe], 'probing the venv').trim();
  if (have !== ONNX_VERSION) {
    process.stderr.write(`setup-test-data: pip install onnx==${ONNX_VERSION} (found: ${have})\n`);
    run(VENV_PYTHON, ['-m', 'pip', 'install', '--no-input', '--quiet', `onnx==${ONNX_VERSION}`], 'pip install');
  }
  // Ask Python where onnx lives rather than guessing lib/python3.X.
  const onnxDir = run(
    VENV_PYTHON,
    ['-c', 'import onnx, os; print(os.path.dirname(onnx.__file__))'],
    'importing onnx',
  ).trim();
  const source = path.join(onnxDir, 'backend', 'test', 'data');
  if (!fs.existsSync(path.join(source, 'node'))) {
    die(`onnx ${ONNX_VERSION} in ${onnxDir} does not ship backend/test/data/node`);
  }
  fs.mkdirSync(path.dirname(DATA_DIR), { recursive: true });
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  // Relative, so the checkout can move without breaking the link.
  fs.symlinkSync(path.relative(path.dirname(DATA_DIR), source), DATA_DIR, 'dir');
  const count = countModels(DATA_DIR);
  if (count === 0) die(`no model.onnx under ${DATA_DIR}`);
  const marker = {
    onnx: ONNX_VERSION,
    sitePackages: path.relative(ROOT, path.dirname(onnxDir)),
    models: count,
    at: new Date().toISOString(),
  };
  fs.writeFileSync(MARKER, JSON.stringify(marker, null, 2) + '\n');
  return count;
}

function main() {
  acquireLock();
  let count;
  try {
    count = verify() ?? setup();
    ensureChromium(); // under the lock too: two test runs must not start apt at once
  } finally {
    releaseLock();
  }
  const override = process.env.ONNX_TEST_DATA ? ` (ONNX_TEST_DATA overrides it: ${process.env.ONNX_TEST_DATA})` : '';
  console.log(
    `setup-test-data: onnx ${ONNX_VERSION} backend test data at ${path.relative(ROOT, DATA_DIR)}: ${count} model.onnx files${override}`,
  );
}

main();
