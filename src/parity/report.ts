/**
 * The parity report that `compare()` returns and `onnxbridge parity --json` prints. Its published JSON
 * Schema is report.schema.json beside this file; `validateReport` checks a parsed report against it.
 * The shape extends check.ts's ParityReport (the CLI's parity table renders either).
 */
import { validateJson } from '../formats/json-schema.js';
import type { OutputParity, ParityReport, SetParity } from './check.js';
import reportSchema from './report.schema.json' with { type: 'json' };

/** The schema the report follows, for tools that validate it themselves. */
export const REPORT_SCHEMA: object = reportSchema;

export interface TensorSummary {
  name: string;
  /** Lower-case ONNX name: float, int64, bool. */
  dtype: string;
  shape: number[];
}

export interface CompareOutput extends OutputParity {
  dtype: string;
  /** Why the output could not be compared element by element: missing, another shape or dtype. */
  problem?: string;
}

export interface CompareSet extends SetParity {
  inputs: TensorSummary[];
  outputs: CompareOutput[];
}

export type AgainstKind = 'onnxruntime' | 'cpu' | 'reference';

export interface InputsInfo {
  source: 'random' | 'files' | 'reference';
  seed?: number;
  files?: string[];
}

export interface CompareReport extends ParityReport {
  version: 1;
  model: string;
  /** The run under test, e.g. `onnxruntime`. */
  backend: string;
  /** What it was compared with: `onnxruntime (optimization disabled)`, `cpu`, or the reference folder. */
  against: string;
  againstKind: AgainstKind;
  inputs: InputsInfo;
  /** Things the user should know: symbolic dims filled in, defaults taken. */
  notes: string[];
  sets: CompareSet[];
  ok: boolean;
}

/** Checks parsed JSON against report.schema.json; throws a FormatError listing what is wrong. */
export function validateReport(json: unknown, where = 'parity report'): CompareReport {
  return validateJson<CompareReport>(reportSchema, json, where, 'a parity report');
}
