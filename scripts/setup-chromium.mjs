#!/usr/bin/env node
/**
 * Makes sure Debian's `chromium` is installed at /usr/bin/chromium for test/browser and the browser
 * column of bench/engine-latency.mjs. Called by scripts/setup-test-data.mjs (the `pretest` script);
 * runnable alone: node scripts/setup-chromium.mjs
 * When it is missing and we are root (CI: a fresh Debian machine that reaches the package mirror), it
 * runs `apt-get update && apt-get install -y chromium`; otherwise it fails and says what to install.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
// apt waits this long for a dpkg lock held by another apt run instead of failing at once.
const APT_LOCK_TIMEOUT_S = 600;

function fail(msg) {
  process.stderr.write(`setup-chromium: ${msg}\n`);
  process.exit(1);
}

function apt(args) {
  const cmd = ['apt-get', '-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_S}`, ...args];
  console.log(`setup-chromium: ${cmd.join(' ')}`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) fail(`cannot run apt-get (${r.error.message}); install Debian's chromium package so that ${CHROMIUM} exists`);
  if (r.status !== 0) fail(`\`${cmd.join(' ')}\` exited with ${r.status ?? r.signal}; install Debian's chromium package so that ${CHROMIUM} exists`);
}

/** Returns when CHROMIUM exists; installs it first when we can. Exits the process when it cannot. */
export function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) {
    console.log(`setup-chromium: ${CHROMIUM} is installed`);
    return;
  }
  if (process.getuid?.() !== 0) {
    fail(`${CHROMIUM} is missing and this is not root, so it is not installed automatically; test/browser needs it: run \`sudo apt-get install -y chromium\` (Debian/Ubuntu)`);
  }
  console.log(`setup-chromium: ${CHROMIUM} is missing; installing Debian's chromium package`);
  apt(['update']);
  apt(['install', '-y', 'chromium']);
  if (!fs.existsSync(CHROMIUM)) fail(`apt-get installed chromium but ${CHROMIUM} is still missing`);
  console.log(`setup-chromium: installed ${CHROMIUM}`);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) ensureChromium();
