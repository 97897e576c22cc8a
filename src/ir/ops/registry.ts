/**
 * The op schema registry: (domain, opType) -> every version of its schema, from generated/schemas.json.
 * The JSON is turned into OpSchema objects once, on first use, so importing the IR stays cheap.
 */
import raw from './generated/schemas.json' with { type: 'json' };
import { convertDefault, normalizeDomain } from './schema-json.js';
import {
  AttributeType,
  type AttributeSchema,
  type FormalParameter,
  type FormalParameterOption,
  type OpSchema,
} from './schema.js';

/** The JSON's snake_case shape, as scripts/gen-op-schemas.py writes it. */
interface RawParam {
  name: string;
  type_str: string;
  option: string;
  is_homogeneous: boolean;
  min_arity: number;
}
interface RawAttr {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  default_omitted?: boolean;
}
interface RawSchema {
  domain: string;
  name: string;
  since_version: number;
  deprecated: boolean;
  inputs: RawParam[];
  outputs: RawParam[];
  attributes: RawAttr[];
  type_constraints: { type_param_str: string; allowed_type_strs: string[] }[];
  min_input: number;
  max_input: number;
  min_output: number;
  max_output: number;
  has_function: boolean;
  has_context_dependent_function: boolean;
}
interface RawFile {
  onnx_version: string;
  opset_versions: Record<string, [number, number]>;
  schemas: RawSchema[];
}

export interface OpEntry {
  readonly domain: string;
  readonly opType: string;
  /** Ascending by sinceVersion. */
  readonly versions: readonly OpSchema[];
}

interface Tables {
  byDomain: Map<string, Map<string, OpEntry>>;
  opsets: Map<string, number>;
  /** Per schema, the allowed type strings of each formal input/output (resolved through its constraints). */
  allowed: WeakMap<OpSchema, { inputs: ReadonlySet<string>[]; outputs: ReadonlySet<string>[] }>;
}

/** The ONNX version the schemas were generated from. */
export const SCHEMA_ONNX_VERSION: string = (raw as unknown as RawFile).onnx_version;

function convertAttr(a: RawAttr): AttributeSchema {
  const type = AttributeType[a.type as keyof typeof AttributeType];
  if (type === undefined) throw new Error(`schemas.json: unknown attribute type ${a.type} for ${a.name}`);
  const out: { -readonly [K in keyof AttributeSchema]: AttributeSchema[K] } = { name: a.name, type, required: a.required };
  if (a.default !== undefined) out.default = convertDefault(type, a.default);
  if (a.default_omitted) out.defaultOmitted = true;
  return out;
}

function convertParam(p: RawParam): FormalParameter {
  return {
    name: p.name,
    typeStr: p.type_str,
    option: p.option as FormalParameterOption,
    isHomogeneous: p.is_homogeneous,
    minArity: p.min_arity,
  };
}

function convertSchema(r: RawSchema): OpSchema {
  return {
    domain: r.domain,
    name: r.name,
    sinceVersion: r.since_version,
    deprecated: r.deprecated,
    inputs: r.inputs.map(convertParam),
    outputs: r.outputs.map(convertParam),
    attributes: r.attributes.map(convertAttr),
    typeConstraints: r.type_constraints.map((c) => ({
      typeParamStr: c.type_param_str,
      allowedTypeStrs: c.allowed_type_strs,
    })),
    minInput: r.min_input,
    maxInput: r.max_input,
    minOutput: r.min_output,
    maxOutput: r.max_output,
    hasFunction: r.has_function,
    hasContextDependentFunction: r.has_context_dependent_function,
  };
}

/**
 * A formal parameter's type string is either a type parameter (resolved through the constraint of that
 * name) or a concrete type; the generator asserts this rule against onnx's own resolution for every schema.
 * Parameters naming the same constraint share one Set.
 */
function resolveAllowed(s: OpSchema): { inputs: ReadonlySet<string>[]; outputs: ReadonlySet<string>[] } {
  const byParam = new Map(s.typeConstraints.map((c) => [c.typeParamStr, new Set(c.allowedTypeStrs)]));
  const resolve = (p: FormalParameter): ReadonlySet<string> => byParam.get(p.typeStr) ?? new Set([p.typeStr]);
  return { inputs: s.inputs.map(resolve), outputs: s.outputs.map(resolve) };
}

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  const file = raw as unknown as RawFile;
  const byDomain = new Map<string, Map<string, OpEntry>>();
  const allowed: Tables['allowed'] = new WeakMap();
  const opsets = new Map(Object.entries(file.opset_versions).map(([d, [, max]]) => [normalizeDomain(d), max]));
  for (const d of opsets.keys()) byDomain.set(d, new Map());
  // The JSON is sorted by (domain, name, since_version), so pushing keeps versions ascending.
  for (const r of file.schemas) {
    const schema = convertSchema(r);
    allowed.set(schema, resolveAllowed(schema));
    const domain = normalizeDomain(schema.domain);
    let ops = byDomain.get(domain);
    if (!ops) byDomain.set(domain, (ops = new Map()));
    let entry = ops.get(schema.name);
    if (!entry) ops.set(schema.name, (entry = { domain, opType: schema.name, versions: [] }));
    (entry.versions as OpSchema[]).push(schema);
  }
  return (tables = { byDomain, opsets, allowed });
}

/** The schema in force at `opsetVersion`: the newest version whose sinceVersion <= opsetVersion. */
export function getSchema(domain: string, opType: string, opsetVersion: number): OpSchema | undefined {
  const versions = getSchemaVersions(domain, opType);
  for (let i = versions.length - 1; i >= 0; i--) {
    const s = versions[i]!;
    if (s.sinceVersion <= opsetVersion) return s;
  }
  return undefined;
}

/** Every version of an op, ascending by sinceVersion; empty when the op is unknown. */
export function getSchemaVersions(domain: string, opType: string): readonly OpSchema[] {
  return load().byDomain.get(normalizeDomain(domain))?.get(opType)?.versions ?? [];
}

/** The ops of one domain, or of every domain, sorted by domain then op name. */
export function allOps(domain?: string): readonly OpEntry[] {
  const { byDomain } = load();
  const domains = domain === undefined ? [...byDomain.keys()].sort() : [normalizeDomain(domain)];
  return domains.flatMap((d) =>
    [...(byDomain.get(d)?.values() ?? [])].sort((a, b) => (a.opType < b.opType ? -1 : a.opType > b.opType ? 1 : 0)),
  );
}

/** The highest opset version of a domain that onnx knows (27 for ai.onnx in 1.22.0); undefined if unknown. */
export function latestOpset(domain: string): number | undefined {
  return load().opsets.get(normalizeDomain(domain));
}

export function isKnownDomain(domain: string): boolean {
  return load().opsets.has(normalizeDomain(domain));
}

/**
 * The formal parameter that actual input/output `index` binds to: a trailing variadic parameter takes
 * every index past its position. Undefined when the index is beyond the schema's parameters.
 */
export function formalIndex(schema: OpSchema, kind: 'input' | 'output', index: number): number | undefined {
  const params = kind === 'input' ? schema.inputs : schema.outputs;
  if (index < 0) return undefined;
  if (index < params.length) return index;
  const last = params.length - 1;
  return last >= 0 && params[last]!.option === 'variadic' ? last : undefined;
}

/** The type strings actual input/output `index` may have, e.g. {'tensor(float)', 'tensor(double)'}. */
export function allowedTypes(schema: OpSchema, kind: 'input' | 'output', index: number): ReadonlySet<string> | undefined {
  const f = formalIndex(schema, kind, index);
  if (f === undefined) return undefined;
  const sets = load().allowed.get(schema) ?? resolveAllowed(schema);
  return (kind === 'input' ? sets.inputs : sets.outputs)[f];
}

export { normalizeDomain };
