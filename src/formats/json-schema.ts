/**
 * JSON read from files (program JSON, manifests, fixture metadata, reports) is validated against a JSON
 * Schema with ajv before any code trusts its shape. Each schema is compiled once; a failure becomes one
 * FormatError naming the file or entry and the first few JSON paths with what is wrong there.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { FormatError } from '../ir/errors.js';

const MAX_LISTED = 5;
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv2020 | undefined;

function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (v === undefined) {
    ajv ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** UTF-8 bytes -> JSON; bad UTF-8 or bad JSON is a FormatError naming `where`. */
export function parseJson(bytes: Uint8Array | string, where: string): unknown {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new FormatError('is not valid UTF-8', { file: where }, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FormatError(`is not valid JSON: ${(e as Error).message}`, { file: where }, { cause: e });
  }
}

/** Checks `data` against `schema` (compiled on first use) and returns it typed, or throws a FormatError. */
export function validateJson<T>(schema: object, data: unknown, where: string, what: string): T {
  const v = validatorFor(schema);
  if (v(data)) return data as T;
  const lines = [...new Set((v.errors ?? []).map((e) => `${jsonPath(e)}: ${e.message ?? e.keyword}`))];
  const shown = lines.slice(0, MAX_LISTED).map((l) => `  ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`  ... and ${lines.length - MAX_LISTED} more`);
  throw new FormatError(`is not ${what}:\n${shown.join('\n')}`, { file: where });
}

/** `/a/b/3/c` -> `$.a.b[3].c`. */
export function jsonPath(e: Pick<ErrorObject, 'instancePath'>): string {
  let out = '$';
  for (const raw of e.instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}
