import ort from 'onnxruntime-node';
import { CheckError } from '../ir/errors.js';
import { dataTypeInfo } from '../ir/dtype.js';
import { compareArrays, type OutputStats, type Tolerance } from './metrics.js';
import { ortData, toOrtTensor } from './ort-tensors.js';
import { DEFAULT_TOLERANCE, type Reference, type ReferenceSet } from './reference.js';

export interface OutputParity extends OutputStats, Tolerance {
  name: string;
  /** Shape onnxruntime produced, and the reference's. */
  shape: number[];
  referenceShape: number[];
  ok: boolean;
}

export interface SetParity {
  dir: string;
  outputs: OutputParity[];
  ok: boolean;
}

/** The parity report: one entry per reference data set, one row per output. Schema: report.schema.json. */
export interface ParityReport {
  against: string;
  sets: SetParity[];
  ok: boolean;
}

/** Fixed tolerances from the command line override meta.json's. */
export type ToleranceOverride = Partial<Tolerance>;

/**
 * Runs the model in onnxruntime-node (one thread, no graph optimisation beyond the defaults) on every
 * reference data set and compares each output with the reference, element by element.
 * Inputs bind by name, falling back to position; outputs likewise.
 */
export async function checkWithOnnxruntime(model: Uint8Array | string, ref: Reference, override: ToleranceOverride = {}, against = 'reference'): Promise<ParityReport> {
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 })
        : await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (e) {
    throw new CheckError(`onnxruntime could not load the model: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  try {
    const sets: SetParity[] = [];
    for (const set of ref.sets) sets.push(await checkSet(session, set, ref, override));
    return { against, sets, ok: sets.every((s) => s.ok) };
  } finally {
    await session.release();
  }
}

async function checkSet(session: ort.InferenceSession, set: ReferenceSet, ref: Reference, override: ToleranceOverride): Promise<SetParity> {
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const r = set.inputs.find((x) => x.name === name) ?? set.inputs[i];
    if (r !== undefined) feeds[name] = toOrtTensor(r.tensor, `input ${name}`);
  });
  let out: ort.InferenceSession.ReturnType;
  try {
    out = await session.run(feeds);
  } catch (e) {
    // e.g. a reference recorded at another batch size than an --input-shape fixed: name the data set.
    throw new CheckError(`onnxruntime could not run the model on ${set.dir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const outputs = set.outputs.map((want, i) => {
    const name = session.outputNames.includes(want.name) ? want.name : session.outputNames[i];
    const got = name === undefined ? undefined : out[name];
    const isFloat = dataTypeInfo(want.tensor.dtype).isFloat;
    const tol: Tolerance = { ...(ref.tolerance[want.name] ?? (isFloat ? DEFAULT_TOLERANCE : { rtol: 0, atol: 0 })), ...definedOnly(override) };
    const referenceShape = [...want.tensor.dims];
    if (got === undefined) {
      return { name: want.name, shape: [], referenceShape, count: 0, maxAbsError: Infinity, maxRelError: Infinity, mismatches: want.tensor.size, cosine: 0, ...tol, ok: false };
    }
    const shape = got.dims.map(Number);
    const stats = compareArrays(ortData(got), want.tensor.toArray() as ArrayLike<number | bigint>, tol);
    const sameShape = shape.join(',') === referenceShape.join(',');
    const row: OutputParity = { name: want.name, shape, referenceShape, ...stats, ...tol, ok: sameShape && stats.mismatches === 0 };
    if (!sameShape) row.mismatches = Math.max(row.mismatches, want.tensor.size);
    return row;
  });
  return { dir: set.dir, outputs, ok: outputs.every((o) => o.ok) };
}

function definedOnly(o: ToleranceOverride): Partial<Tolerance> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
