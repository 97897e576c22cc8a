/**
 * Parses and validates the JSON entries of a PT2 archive against pt2-program.schema.json. The schema is
 * compiled once per process (ajv code generation costs milliseconds; programs are validated many times in
 * tests). Every failure is one FormatError naming the archive entry and the first few JSON paths.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { FormatError } from '../../../ir/errors.js';
import schema from './pt2-program.schema.json' with { type: 'json' };
import type { ExportedProgram, PayloadConfig } from './types.js';

/** How many schema errors a message lists before "and N more". */
const MAX_LISTED = 5;

interface Validators {
  program: ValidateFunction;
  payloadConfig: ValidateFunction;
}

let validators: Validators | undefined;

function getValidators(): Validators {
  if (validators === undefined) {
    // allErrors: report several problems at once (the message keeps the first few); verbose: errors carry
    // the offending value.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    ajv.addSchema(schema);
    validators = {
      program: ajv.compile({ $ref: `${schema.$id}#/$defs/ExportedProgram` }),
      payloadConfig: ajv.compile({ $ref: `${schema.$id}#/$defs/PayloadConfig` }),
    };
  }
  return validators;
}

/** UTF-8 bytes -> JSON value; bad UTF-8 or bad JSON is a FormatError naming the entry. */
export function parseJsonEntry(bytes: Uint8Array, entry: string, file?: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new FormatError('not valid UTF-8', { file, path: entry }, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FormatError(`not valid JSON: ${(e as Error).message}`, { file, path: entry }, { cause: e });
  }
}

/** Checks a parsed `models/<model>.json` against the schema. */
export function validateProgram(json: unknown, entry: string, file?: string): ExportedProgram {
  const v = getValidators().program;
  if (!v(json)) throw schemaError(v.errors ?? [], json, entry, 'an ExportedProgram', file);
  return json as ExportedProgram;
}

/** Checks a parsed weights/constants config (PayloadConfig). */
export function validatePayloadConfig(json: unknown, entry: string, file?: string): PayloadConfig {
  const v = getValidators().payloadConfig;
  if (!v(json)) throw schemaError(v.errors ?? [], json, entry, 'a payload config', file);
  return json as PayloadConfig;
}

function schemaError(
  errors: readonly ErrorObject[],
  data: unknown,
  entry: string,
  what: string,
  file: string | undefined,
): FormatError {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (!worthListing(e)) continue;
    const line = `${readablePath(e)}: ${describe(e, data)}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  const shown = lines.slice(0, MAX_LISTED).map((l) => `  ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`  ... and ${lines.length - MAX_LISTED} more`);
  return new FormatError(`not ${what} as torch.export writes it:\n${shown.join('\n')}`, { file, path: entry });
}

/**
 * Drops the echoes: `anyOf` repeats its failed branches, the null branch of a nullable field says only
 * "must be null", and `propertyNames` repeats its inner `pattern` error.
 */
function worthListing(e: ErrorObject): boolean {
  if (e.keyword === 'anyOf') return false;
  if (e.keyword === 'type' && e.params.type === 'null' && e.schemaPath.includes('/anyOf/')) return false;
  if (e.keyword === 'pattern' && e.schemaPath.includes('/propertyNames/')) return false;
  return true;
}

/** `/graph_module/graph/nodes/3/inputs` -> `graph_module.graph.nodes[3].inputs` (`$` for the root). */
export function readablePath(e: Pick<ErrorObject, 'instancePath' | 'keyword' | 'params'>): string {
  let out = '$';
  for (const raw of e.instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  // propertyNames errors point at the object; name the offending key too.
  if (e.keyword === 'propertyNames' && typeof e.params.propertyName === 'string') out += `.${e.params.propertyName}`;
  return out;
}

function describe(e: ErrorObject, data: unknown): string {
  switch (e.keyword) {
    case 'maxProperties':
    case 'minProperties': {
      const keys = Object.keys(valueAt(data, e.instancePath) ?? {});
      const got = keys.length === 0 ? 'none' : keys.join(', ');
      return `a union must have exactly one key (got ${got})`;
    }
    case 'additionalProperties':
      return `unknown key ${JSON.stringify(e.params.additionalProperty)}`;
    case 'required':
      return `missing ${JSON.stringify(e.params.missingProperty)}`;
    case 'propertyNames':
      return 'not an argument kind (expected as_<kind>)';
    case 'pattern':
      // The only pattern outside propertyNames is the one of a wire float.
      return `must be a number or one of Infinity, -Infinity, NaN (got ${JSON.stringify(e.data)})`;
    default:
      return e.message ?? e.keyword;
  }
}

function valueAt(data: unknown, pointer: string): object | undefined {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur !== null && typeof cur === 'object' ? cur : undefined;
}
