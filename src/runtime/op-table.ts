/**
 * What the engine knows of ONNX op schemas, from generated/op-table.json (scripts/gen-runtime-op-table.mjs
 * derives it from the IR's schema JSON): per (domain, op, sinceVersion) the attributes, the formal inputs
 * and outputs by name and option, and the static function bodies. The IR's registry (src/ir/ops/registry.ts)
 * has the full schemas; the runtime reads this table instead so that the browser bundle does not carry
 * type constraints and the rest (~580 KiB). op-table.test.ts checks it against the registry, entry by entry.
 * Browser-safe.
 */
import { AttributeType, type AttributeSchema, type FormalParameterOption } from '../ir/ops/schema.js';
import { convertDefault, normalizeDomain } from '../ir/ops/schema-json.js';
import raw from './generated/op-table.json' with { type: 'json' };

export interface RuntimeParam {
  readonly name: string;
  readonly option: FormalParameterOption;
}

/** One body of a schema: ONNX keeps one per opset it was written against. */
export interface RuntimeFunctionBody {
  /** The ai.onnx opset the body is written for. */
  readonly opset: number;
  readonly opsetImports: Readonly<Record<string, number>>;
  /** The FunctionProto, base64-encoded. */
  readonly functionProto: string;
}

/** The engine's view of one OpSchema version (field names and meanings as OpSchema's). */
export interface RuntimeSchema {
  readonly domain: string;
  readonly name: string;
  readonly sinceVersion: number;
  readonly inputs: readonly RuntimeParam[];
  readonly outputs: readonly RuntimeParam[];
  readonly attributes: readonly AttributeSchema[];
  readonly hasFunction: boolean;
  /** Ascending by opset; empty unless hasFunction. */
  readonly functionBodies: readonly RuntimeFunctionBody[];
}

type RawAttr = [name: string, type: string, flags: number, dflt?: unknown];
type RawVersion = [since: number, attrs: RawAttr[], inputs: string[], outputs: string[], bodies?: [number, Record<string, number>, string][]];

const rawOps = (raw as unknown as { ops: Record<string, RawVersion[]> }).ops;
const converted = new Map<string, readonly RuntimeSchema[]>();

/** Built as the IR's registry builds AttributeSchema (same fields, same order), so the two compare equal. */
function convertAttr([name, typeName, flags, dflt]: RawAttr): AttributeSchema {
  const type = AttributeType[typeName as keyof typeof AttributeType];
  const out: { -readonly [K in keyof AttributeSchema]: AttributeSchema[K] } = { name, type, required: (flags & 1) !== 0 };
  if (dflt !== undefined) out.default = convertDefault(type, dflt);
  if (flags & 2) out.defaultOmitted = true;
  return out;
}

function convertParam(p: string): RuntimeParam {
  const last = p.at(-1);
  if (last === '?') return { name: p.slice(0, -1), option: 'optional' };
  if (last === '*') return { name: p.slice(0, -1), option: 'variadic' };
  return { name: p, option: 'single' };
}

/** Every version of an op, ascending by sinceVersion, converted on first use; empty when unknown. */
function versionsOf(domain: string, opType: string): readonly RuntimeSchema[] {
  const key = `${normalizeDomain(domain)}::${opType}`;
  let versions = converted.get(key);
  if (versions === undefined) {
    versions = (Object.hasOwn(rawOps, key) ? rawOps[key]! : []).map(([since, attrs, inputs, outputs, bodies]) => ({
      domain: normalizeDomain(domain),
      name: opType,
      sinceVersion: since,
      inputs: inputs.map(convertParam),
      outputs: outputs.map(convertParam),
      attributes: attrs.map(convertAttr),
      hasFunction: bodies !== undefined,
      functionBodies: (bodies ?? []).map(([opset, opsetImports, functionProto]) => ({ opset, opsetImports, functionProto })),
    }));
    converted.set(key, versions);
  }
  return versions;
}

/** The schema in force at `opsetVersion`: the newest version whose sinceVersion <= opsetVersion (as getSchema). */
export function runtimeSchema(domain: string, opType: string, opsetVersion: number): RuntimeSchema | undefined {
  const versions = versionsOf(domain, opType);
  for (let i = versions.length - 1; i >= 0; i--) {
    const s = versions[i]!;
    if (s.sinceVersion <= opsetVersion) return s;
  }
  return undefined;
}

/**
 * The body to use at `opset`: the newest written for an opset <= `opset`, else the oldest (the caller
 * checks that the ops it uses mean the same at `opset`). As functionBodyFor of src/ir/ops/function-bodies.ts.
 */
export function runtimeFunctionBody(schema: RuntimeSchema, opset: number): RuntimeFunctionBody | undefined {
  const all = schema.functionBodies;
  return [...all].reverse().find((b) => b.opset <= opset) ?? all[0];
}
