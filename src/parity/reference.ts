import fs from 'node:fs';
import path from 'node:path';
import { decodeTensorProto } from '../formats/onnx/codec.js';
import { parseJson, validateJson } from '../formats/json-schema.js';
import { UsageError } from '../ir/errors.js';
import type { Tensor } from '../ir/tensor.js';
import { ImportContext } from '../importers/onnx/context.js';
import { importTensor } from '../importers/onnx/import-tensor.js';
import type { Tolerance } from './metrics.js';
import metaSchema from './reference-meta.schema.json' with { type: 'json' };

/** One recorded run: named inputs and the outputs the reference framework gave for them. */
export interface ReferenceSet {
  dir: string;
  inputs: { name: string; tensor: Tensor }[];
  outputs: { name: string; tensor: Tensor }[];
}

export interface Reference {
  sets: ReferenceSet[];
  /** Per output name; outputs without an entry use DEFAULT_TOLERANCE. */
  tolerance: Record<string, Tolerance>;
  /** meta.json, when one was read. */
  meta?: string;
}

interface Meta {
  tolerance?: Record<string, Tolerance>;
  outputs?: { name: string }[];
  test_data_sets?: { dir: string; artifacts?: string[] }[];
}

/** float32 parity default (issue 3): relative 1e-4, with a small absolute floor for values near zero. */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Finds reference data for `artifact`: `reference` when given (a test_data_set folder, or a folder of
 * them with an optional meta.json), else the artifact's own folder. A meta.json there names, per data
 * set, the artifacts it applies to (a fixed-length export is not checked at another sequence length)
 * and the tolerance per output. Inputs and outputs are ONNX TensorProto files (input_N.pb, output_N.pb).
 */
export function loadReference(artifact: string, reference?: string, variant?: string): Reference {
  const base = reference ?? path.dirname(artifact);
  if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) {
    throw new UsageError(`reference folder ${base} does not exist`);
  }
  const metaPath = path.join(base, 'meta.json');
  const meta: Meta = fs.existsSync(metaPath) ? validateJson<Meta>(metaSchema, parseJson(fs.readFileSync(metaPath), metaPath), metaPath, 'a reference meta.json') : {};
  const dirs = isDataSet(base) ? [base] : dataSetDirs(base, meta, artifactNames(artifact), variant);
  if (dirs.length === 0) {
    throw new UsageError(`no reference outputs for ${artifact}: expected test_data_set_N folders with input_N.pb/output_N.pb in ${base} (or pass --reference)`);
  }
  return {
    sets: dirs.map((d) => readSet(d, meta)),
    tolerance: meta.tolerance ?? {},
    ...(fs.existsSync(metaPath) ? { meta: metaPath } : {}),
  };
}

function isDataSet(dir: string): boolean {
  return fs.readdirSync(dir).some((f) => /^input_\d+\.pb$/.test(f));
}

/**
 * The names a meta.json may list an artifact under: its file name, or its folder's name when the file
 * name says nothing (a TF.js model is `tfjs/model.json`, listed as `tfjs`).
 */
function artifactNames(artifact: string): string[] {
  return [path.basename(artifact), path.basename(path.dirname(path.resolve(artifact)))];
}

/**
 * With a `variant` (a SavedModel signature), the data sets listed for `<artifact>:<variant>`; when there
 * are none, those of the artifact itself (its default variant).
 */
function dataSetDirs(base: string, meta: Meta, names: readonly string[], variant?: string): string[] {
  if (meta.test_data_sets !== undefined) {
    const sets = meta.test_data_sets;
    const listed = (wanted: readonly string[]): typeof sets => sets.filter((s) => s.artifacts === undefined || s.artifacts.some((a) => wanted.includes(a)));
    const ofVariant = variant === undefined ? [] : listed(names.map((n) => `${n}:${variant}`)).filter((s) => s.artifacts !== undefined);
    return (ofVariant.length > 0 ? ofVariant : listed(names)).map((s) => path.join(base, s.dir));
  }
  return fs
    .readdirSync(base)
    .filter((f) => /^test_data_set_\d+$/.test(f))
    .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)))
    .map((f) => path.join(base, f));
}

function readSet(dir: string, meta: Meta): ReferenceSet {
  const numbered = (prefix: string): string[] =>
    fs
      .readdirSync(dir)
      .filter((f) => new RegExp(`^${prefix}_\\d+\\.pb$`).test(f))
      .sort((a, b) => Number(a.slice(prefix.length + 1, -3)) - Number(b.slice(prefix.length + 1, -3)));
  const read = (f: string, i: number, fallback: (i: number) => string): { name: string; tensor: Tensor } => {
    const file = path.join(dir, f);
    const proto = decodeTensorProto(fs.readFileSync(file), file);
    return { name: proto.name || fallback(i), tensor: importTensor(proto, new ImportContext({ file })) };
  };
  const inputs = numbered('input').map((f, i) => read(f, i, (k) => `input_${k}`));
  const outputs = numbered('output').map((f, i) => read(f, i, (k) => meta.outputs?.[k]?.name ?? `output_${k}`));
  if (outputs.length === 0) throw new UsageError(`reference folder ${dir} has no output_N.pb files`);
  return { dir, inputs, outputs };
}
