/**
 * Parses and validates the JSON entries of a PT2 archive against pt2-program.schema.json, through
 * ../../json-schema.ts (compiled once per process; every failure is one FormatError naming the archive
 * entry and the first few JSON paths). Only the words for what this schema encodes specially live here.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { parseJson, validateJson } from '../../json-schema.js';
import schema from './pt2-program.schema.json' with { type: 'json' };
import type { ExportedProgram, PayloadConfig } from './types.js';

/** UTF-8 bytes -> JSON value; bad UTF-8 or bad JSON is a FormatError naming the entry. */
export function parseJsonEntry(bytes: Uint8Array, entry: string, file?: string): unknown {
  return parseJson(bytes, { file, path: entry });
}

/** Checks a parsed `models/<model>.json` against the schema. */
export function validateProgram(json: unknown, entry: string, file?: string): ExportedProgram {
  const where = { file, path: entry };
  return validateJson<ExportedProgram>(schema, json, where, 'an ExportedProgram as torch.export writes it', { def: 'ExportedProgram', describe });
}

/** Checks a parsed weights/constants config (PayloadConfig). */
export function validatePayloadConfig(json: unknown, entry: string, file?: string): PayloadConfig {
  const where = { file, path: entry };
  return validateJson<PayloadConfig>(schema, json, where, 'a payload config as torch.export writes it', { def: 'PayloadConfig', describe });
}

/**
 * The schema's encodings in torch's words: a union is an object with exactly one key (min/maxProperties 1),
 * Argument's keys are `as_<kind>` (propertyNames), and the only pattern outside propertyNames is that
 * of a wire float.
 */
function describe(e: ErrorObject): string | undefined {
  switch (e.keyword) {
    case 'maxProperties':
    case 'minProperties': {
      const keys = e.data !== null && typeof e.data === 'object' ? Object.keys(e.data as object) : [];
      return `a union must have exactly one key (got ${keys.length === 0 ? 'none' : keys.join(', ')})`;
    }
    case 'required':
      return `missing ${JSON.stringify(e.params.missingProperty)}`;
    case 'propertyNames':
      return 'not an argument kind (expected as_<kind>)';
    case 'pattern':
      return `must be a number or one of Infinity, -Infinity, NaN (got ${JSON.stringify(e.data)})`;
    default:
      return undefined;
  }
}
