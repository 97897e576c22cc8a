/**
 * Runs the browser bundle in headless Chromium: a node:http server on 127.0.0.1 (random port) serving
 * the bundle, page-runner.js and test data from memory, and a Chromium page (playwright-core) opened on it. Shared by test/browser/engine.test.ts and the browser column of bench/engine-latency.mjs.
 * Plain JavaScript (typed in harness.d.mts) so that the bench can import it without a TypeScript step.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's package (scripts/setup-chromium.mjs installs it). */
export const CHROMIUM = '/usr/bin/chromium';
// Flags that work as root in a container; playwright adds --headless and a fresh --user-data-dir itself.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser cannot run here, or undefined when it can. */
export function chromiumMissing() {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian package chromium; \`node scripts/setup-chromium.mjs\` installs it when run as root)`;
}

const TYPES = { '.js': 'text/javascript', '.map': 'application/json', '.json': 'application/json', '.html': 'text/html' };

/**
 * Serves `files` (URL path -> bytes or text; the map may grow while serving). Cross-origin isolated
 * (COOP/COEP), so the page's performance.now() has its fine resolution rather than the coarse default.
 */
export async function serve(files) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = files.get(url.pathname);
    if (body === undefined) {
      res.writeHead(404).end(`no ${url.pathname}`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(url.pathname)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Starts a server holding `bundleDir`'s bundle (at /onnxbridge.js) and an empty page, launches
 * Chromium and opens the page. Add test data to `files` before the page fetches it.
 */
export async function openBrowser(bundleDir) {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const files = new Map([['/index.html', '<!doctype html><meta charset="utf-8"><title>onnxbridge</title>']]);
  for (const f of ['onnxbridge.js', 'onnxbridge.js.map']) files.set(`/${f}`, fs.readFileSync(path.join(bundleDir, f)));
  files.set('/page-runner.js', fs.readFileSync(new URL('./page-runner.js', import.meta.url)));
  const server = await serve(files);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    const version = browser.version();
    return {
      files,
      page,
      version,
      /** Uncaught errors the page reported so far. */
      errors,
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}

/**
 * Publishes a runtime Tensor (`{ type, dims, data }`) at `url` and returns what the page needs to
 * rebuild it: the raw bytes of its typed array, or JSON for string tensors.
 */
export function publishTensor(files, url, name, tensor) {
  const { type, dims, data } = tensor;
  if (type === 'string') files.set(`${url}.json`, JSON.stringify(data));
  else files.set(`${url}.bin`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return { name, type, dims: [...dims], url: type === 'string' ? `${url}.json` : `${url}.bin` };
}

/**
 * Runs page-runner.js's `runInPage(args)` in the page. The call is a string, not a function: vitest
 * rewrites the imports of the functions it loads, and a rewritten function would not run in the page.
 */
export async function runInPage(page, args) {
  return page.evaluate(`import('/page-runner.js').then((m) => m.runInPage(${JSON.stringify(args)}))`);
}
