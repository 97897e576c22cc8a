/**
 * JSON read from files (program JSON, manifests, fixture metadata, reports) is validated against a JSON
 * Schema with ajv before any code trusts its shape. Each schema is compiled once; a failure becomes one
 * FormatError naming the file or entry and the first few JSON paths with what is wrong there, in words a
 * reader can act on (`unknown key "x"`, the key a propertyNames rule refused) and without ajv's echoes.
 * A format whose schema encodes something ajv cannot name (a union as an object with exactly one key)
 * passes a `describe` hook for those errors.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { FormatError, type ErrorLocation } from '../ir/errors.js';

/** How many schema errors a message lists before "and N more". */
const MAX_LISTED = 5;

/** A file name, or a location such as {file: archive, path: entry} for JSON inside an archive. */
export type JsonWhere = string | ErrorLocation;

/** Words for one schema error, or undefined to use the generic ones. `e.data` is the offending value. */
export type DescribeSchemaError = (e: ErrorObject) => string | undefined;

export interface SchemaCheck {
  /** Check against `$defs/<def>` of the schema (which then needs an `$id`) rather than the whole schema. */
  def?: string;
  describe?: DescribeSchemaError;
}

/** Per schema object, per definition ('' for the whole schema). */
const compiled = new WeakMap<object, Map<string, ValidateFunction>>();
let ajv: Ajv2020 | undefined;

function validatorFor(schema: object, def = ''): ValidateFunction {
  let bySchema = compiled.get(schema);
  if (bySchema === undefined) compiled.set(schema, (bySchema = new Map()));
  let v = bySchema.get(def);
  if (v === undefined) {
    // allErrors: report several problems at once (the message keeps the first few); verbose: errors carry
    // the offending value, for describe hooks.
    ajv ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    if (def === '') {
      v = ajv.compile(schema);
    } else {
      const id = (schema as { $id?: unknown }).$id;
      if (typeof id !== 'string') throw new Error(`json-schema: checking $defs/${def} needs a schema with an $id`);
      if (ajv.getSchema(id) === undefined) ajv.addSchema(schema);
      v = ajv.compile({ $ref: `${id}#/$defs/${def}` });
    }
    bySchema.set(def, v);
  }
  return v;
}

const location = (where: JsonWhere): ErrorLocation => (typeof where === 'string' ? { file: where } : where);

/** UTF-8 bytes -> JSON; bad UTF-8 or bad JSON is a FormatError naming `where`. */
export function parseJson(bytes: Uint8Array | string, where: JsonWhere): unknown {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new FormatError('is not valid UTF-8', location(where), { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FormatError(`is not valid JSON: ${(e as Error).message}`, location(where), { cause: e });
  }
}

/** Checks `data` against `schema` (compiled on first use) and returns it typed, or throws a FormatError. */
export function validateJson<T>(schema: object, data: unknown, where: JsonWhere, what: string, check: SchemaCheck = {}): T {
  const v = validatorFor(schema, check.def);
  if (v(data)) return data as T;
  const lines = new Set<string>();
  for (const e of v.errors ?? []) {
    if (worthListing(e)) lines.add(`${jsonPath(e)}: ${check.describe?.(e) ?? describeError(e)}`);
  }
  const all = [...lines];
  const shown = all.slice(0, MAX_LISTED).map((l) => `  ${l}`);
  if (all.length > MAX_LISTED) shown.push(`  ... and ${all.length - MAX_LISTED} more`);
  throw new FormatError(`is not ${what}:\n${shown.join('\n')}`, location(where));
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

function describeError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown key ${JSON.stringify(e.params.additionalProperty)}`;
  return e.message ?? e.keyword;
}

/**
 * `/a/b/3/c` -> `$.a.b[3].c`; keys that are not identifiers are quoted (`$.config["fc1.weight"]`). A
 * propertyNames error points at the object; the path names the offending key too.
 */
export function jsonPath(e: Pick<ErrorObject, 'instancePath'> & Partial<Pick<ErrorObject, 'keyword' | 'params'>>): string {
  let out = '$';
  for (const raw of e.instancePath.split('/').slice(1)) out += pathSegment(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'propertyNames' && typeof e.params?.propertyName === 'string') out += pathSegment(e.params.propertyName);
  return out;
}

function pathSegment(seg: string): string {
  return /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
}
