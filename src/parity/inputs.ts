/**
 * Inputs for `run` and `parity`: read from files (a folder of input_N.pb, name=path pairs of .pb files,
 * or a JSON file) or made from the model's input types with a seeded generator, and checked against the
 * model's inputs (name, dtype, rank, fixed dims) before any engine sees them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeTensorProto } from '../formats/onnx/codec.js';
import { parseJson, validateJson } from '../formats/json-schema.js';
import { DataType, dataTypeFromTypeStr, dataTypeName, type TypedArray } from '../ir/dtype.js';
import { UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { formatShape, type Shape } from '../ir/shape.js';
import { ArrayTensor, type Tensor } from '../ir/tensor.js';
import { ImportContext } from '../importers/onnx/context.js';
import { importTensor } from '../importers/onnx/import-tensor.js';
import inputsSchema from './inputs.schema.json' with { type: 'json' };
import type { InputsInfo, TensorSummary } from './report.js';

/** A graph input the caller must feed (initializers listed as inputs are left out: they have defaults). */
export interface ModelInput {
  name: string;
  dtype: DataType;
  /** undefined: unknown rank. */
  shape?: Shape;
}

export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** Lower-case ONNX dtype name, as `inspect` prints it: float, int64, bool. */
export function dtypeLabel(dtype: DataType): string {
  return dataTypeName(dtype).toLowerCase();
}

export function modelInputs(model: Model): ModelInput[] {
  const init = model.graph.initializers;
  return model.graph.inputs
    .filter((v) => !init.has(v.name))
    .map((v) => {
      const t = v.type;
      if (t?.kind !== 'tensor') throw new UsageError(`input ${JSON.stringify(v.name)} is not a tensor (${t?.kind ?? 'untyped'}); run and parity feed tensors only`);
      return { name: v.name, dtype: t.dtype, ...(t.shape !== undefined ? { shape: t.shape } : {}) };
    });
}

const ARRAYS: Partial<Record<DataType, new (n: number) => TypedArray>> = {
  [DataType.FLOAT]: Float32Array,
  [DataType.DOUBLE]: Float64Array,
  [DataType.FLOAT16]: Uint16Array,
  [DataType.INT8]: Int8Array,
  [DataType.UINT8]: Uint8Array,
  [DataType.INT16]: Int16Array,
  [DataType.UINT16]: Uint16Array,
  [DataType.INT32]: Int32Array,
  [DataType.UINT32]: Uint32Array,
  [DataType.INT64]: BigInt64Array,
  [DataType.UINT64]: BigUint64Array,
  [DataType.BOOL]: Uint8Array,
};

function arrayFor(dtype: DataType, n: number, what: string): TypedArray {
  const Ctor = ARRAYS[dtype];
  if (Ctor === undefined) throw new UsageError(`${what} is ${dtypeLabel(dtype)}, which run and parity cannot make or read from JSON yet`);
  return new Ctor(n);
}

/**
 * Reads `--inputs`: one folder of input_N.pb (names from the files, else by position), or `name=path`
 * pairs of .pb files, or one .json file ({"x": {"shape": [..], "data": [..], "dtype"?: "float"}} or
 * {"x": nested arrays}), or one .pb file when the model has a single input.
 */
export function readInputs(specs: readonly string[], inputs: readonly ModelInput[]): NamedTensor[] {
  if (specs.length === 0) throw new UsageError('--inputs needs a folder, a .json file, or name=path pairs');
  const pairs = specs.map((s) => /^([^=]+)=(.+)$/.exec(s));
  if (pairs.every((m) => m !== null)) {
    return pairs.map((m) => ({ name: m![1]!, tensor: readPb(m![2]!) }));
  }
  if (specs.length > 1) throw new UsageError(`--inputs takes one folder or file, or name=path pairs; got ${specs.map((s) => JSON.stringify(s)).join(' ')}`);
  const spec = specs[0]!;
  if (!fs.existsSync(spec)) throw new UsageError(`--inputs ${spec} does not exist`);
  if (fs.statSync(spec).isDirectory()) return readFolder(spec, inputs);
  if (spec.toLowerCase().endsWith('.json')) return readJson(spec, inputs);
  if (inputs.length !== 1) {
    throw new UsageError(`--inputs ${spec}: one .pb file feeds a single-input model; this one has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}): pass name=path pairs`);
  }
  return [{ name: inputs[0]!.name, tensor: readPb(spec) }];
}

function readPb(file: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UsageError(`cannot read the input ${file}`);
  }
  return importTensor(decodeTensorProto(bytes, file), new ImportContext({ file }));
}

/** input_N.pb in N order; a file whose TensorProto has no name feeds the model's N-th input. */
export function readFolder(dir: string, inputs: readonly ModelInput[]): NamedTensor[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^input_\d+\.pb$/.test(f))
    .sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)));
  if (files.length === 0) throw new UsageError(`--inputs ${dir} has no input_N.pb files`);
  return files.map((f, i) => {
    const file = path.join(dir, f);
    const proto = decodeTensorProto(fs.readFileSync(file), file);
    const name = proto.name || inputs[i]?.name || `input_${i}`;
    return { name, tensor: importTensor(proto, new ImportContext({ file })) };
  });
}

type JsonValue = number | boolean | JsonValue[];
type JsonInputs = Record<string, JsonValue[] | { shape: number[]; data: (number | boolean)[]; dtype?: string }>;

function readJson(file: string, inputs: readonly ModelInput[]): NamedTensor[] {
  const doc = validateJson<JsonInputs>(inputsSchema, parseJson(fs.readFileSync(file), file), file, 'an inputs JSON file');
  return Object.entries(doc).map(([name, v]) => {
    const declared = inputs.find((i) => i.name === name);
    let shape: number[];
    let flat: (number | boolean)[];
    let dtype = declared?.dtype ?? DataType.FLOAT;
    if (Array.isArray(v)) {
      shape = nestedShape(v, `${file}: input ${name}`);
      flat = v.flat(Infinity as 1) as (number | boolean)[];
    } else {
      shape = v.shape;
      flat = v.data;
      if (v.dtype !== undefined) {
        const d = dataTypeFromTypeStr(`tensor(${v.dtype.toLowerCase()})`);
        if (d === undefined) throw new UsageError(`${file}: input ${name}: unknown dtype ${JSON.stringify(v.dtype)}`);
        dtype = d;
      }
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (flat.length !== n) throw new UsageError(`${file}: input ${name}: shape [${shape.join(',')}] holds ${n} values, data has ${flat.length}`);
    const data = arrayFor(dtype, n, `input ${name}`);
    flat.forEach((x, i) => setElement(data, dtype, i, Number(x)));
    return { name, tensor: new ArrayTensor(dtype, shape, data) };
  });
}

function nestedShape(v: JsonValue, what: string): number[] {
  const shape: number[] = [];
  let cur: JsonValue = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as JsonValue;
  }
  const check = (x: JsonValue, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new UsageError(`${what} is a ragged nested array`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new UsageError(`${what} is a ragged nested array`);
    x.forEach((y) => check(y, depth + 1));
  };
  check(v, 0);
  return shape;
}

function setElement(data: TypedArray, dtype: DataType, i: number, x: number): void {
  if (dtype === DataType.INT64 || dtype === DataType.UINT64) (data as BigInt64Array)[i] = BigInt(Math.trunc(x));
  else if (dtype === DataType.FLOAT16) (data as Uint16Array)[i] = floatToHalf(x);
  else if (dtype === DataType.BOOL) (data as Uint8Array)[i] = x !== 0 ? 1 : 0;
  else (data as Float32Array)[i] = x;
}

/** number -> IEEE binary16 bits, rounding to nearest even (subnormals included). */
export function floatToHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - e + 13);
    const rest = (mant | 0x800000) & ((1 << (1 - e + 13)) - 1);
    const half = 1 << (1 - e + 12);
    return sign | (m + (rest > half || (rest === half && (m & 1) === 1) ? 1 : 0));
  }
  const m = mant >>> 13;
  const rest = mant & 0x1fff;
  const bits = (e << 10) | m;
  return sign | (bits + (rest > 0x1000 || (rest === 0x1000 && (m & 1) === 1) ? 1 : 0));
}

/** mulberry32: a small, fast, seedable generator; the same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomInputs {
  inputs: NamedTensor[];
  /** Which symbolic or unknown dims were filled in, and how; for the user to read. */
  notes: string[];
}

/**
 * Seeded random values for every model input: floats uniform in [-1, 1), integers in [0, 10) (small
 * enough to be valid indices for most gathers), bools 0/1. A symbolic dim takes its value from
 * `shapes` (--input-shape) or else 1, which `notes` reports.
 */
export function randomInputs(inputs: readonly ModelInput[], seed: number, shapes: Record<string, number[]> = {}): RandomInputs {
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${seed}`);
  const rand = seededRandom(seed);
  const notes: string[] = [];
  for (const name of Object.keys(shapes)) {
    if (!inputs.some((i) => i.name === name)) throw new UsageError(`--input-shape: the model has no input ${JSON.stringify(name)} (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }
  const out = inputs.map((inp) => {
    const dims = concreteDims(inp, shapes[inp.name], notes);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = arrayFor(inp.dtype, n, `input ${inp.name}`);
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (inp.dtype === DataType.FLOAT || inp.dtype === DataType.DOUBLE || inp.dtype === DataType.FLOAT16) setElement(data, inp.dtype, i, r * 2 - 1);
      else if (inp.dtype === DataType.BOOL) setElement(data, inp.dtype, i, r < 0.5 ? 0 : 1);
      else setElement(data, inp.dtype, i, Math.floor(r * 10));
    }
    return { name: inp.name, tensor: new ArrayTensor(inp.dtype, dims, data) };
  });
  return { inputs: out, notes };
}

function concreteDims(inp: ModelInput, fixed: number[] | undefined, notes: string[]): number[] {
  if (inp.shape === undefined) {
    if (fixed !== undefined) return fixed;
    throw new UsageError(`input ${JSON.stringify(inp.name)} has unknown rank: pass --input-shape ${inp.name}:1x3x224x224 (for example)`);
  }
  if (fixed !== undefined) {
    if (fixed.length !== inp.shape.length) throw new UsageError(`--input-shape: input ${JSON.stringify(inp.name)} has rank ${inp.shape.length} (${formatShape(inp.shape)}), got ${fixed.length} dims`);
    inp.shape.forEach((d, i) => {
      if (typeof d === 'number' && d !== fixed[i]) throw new UsageError(`--input-shape: dim ${i} of input ${JSON.stringify(inp.name)} is fixed at ${d}, got ${fixed[i]}`);
    });
    return fixed;
  }
  return inp.shape.map((d, i) => {
    if (typeof d === 'number') return d;
    notes.push(`input ${inp.name}: dim ${i} (${d ?? '?'}) is symbolic; used 1 (set it with --input-shape ${inp.name}:...)`);
    return 1;
  });
}

/**
 * Binds `given` to the model's inputs: by name, or with `positional` by position when a name is not the
 * model's and the counts agree (reference files recorded under the framework's names). Every mismatch is a UsageError naming the input:
 * a missing or unknown name, another dtype, another rank, a fixed dim with another size.
 */
export function bindInputs(given: readonly NamedTensor[], inputs: readonly ModelInput[], where = 'the inputs', positional = true): NamedTensor[] {
  const names = inputs.map((i) => i.name);
  const byName = given.every((g) => names.includes(g.name));
  if (!byName && (!positional || given.length !== inputs.length)) {
    const unknown = given.find((g) => !names.includes(g.name))!;
    throw new UsageError(`${where}: the model has no input ${JSON.stringify(unknown.name)} (inputs: ${names.join(', ')})`);
  }
  const bound = inputs.map((inp, i) => {
    const g = byName ? given.find((x) => x.name === inp.name) : given[i];
    if (g === undefined) throw new UsageError(`${where}: no value for the model's input ${JSON.stringify(inp.name)} (${dtypeLabel(inp.dtype)}${inp.shape ? formatShape(inp.shape) : ''})`);
    checkInput(g.tensor, inp, where);
    return { name: inp.name, tensor: g.tensor };
  });
  return bound;
}

function checkInput(t: Tensor, inp: ModelInput, where: string): void {
  const what = `${where}: input ${JSON.stringify(inp.name)}`;
  if (inp.dtype !== DataType.UNDEFINED && t.dtype !== inp.dtype) throw new UsageError(`${what} is ${dtypeLabel(t.dtype)}, the model takes ${dtypeLabel(inp.dtype)}`);
  if (inp.shape === undefined) return;
  if (t.dims.length !== inp.shape.length) {
    throw new UsageError(`${what} has rank ${t.dims.length} ([${t.dims.join(',')}]), the model takes rank ${inp.shape.length} (${formatShape(inp.shape)})`);
  }
  inp.shape.forEach((d, i) => {
    if (typeof d === 'number' && d !== t.dims[i]) throw new UsageError(`${what} has shape [${t.dims.join(',')}], the model fixes dim ${i} at ${d} (${formatShape(inp.shape!)})`);
  });
}

/** Where inputs come from; the CLI's --inputs / --random / --seed / --input-shape. */
export interface InputOptions {
  /** `--inputs`: a folder of input_N.pb, one .json or .pb file, or name=path pairs; or tensors by name. */
  inputs?: readonly string[] | Record<string, Tensor>;
  /** Seeded random inputs (the default when `inputs` is absent). */
  random?: boolean;
  /** Seed for `random`; default 0. */
  seed?: number;
  /** Dims for symbolic input dims of random inputs, e.g. { x: [1, 3, 224, 224] }; others default to 1. */
  inputShapes?: Record<string, number[]>;
}

export interface ChosenInputs {
  inputs: NamedTensor[];
  info: InputsInfo;
  notes: string[];
}

/** The inputs one run is fed, bound and checked against the model's inputs. */
export function chooseInputs(inputs: readonly ModelInput[], options: InputOptions): ChosenInputs {
  const notes: string[] = [];
  if (options.inputs !== undefined) {
    if (options.random) throw new UsageError('--inputs and --random exclude each other');
    if (options.inputShapes !== undefined && Object.keys(options.inputShapes).length > 0) throw new UsageError('--input-shape applies to --random inputs; input files carry their own shapes');
    const fromFiles = Array.isArray(options.inputs);
    const given: NamedTensor[] = fromFiles
      ? readInputs(options.inputs as readonly string[], inputs)
      : Object.entries(options.inputs as Record<string, Tensor>).map(([name, tensor]) => ({ name, tensor }));
    const info: InputsInfo = fromFiles ? { source: 'files', files: [...(options.inputs as readonly string[])] } : { source: 'files' };
    // Names the user gave (pairs, JSON keys) must be the model's; a folder's unnamed files bind by position.
    const where = fromFiles ? `--inputs ${(options.inputs as readonly string[]).join(' ')}` : 'the inputs';
    return { inputs: bindInputs(given, inputs, where, false), info, notes };
  }
  const seed = options.seed ?? 0;
  if (!options.random && inputs.length > 0) notes.push(`no --inputs given: random inputs, seed ${seed}`);
  const r = randomInputs(inputs, seed, options.inputShapes);
  return { inputs: r.inputs, info: { source: 'random', seed }, notes: [...notes, ...r.notes] };
}

/** How a set of inputs is listed in reports. */
export function summarize(ts: readonly NamedTensor[]): TensorSummary[] {
  return ts.map((t) => ({ name: t.name, dtype: dtypeLabel(t.tensor.dtype), shape: [...t.tensor.dims] }));
}
