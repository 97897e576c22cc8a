/**
 * The shape-rule table against the schema registry: every op of every known domain has a rule (or an
 * entry with a reason in NO_SHAPE_RULE), every rule names a known op, and no rule crashes when it knows
 * nothing about its inputs (a ShapeError is a clear complaint; a TypeError is a bug in the rule).
 */
import { describe, expect, it } from 'vitest';
import { AttributeType, type Attribute } from '../src/ir/attribute.js';
import { DataType } from '../src/ir/dtype.js';
import { BridgeError, ShapeError } from '../src/ir/errors.js';
import { Graph } from '../src/ir/graph.js';
import { inferSingleNode } from '../src/ir/infer/testing.js';
import { allOps, getSchemaVersions, type OpEntry } from '../src/ir/ops/registry.js';
import '../src/ir/ops/rules.js';
import type { AttributeSchema, OpSchema } from '../src/ir/ops/schema.js';
import { registeredShapeRules } from '../src/ir/ops/shape-rule.js';
import { ArrayTensor } from '../src/ir/tensor.js';
import { tensorType } from '../src/ir/types.js';

/**
 * Ops knowingly left without a shape rule: `domain::Op` ('' domain written as `ai.onnx`) -> why.
 * An op listed here that gains a rule fails the test, so the table cannot go stale.
 */
const NO_SHAPE_RULE: ReadonlyMap<string, string> = new Map<string, string>([]);

function opName(domain: string, opType: string): string {
  return `${domain || 'ai.onnx'}::${opType}`;
}

const ops = allOps();
const rules = registeredShapeRules();
const ruleNames = new Set(rules.map((r) => opName(r.domain, r.opType)));

describe('shape rules cover the schema registry', () => {
  it('knows ops in several domains (sanity)', () => {
    expect(ops.length).toBeGreaterThan(200);
    expect(new Set(ops.map((e) => e.domain)).size).toBeGreaterThanOrEqual(4);
  });

  it('every op of every known domain has a shape rule or an exclusion with a reason', () => {
    const missing = ops.map((e) => opName(e.domain, e.opType)).filter((n) => !ruleNames.has(n) && !NO_SHAPE_RULE.has(n));
    expect(missing).toEqual([]);
  });

  it('every exclusion names a known op that still has no rule, with a reason', () => {
    const known = new Set(ops.map((e) => opName(e.domain, e.opType)));
    for (const [name, reason] of NO_SHAPE_RULE) {
      expect(known.has(name), `${name} is not in the schema registry`).toBe(true);
      expect(ruleNames.has(name), `${name} has a rule now; remove it from NO_SHAPE_RULE`).toBe(false);
      expect(reason.trim().length, `${name} needs a reason`).toBeGreaterThan(0);
    }
  });

  it('every registered rule names an op the schema registry knows', () => {
    const unknown = rules.filter((r) => getSchemaVersions(r.domain, r.opType).length === 0).map((r) => opName(r.domain, r.opType));
    expect(unknown).toEqual([]);
  });
});

/** A value of the attribute's type, for required attributes (ints 1, floats 1.0, strings '', empty graphs). */
function placeholder(a: AttributeSchema): Attribute {
  const { name } = a;
  switch (a.type) {
    case AttributeType.FLOAT:
      return { name, type: a.type, value: 1.0 };
    case AttributeType.INT:
      return { name, type: a.type, value: 1 };
    case AttributeType.STRING:
      return { name, type: a.type, value: '' };
    case AttributeType.TENSOR:
      return { name, type: a.type, value: new ArrayTensor(DataType.FLOAT, [], new Float32Array([1])) };
    case AttributeType.GRAPH:
      return { name, type: a.type, value: new Graph(name) };
    case AttributeType.FLOATS:
      return { name, type: a.type, value: [1.0] };
    case AttributeType.INTS:
      return { name, type: a.type, value: [1] };
    case AttributeType.STRINGS:
      return { name, type: a.type, value: [''] };
    case AttributeType.TENSORS:
      return { name, type: a.type, value: [new ArrayTensor(DataType.FLOAT, [], new Float32Array([1]))] };
    case AttributeType.GRAPHS:
      return { name, type: a.type, value: [new Graph(name)] };
    case AttributeType.TYPE_PROTO:
      return { name, type: a.type, value: tensorType(DataType.FLOAT) };
    case AttributeType.TYPE_PROTOS:
      return { name, type: a.type, value: [tensorType(DataType.FLOAT)] };
    default:
      throw new Error(`no placeholder for required attribute ${name} of type ${AttributeType[a.type]}`);
  }
}

/**
 * Runs the rule of one schema version on a node whose inputs (minInput of them) have no known type and
 * whose required attributes hold placeholders. Returns why it crashed, or undefined when it either
 * inferred something or failed with a ShapeError of its own.
 *
 * The inference engine turns any non-BridgeError a rule throws into a ShapeError whose message starts
 * with "shape rule failed unexpectedly" (src/ir/infer/infer-shapes.ts, asShapeError); that prefix is
 * how an internal exception (TypeError, RangeError, ...) is told apart from a deliberate ShapeError.
 */
function crashOf(entry: OpEntry, schema: OpSchema): string | undefined {
  try {
    inferSingleNode({
      opType: entry.opType,
      domain: entry.domain,
      opset: schema.sinceVersion,
      inputs: Array.from({ length: schema.minInput }, () => ({})),
      attributes: schema.attributes.filter((a) => a.required).map(placeholder),
      outputCount: Math.max(1, schema.minOutput),
    });
    return undefined;
  } catch (e) {
    if (e instanceof ShapeError && !e.detail.startsWith('shape rule failed unexpectedly')) return undefined;
    const kind = e instanceof BridgeError ? e.name : e instanceof Error ? e.constructor.name : typeof e;
    return `v${schema.sinceVersion}: ${kind}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

describe('shape rule survives a node with no known input types (internal exceptions only; ShapeError is fine)', () => {
  const withRule = ops.filter((e) => ruleNames.has(opName(e.domain, e.opType)));
  it.each(withRule.map((e) => [opName(e.domain, e.opType), e] as const))('%s: no internal exception at any version', (_name, entry) => {
    const crashes = entry.versions.map((s) => crashOf(entry, s)).filter((c): c is string => c !== undefined);
    expect(crashes).toEqual([]);
  });
});
