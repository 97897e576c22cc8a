import { checkModel } from '../ir/check/check-model.js';
import type { BridgeError } from '../ir/errors.js';
import { inferShapes } from '../ir/infer/infer-shapes.js';
import type { Model } from '../ir/model.js';

export interface ValidationIssue {
  kind: 'check' | 'shape';
  message: string;
  node?: string;
  op?: string;
}

export interface ValidationReport {
  ok: boolean;
  errors: ValidationIssue[];
  shapes: {
    nodes: number;
    /** Node outputs with every dim known (a number or a symbol). */
    complete: number;
    partial: number;
    unknown: number;
    /** Ops we have no shape rule for yet, with counts. */
    missingRules: Record<string, number>;
  };
}

/**
 * Runs shape inference (writing the inferred types onto the model) and then the checker, so that type
 * constraints are checked against inferred types too. `ok` is false when either found a problem.
 */
export function validate(model: Model): ValidationReport {
  const inferred = inferShapes(model);
  const checked = checkModel(model);
  const errors = [...checked.errors.map((e) => issue('check', e)), ...inferred.errors.map((e) => issue('shape', e))];
  return {
    ok: errors.length === 0,
    errors,
    shapes: {
      nodes: inferred.nodes,
      complete: inferred.complete,
      partial: inferred.partial,
      unknown: inferred.unknown,
      missingRules: Object.fromEntries(inferred.missingRules),
    },
  };
}

function issue(kind: ValidationIssue['kind'], e: BridgeError): ValidationIssue {
  return {
    kind,
    message: e.detail,
    ...(e.node !== undefined ? { node: e.node } : {}),
    ...(e.op !== undefined ? { op: e.op } : {}),
  };
}
