/**
 * The table of shape/type inference rules: (domain, opType) -> one rule. A rule covers every version of
 * its op and branches on `ctx.schema.sinceVersion` where versions differ, so each op is registered in
 * exactly one place (its family file, e.g. src/ir/ops/elementwise.ts).
 */
import type { InferContext } from './infer-context.js';
import { getSchemaVersions, isKnownDomain, normalizeDomain } from './registry.js';

export type ShapeRule = (ctx: InferContext) => void;

const rules = new Map<string, ShapeRule>();

function key(domain: string, opType: string): string {
  return `${normalizeDomain(domain)}::${opType}`;
}

/**
 * Registers the rules of one op family. Throws on a second registration of the same op (an op registered
 * in two places is a bug, not an override) and on an op unknown to a domain the schema registry knows
 * (a typo would otherwise leave the real op without a rule, silently).
 */
export function registerShapeRules(table: Record<string, ShapeRule>, domain = ''): void {
  for (const [opType, rule] of Object.entries(table)) {
    const k = key(domain, opType);
    if (rules.has(k)) throw new Error(`shape rule for ${domain || 'ai.onnx'}::${opType} registered twice`);
    if (isKnownDomain(domain) && getSchemaVersions(domain, opType).length === 0) {
      throw new Error(`shape rule for unknown op ${domain || 'ai.onnx'}::${opType}`);
    }
    rules.set(k, rule);
  }
}

export function getShapeRule(domain: string, opType: string): ShapeRule | undefined {
  return rules.get(key(domain, opType));
}

/** Every registered (domain, opType), for completeness tests and the generated op-support page. */
export function registeredShapeRules(): { domain: string; opType: string }[] {
  return [...rules.keys()].map((k) => {
    const at = k.indexOf('::');
    return { domain: k.slice(0, at), opType: k.slice(at + 2) };
  });
}
