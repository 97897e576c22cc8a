/**
 * compare(): runs a model on the engine under test and on something to compare with (a second
 * onnxruntime session with graph optimisation disabled, our CPU engine, or a reference folder of
 * recorded outputs), then compares every output element by element. The report follows
 * report.schema.json.
 */
import { dataTypeInfo, DataType } from '../ir/dtype.js';
import { UsageError } from '../ir/errors.js';
import { StringTensor, type Tensor } from '../ir/tensor.js';
import { compareArrays, type Tolerance } from './metrics.js';
import { openEngine, type Backend, type EngineSession } from './engines.js';
import { bindInputs, chooseInputs, dtypeLabel, modelInputs, summarize, type InputOptions, type NamedTensor } from './inputs.js';
import { DEFAULT_TOLERANCE, loadReference } from './reference.js';
import type { AgainstKind, CompareOutput, CompareReport, CompareSet, InputsInfo } from './report.js';
import { loadForRun, numericValues } from './run-model.js';

export interface CompareOptions extends InputOptions {
  /** 'onnxruntime' (default: the same model with graph optimisation disabled), 'cpu', or a reference folder. */
  against?: string;
  /** The engine under test; default 'onnxruntime' (graph optimisation 'all'). */
  backend?: Backend;
  /** Fixed tolerances for every output; default: the reference's meta.json, else rtol 1e-4 / atol 1e-5 for floats, exact otherwise. */
  tolerance?: Partial<Tolerance>;
}

export type { CompareReport };

export async function compare(model: string | Uint8Array, options: CompareOptions = {}): Promise<CompareReport> {
  const against = options.against ?? 'onnxruntime';
  const backend = options.backend ?? 'onnxruntime';
  const { ir, label } = await loadForRun(model);
  const declared = modelInputs(ir);
  const kind: AgainstKind = against === 'onnxruntime' || against === 'cpu' ? against : 'reference';
  if (kind === 'cpu' && backend === 'cpu') throw new UsageError('--against cpu with --backend cpu compares the CPU engine with itself');

  let sets: { dir: string; inputs: NamedTensor[]; expected?: NamedTensor[] }[];
  let info: InputsInfo;
  let notes: string[] = [];
  let tolerance: Record<string, Tolerance> = {};
  if (kind === 'reference') {
    if (options.inputs !== undefined || options.random) throw new UsageError(`--inputs and --random do not apply with a reference folder: its input_N.pb files are the inputs`);
    const ref = loadReference(typeof model === 'string' ? model : 'model.onnx', against);
    tolerance = ref.tolerance;
    info = { source: 'reference' };
    sets = ref.sets.map((s) => ({ dir: s.dir, inputs: bindInputs(s.inputs, declared, s.dir), expected: s.outputs }));
  } else {
    const chosen = chooseInputs(declared, options);
    info = chosen.info;
    notes = chosen.notes;
    const dir = info.source === 'random' ? `random inputs (seed ${info.seed})` : `inputs ${info.files?.join(' ') ?? '(given)'}`;
    sets = [{ dir, inputs: chosen.inputs }];
  }

  const engines: EngineSession[] = [];
  try {
    // The reference engine first: `cpu` may be unavailable, and that should fail before any work.
    const other = kind === 'reference' ? undefined : await openEngine(model, kind, kind === 'onnxruntime' ? { optimization: 'disabled' } : {});
    if (other) engines.push(other);
    const primary = await openEngine(model, backend, backend === 'onnxruntime' ? { optimization: 'all' } : {});
    engines.push(primary);
    const out: CompareSet[] = [];
    for (const s of sets) {
      const actual = await primary.run(s.inputs);
      const expected = s.expected ?? (await other!.run(s.inputs));
      const outputs = expected.map((want, i) => {
        const got = actual.find((a) => a.name === want.name) ?? (actual.some((a) => expected.some((e) => e.name === a.name)) ? undefined : actual[i]);
        const tol = { ...(tolerance[want.name] ?? defaultTolerance(want.tensor.dtype)), ...definedOnly(options.tolerance ?? {}) };
        return compareTensors(want.name, got?.tensor, want.tensor, tol);
      });
      out.push({ dir: s.dir, inputs: summarize(s.inputs), outputs, ok: outputs.every((o) => o.ok) });
    }
    return {
      version: 1,
      model: label,
      backend: primary.label,
      against: kind === 'reference' ? against : other!.label,
      againstKind: kind,
      inputs: info,
      notes,
      sets: out,
      ok: out.every((s) => s.ok),
    };
  } finally {
    for (const e of engines) await e.release();
  }
}

function defaultTolerance(dtype: DataType): Tolerance {
  return dataTypeInfo(dtype).isFloat ? DEFAULT_TOLERANCE : { rtol: 0, atol: 0 };
}

function definedOnly(o: Partial<Tolerance>): Partial<Tolerance> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** One row of the table: `actual` (the run under test) against `expected`. */
export function compareTensors(name: string, actual: Tensor | undefined, expected: Tensor, tol: Tolerance): CompareOutput {
  const referenceShape = [...expected.dims];
  const base = { name, dtype: dtypeLabel(expected.dtype), referenceShape, ...tol };
  const failed = (problem: string, shape: number[]): CompareOutput => ({ ...base, shape, count: 0, maxAbsError: Infinity, maxRelError: Infinity, mismatches: expected.size, cosine: 0, problem, ok: false });
  if (actual === undefined) return failed('the run under test has no such output', []);
  const shape = [...actual.dims];
  if (actual.dtype !== expected.dtype) return failed(`dtype ${dtypeLabel(actual.dtype)}, the reference has ${dtypeLabel(expected.dtype)}`, shape);
  if (shape.join(',') !== referenceShape.join(',')) {
    return failed(`shape [${shape.join(',')}], the reference has [${referenceShape.join(',')}]`, shape);
  }
  if (actual instanceof StringTensor && expected instanceof StringTensor) {
    const a = actual.texts();
    const e = expected.texts();
    const mismatches = e.filter((x, i) => a[i] !== x).length;
    return { ...base, shape, count: e.length, maxAbsError: 0, maxRelError: 0, mismatches, cosine: mismatches === 0 ? 1 : 0, ok: mismatches === 0 };
  }
  const stats = compareArrays(numericValues(actual), numericValues(expected), tol);
  return { ...base, shape, ...stats, ok: stats.mismatches === 0 };
}
