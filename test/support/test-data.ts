/**
 * Where the ONNX backend test data lives, and what it holds. `scripts/setup-test-data.mjs` (the `pretest`
 * step) puts onnx 1.22.0's `onnx/backend/test/data` at `.cache/onnx-1.22.0/onnx/backend/test/data`;
 * env ONNX_TEST_DATA points elsewhere (e.g. a checkout of the onnx repo).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ONNX_TEST_DATA_VERSION = '1.22.0';

/** The top-level folders of backend/test/data. `light` and `real` hold no model.onnx directories
 * (light has flat `light_*.onnx` files, real has download URLs), so listBackendModels finds none there. */
export const BACKEND_CATEGORIES = [
  'node',
  'simple',
  'pytorch-converted',
  'pytorch-operator',
  'light',
  'real',
] as const;
export type BackendCategory = (typeof BACKEND_CATEGORIES)[number];

export interface BackendModel {
  readonly category: BackendCategory;
  /** The directory's name, e.g. `test_abs`. */
  readonly name: string;
  /** Absolute directory holding model.onnx. */
  readonly dir: string;
  readonly modelPath: string;
  /** Absolute `test_data_set_N` directories, in numeric order (may be empty). */
  readonly dataSets: readonly string[];
}

/** The checkout's root: the nearest folder above this file with a package.json (works from dist too). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('test-data: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export function onnxTestDataDir(): string {
  const env = process.env['ONNX_TEST_DATA'];
  if (env) return path.resolve(env);
  return path.join(repoRoot(), '.cache', `onnx-${ONNX_TEST_DATA_VERSION}`, 'onnx', 'backend', 'test', 'data');
}

function dataSetIndex(name: string): number {
  return Number(name.slice('test_data_set_'.length));
}

function collect(category: BackendCategory, dir: string, out: BackendModel[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const subdirs = entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
  if (entries.some((e) => e.name === 'model.onnx')) {
    const dataSets = subdirs
      .filter((n) => n.startsWith('test_data_set_'))
      .sort((a, b) => dataSetIndex(a) - dataSetIndex(b))
      .map((n) => path.join(dir, n));
    out.push({ category, name: path.basename(dir), dir, modelPath: path.join(dir, 'model.onnx'), dataSets });
  }
  for (const n of subdirs) {
    if (!n.startsWith('test_data_set_')) collect(category, path.join(dir, n), out);
  }
}

/**
 * Every directory containing model.onnx under the data dir, sorted by category then name.
 * Throws with a hint when the data is missing, rather than silently returning nothing.
 */
export function listBackendModels(
  categories: readonly BackendCategory[] = BACKEND_CATEGORIES,
  dataDir: string = onnxTestDataDir(),
): BackendModel[] {
  if (!fs.existsSync(path.join(dataDir, 'node'))) {
    throw new Error(`ONNX backend test data not found at ${dataDir}; run \`node scripts/setup-test-data.mjs\``);
  }
  const out: BackendModel[] = [];
  for (const category of categories) {
    const dir = path.join(dataDir, category);
    if (fs.existsSync(dir)) collect(category, dir, out);
  }
  const order = new Map<string, number>(BACKEND_CATEGORIES.map((c, i) => [c, i]));
  return out.sort((a, b) => (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0) || a.dir.localeCompare(b.dir));
}

/**
 * The `light` category: real architectures (AlexNet, DenseNet, Inception, ResNet, ...) stored flat as
 * `light_<name>.onnx` beside `light_<name>_output_0.pb`, with no test_data_set folders.
 */
export function listLightModels(dataDir: string = onnxTestDataDir()): BackendModel[] {
  const dir = path.join(dataDir, 'light');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => ({ category: 'light' as const, name: f.slice(0, -'.onnx'.length), dir, modelPath: path.join(dir, f), dataSets: [] }));
}
