import { AttributeType, isRefAttribute } from '../attribute.js';
import { DataType } from '../dtype.js';
import { CheckError } from '../errors.js';
import { opsetVersion, type Model, type OpsetImports } from '../model.js';
import type { Node } from '../node.js';
import { allowedTypes, formalIndex, getSchema, getSchemaVersions, isKnownDomain } from '../ops/registry.js';
import type { OpSchema } from '../ops/schema.js';
import { typeString, type ValueType } from '../types.js';
import type { Value } from '../value.js';

/** Where node checks report to: the model (for local functions), the opsets in force, and a sink. */
export interface NodeCheckScope {
  model: Model;
  opsets: OpsetImports;
  /** Inside a function body, attributes may reference the caller's (`ref_attr_name`). */
  inFunction: boolean;
  report(e: CheckError): void;
}

/** Checks one node against its op's schema at the opset in force: arity, attributes, types. */
export function checkNode(node: Node, scope: NodeCheckScope): void {
  const where = { node: node.name, op: node.opType };
  const fail = (msg: string): void => scope.report(new CheckError(msg, where));
  const fn = scope.model.findFunction(node.domain, node.opType, node.overload);
  if (fn !== undefined) {
    if (node.inputs.length > fn.graph.inputs.length) fail(`takes at most ${fn.graph.inputs.length} inputs (function ${fn.name}), got ${node.inputs.length}`);
    if (node.outputs.length > fn.graph.outputs.length) fail(`has at most ${fn.graph.outputs.length} outputs (function ${fn.name}), got ${node.outputs.length}`);
    return;
  }
  const domainName = node.domain || 'ai.onnx';
  const opset = opsetVersion(scope.opsets, node.domain);
  if (opset === undefined) {
    fail(`domain ${domainName} is not in the model's opset imports`);
    return;
  }
  if (!isKnownDomain(node.domain)) return; // a custom domain: nothing to check against
  const schema = getSchema(node.domain, node.opType, opset);
  if (schema === undefined) {
    const versions = getSchemaVersions(node.domain, node.opType);
    const first = versions[0];
    fail(
      first === undefined
        ? `${node.opType} is not an op of domain ${domainName}`
        : `${node.opType} first appears in ${domainName} opset ${first.sinceVersion}, the model imports opset ${opset}`,
    );
    return;
  }
  if (schema.deprecated) fail(`${node.opType} is deprecated as of ${domainName} opset ${schema.sinceVersion} (the model imports ${opset})`);
  checkArity(node, schema, fail);
  checkAttributes(node, schema, scope.inFunction, fail);
  checkTypes(node, schema, fail);
}

function checkArity(node: Node, s: OpSchema, fail: (m: string) => void): void {
  const nIn = node.inputs.length;
  if (nIn < s.minInput || nIn > s.maxInput) fail(`takes ${range(s.minInput, s.maxInput)} inputs, got ${nIn}`);
  const nOut = node.outputs.length;
  if (nOut < s.minOutput || nOut > s.maxOutput) fail(`has ${range(s.minOutput, s.maxOutput)} outputs, got ${nOut}`);
  node.inputs.forEach((v, i) => {
    const f = formalIndex(s, 'input', i);
    const p = f === undefined ? undefined : s.inputs[f];
    if (v === null && p !== undefined && p.option === 'single') fail(`required input ${i} (${p.name}) is missing`);
  });
}

function range(min: number, max: number): string {
  if (min === max) return `exactly ${min}`;
  return max >= 2147483647 ? `at least ${min}` : `${min} to ${max}`;
}

const ATTR_NAMES = AttributeType as unknown as Record<number, string>;

function checkAttributes(node: Node, s: OpSchema, inFunction: boolean, fail: (m: string) => void): void {
  for (const a of node.attributes.values()) {
    const spec = s.attributes.find((x) => x.name === a.name);
    if (spec === undefined) {
      fail(`has attribute ${a.name}, which ${node.opType} (opset ${s.sinceVersion}) does not define`);
      continue;
    }
    if (isRefAttribute(a)) {
      if (!inFunction) fail(`attribute ${a.name} refers to ${a.ref}, which only a function body may do`);
      continue;
    }
    if (a.type !== spec.type) fail(`attribute ${a.name} must be ${ATTR_NAMES[spec.type]}, got ${ATTR_NAMES[a.type] ?? a.type}`);
  }
  for (const spec of s.attributes) {
    if (spec.required && !node.attributes.has(spec.name)) fail(`required attribute ${spec.name} is missing`);
  }
}

function checkTypes(node: Node, s: OpSchema, fail: (m: string) => void): void {
  const bound = new Map<string, string>();
  const visit = (kind: 'input' | 'output', vs: readonly (Value | null)[]): void => {
    vs.forEach((v, i) => {
      const t = v?.type;
      if (!v || t === undefined || !isDecided(t)) return;
      const ts = typeString(t);
      const allowed = allowedTypes(s, kind, i);
      const f = formalIndex(s, kind, i);
      const p = f === undefined ? undefined : (kind === 'input' ? s.inputs : s.outputs)[f];
      if (allowed !== undefined && allowed.size > 0 && !allowed.has(ts)) {
        fail(`${kind} ${i} (${JSON.stringify(v.name)}) has type ${ts}; ${node.opType} allows ${[...allowed].join(', ')}`);
        return;
      }
      // Parameters that share a type variable must agree (unless a variadic one is heterogeneous).
      if (p === undefined || !s.typeConstraints.some((c) => c.typeParamStr === p.typeStr)) return;
      if (p.option === 'variadic' && !p.isHomogeneous) return;
      const prev = bound.get(p.typeStr);
      if (prev === undefined) bound.set(p.typeStr, ts);
      else if (prev !== ts) fail(`${kind} ${i} (${JSON.stringify(v.name)}) has type ${ts} but ${p.typeStr} is already bound to ${prev}`);
    });
  };
  visit('input', node.inputs);
  visit('output', node.outputs);
}

/** Types whose element type is still undecided are not checked (UNDEFINED from a partial declaration). */
function isDecided(t: ValueType): boolean {
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor':
      return t.dtype !== DataType.UNDEFINED;
    case 'sequence':
    case 'optional':
      return t.elem !== undefined && isDecided(t.elem);
    case 'map':
      return t.value !== undefined && isDecided(t.value);
    case 'opaque':
      return false;
  }
}
