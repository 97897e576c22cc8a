import { BridgeError, PassError } from '../../ir/errors.js';
import type { Model } from '../../ir/model.js';
import { verifyModel } from '../../ir/verify.js';
import type { Pass, PassResult } from './pass.js';

export interface PassManagerOptions {
  /** Most rounds over the pass list (default 16). */
  maxSteps?: number;
  /**
   * Run `verifyModel` after every pass. Defaults to on under vitest or with ONNXBRIDGE_VERIFY_PASSES=1,
   * off otherwise (it is linear, but it is work a release run need not do).
   */
  verify?: boolean;
}

export interface PassManagerResult extends PassResult {
  /** Rounds run, the last one included. */
  readonly steps: number;
  /** True when the last round changed nothing; false when the step cap stopped it first. */
  readonly converged: boolean;
  /** Every pass run, in order, with whether it changed the model. */
  readonly log: readonly { readonly pass: string; readonly modified: boolean }[];
}

/**
 * Runs a list of passes round after round until a whole round changes nothing (a fixpoint), or until
 * `maxSteps` rounds have run. Any exception a pass throws, or an IR invariant it breaks (when verifying),
 * comes out as a PassError naming the pass and the passes that ran before it.
 */
export class PassManager {
  readonly passes: readonly Pass[];
  readonly maxSteps: number;
  readonly verify: boolean;

  constructor(passes: readonly Pass[], options: PassManagerOptions = {}) {
    this.passes = passes;
    this.maxSteps = options.maxSteps ?? 16;
    if (!Number.isInteger(this.maxSteps) || this.maxSteps < 1) throw new RangeError(`maxSteps must be a positive integer, got ${this.maxSteps}`);
    this.verify = options.verify ?? verifyByDefault();
  }

  run(model: Model): PassManagerResult {
    const log: { pass: string; modified: boolean }[] = [];
    let current = model;
    let modified = false;
    for (let step = 1; step <= this.maxSteps; step++) {
      let changed = false;
      for (const pass of this.passes) {
        const result = this.runOne(pass, current, log, step);
        log.push({ pass: pass.name, modified: result.modified });
        current = result.model;
        changed ||= result.modified;
      }
      modified ||= changed;
      if (!changed) return { model: current, modified, steps: step, converged: true, log };
    }
    return { model: current, modified, steps: this.maxSteps, converged: false, log };
  }

  private runOne(pass: Pass, model: Model, log: readonly { pass: string }[], step: number): PassResult {
    let result: PassResult;
    try {
      result = pass.run(model);
    } catch (e) {
      throw passError(pass, log, step, 'failed', e);
    }
    if (this.verify) {
      try {
        verifyModel(result.model);
      } catch (e) {
        throw passError(pass, log, step, 'left the model invalid', e);
      }
    }
    return result;
  }
}

/** `pass "b" failed in round 2, after "a", "b", "a": <cause>`, located where the cause was. */
function passError(pass: Pass, log: readonly { pass: string }[], step: number, what: string, cause: unknown): PassError {
  const before = log.length === 0 ? 'as the first pass' : `after ${log.map((l) => JSON.stringify(l.pass)).join(', ')}`;
  const detail = cause instanceof BridgeError ? cause.detail : cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const where = cause instanceof BridgeError ? { file: cause.file, node: cause.node, op: cause.op } : {};
  return new PassError(`pass ${JSON.stringify(pass.name)} ${what} in round ${step}, ${before}: ${detail}`, where, { cause });
}

function verifyByDefault(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['VITEST'] !== undefined || env?.['ONNXBRIDGE_VERIFY_PASSES'] === '1';
}
