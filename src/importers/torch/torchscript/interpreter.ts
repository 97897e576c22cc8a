/**
 * Runs a TorchScript method symbolically: every op call appends a source node, every submodule call
 * inlines the callee's method with `self` bound to the submodule object, and everything Python-level
 * (literals, tuples, loop counters, `if` on constants) is folded on the way. Traced code is
 * straight-line; `if`, `while` and `for` run only when their condition or range is known at import time
 * (a constant), and are refused otherwise: the graph has no control flow ops to put them in.
 */
import { formatExpr, type Expr, type FunctionDef, type Loc, type Stmt } from '../../../formats/torch/torchscript/index.js';
import type { Value } from '../../../ir/value.js';
import { evaluate, binaryOp } from './expressions.js';
import type { ImportContext } from './import-context.js';
import type { ModuleVal } from './module-attrs.js';
import { describe, graphValue, int, NONE, truthy, type PyVal } from './py-values.js';

export interface Frame {
  vars: Map<string, PyVal>;
  /** The module path of the method being run ('' for the root), which prefixes node and value names. */
  scope: string;
}

type Flow = { kind: 'normal' } | { kind: 'break' } | { kind: 'continue' } | { kind: 'return'; value: PyVal };

const NORMAL: Flow = { kind: 'normal' };
/** Inlined calls nest at most this deep: TorchScript forbids recursion, so more means a cycle. */
const MAX_DEPTH = 200;
/** Iterations of one constant loop we unroll before refusing (a loop that long is not a model's). */
const MAX_ITERATIONS = 100_000;

export class Interpreter {
  constructor(readonly ctx: ImportContext) {}

  /** Calls `def` with `self` (methods) and the arguments bound to its parameters; returns its result. */
  invoke(def: FunctionDef, self: ModuleVal | undefined, args: readonly PyVal[], kwargs: ReadonlyMap<string, PyVal>, scope: string, loc: Loc): PyVal {
    const ctx = this.ctx;
    if (ctx.depth >= MAX_DEPTH) throw ctx.fail(`calls nest more than ${MAX_DEPTH} deep (at ${def.name}): recursive code`, loc);
    ctx.depth++;
    try {
      const frame: Frame = { vars: new Map(), scope };
      const params = self === undefined ? def.params : def.params.slice(1);
      if (self !== undefined) frame.vars.set(def.params[0]?.name ?? 'self', self);
      if (args.length > params.length) throw ctx.fail(`${def.name}() takes ${params.length} arguments, got ${args.length}`, loc);
      for (const name of kwargs.keys()) {
        if (!params.some((p) => p.name === name)) throw ctx.fail(`${def.name}() has no parameter ${JSON.stringify(name)}`, loc);
      }
      params.forEach((p, i) => {
        const given = i < args.length ? args[i] : kwargs.get(p.name);
        if (given !== undefined) frame.vars.set(p.name, given);
        else if (p.default !== undefined) frame.vars.set(p.name, this.eval(p.default, { vars: new Map(), scope }));
        else throw ctx.fail(`${def.name}() is missing the argument ${JSON.stringify(p.name)}`, loc);
      });
      const flow = this.block(def.body, frame);
      return flow.kind === 'return' ? flow.value : NONE;
    } finally {
      ctx.depth--;
    }
  }

  eval(e: Expr, frame: Frame, outputs?: readonly string[]): PyVal {
    return evaluate(this, e, frame, outputs);
  }

  private block(stmts: readonly Stmt[], frame: Frame): Flow {
    for (const s of stmts) {
      const flow = this.stmt(s, frame);
      if (flow.kind !== 'normal') return flow;
    }
    return NORMAL;
  }

  private stmt(s: Stmt, frame: Frame): Flow {
    const ctx = this.ctx;
    switch (s.kind) {
      case 'assign': {
        // `a, b = torch.topk(...)`: the call gets one output per target (Note [op outputs and unpacking]).
        const only = s.targets.length === 1 ? s.targets[0] : undefined;
        const value = this.eval(s.value, frame, only === undefined ? undefined : targetNames(only));
        for (const t of s.targets) this.assign(t, value, frame, s.loc);
        return NORMAL;
      }
      case 'annassign':
        if (s.value !== undefined) this.assign(s.target, this.eval(s.value, frame, targetNames(s.target)), frame, s.loc);
        return NORMAL;
      case 'augassign': {
        if (s.target.kind !== 'name') throw ctx.refuse(`the augmented assignment to ${formatExpr(s.target)}`, s.loc);
        const cur = this.eval(s.target, frame);
        frame.vars.set(s.target.id, binaryOp(this, s.op, cur, this.eval(s.value, frame), frame, s.loc));
        return NORMAL;
      }
      case 'expr':
        this.eval(s.value, frame);
        return NORMAL;
      case 'return':
        return { kind: 'return', value: s.value === undefined ? NONE : this.eval(s.value, frame) };
      case 'if': {
        const test = truthy(this.eval(s.test, frame));
        if (test === undefined) throw ctx.refuse(`prim::If (the condition ${formatExpr(s.test)} is computed from the inputs)`, s.loc);
        return this.block(test ? s.body : s.orelse, frame);
      }
      case 'for':
        return this.forLoop(s, frame);
      case 'while':
        for (let n = 0; ; n++) {
          const test = truthy(this.eval(s.test, frame));
          if (test === undefined) throw ctx.refuse(`prim::Loop (the condition ${formatExpr(s.test)} is computed from the inputs)`, s.loc);
          if (!test) return NORMAL;
          if (n >= MAX_ITERATIONS) throw ctx.refuse(`prim::Loop (more than ${MAX_ITERATIONS} iterations)`, s.loc);
          const flow = this.block(s.body, frame);
          if (flow.kind === 'break') return NORMAL;
          if (flow.kind === 'return') return flow;
        }
      case 'pass':
        return NORMAL;
      case 'break':
        return { kind: 'break' };
      case 'continue':
        return { kind: 'continue' };
      case 'assert': {
        // An assert on a run-time value checks nothing the graph could act on; one on a constant must hold.
        if (truthy(this.eval(s.test, frame)) === false) throw ctx.refuse(`prim::RaiseException (assert ${formatExpr(s.test)} fails on every input)`, s.loc);
        return NORMAL;
      }
      case 'raise':
        throw ctx.refuse(`prim::RaiseException (the code raises ${s.exc === undefined ? '' : formatExpr(s.exc)} on every input)`, s.loc);
      case 'del':
        for (const t of s.targets) {
          if (t.kind !== 'name') throw ctx.refuse(`del ${formatExpr(t)}`, s.loc);
          frame.vars.delete(t.id);
        }
        return NORMAL;
      default:
        throw ctx.refuse(`a '${s.kind}' statement inside a method`, s.loc);
    }
  }

  private forLoop(s: Extract<Stmt, { kind: 'for' }>, frame: Frame): Flow {
    const ctx = this.ctx;
    const items = this.loopItems(s.iter, frame, s.loc);
    if (items === undefined) throw ctx.refuse(`prim::Loop (the range ${formatExpr(s.iter)} is computed from the inputs)`, s.loc);
    for (const item of items) {
      this.assign(s.target, item, frame, s.loc);
      const flow = this.block(s.body, frame);
      if (flow.kind === 'break') break;
      if (flow.kind === 'return') return flow;
    }
    return NORMAL;
  }

  /** The values a constant loop runs over: `range(<ints>)`, or the items of a tuple or list. */
  private loopItems(iter: Expr, frame: Frame, loc: Loc): PyVal[] | undefined {
    if (iter.kind === 'call' && iter.func.kind === 'name' && iter.func.id === 'range' && !frame.vars.has('range')) {
      const bounds = iter.args.map((a) => this.eval(a, frame));
      if (!bounds.every((b) => b.kind === 'int') || bounds.length < 1 || bounds.length > 3) return undefined;
      const [a, b, c] = bounds.map((b) => Number((b as { value: number | bigint }).value));
      const [start, stop, step] = bounds.length === 1 ? [0, a!, 1] : [a!, b!, c ?? 1];
      if (step === 0) throw this.ctx.fail('range() step must not be zero', loc);
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_ITERATIONS) throw this.ctx.refuse(`prim::Loop (more than ${MAX_ITERATIONS} iterations)`, loc);
      return Array.from({ length: count }, (_, k) => int(start + k * step));
    }
    const v = this.eval(iter, frame);
    if (v.kind === 'list' || v.kind === 'tuple') return [...v.items];
    if (v.kind === 'dict') return [...v.keys];
    return undefined;
  }

  /** Binds `value` to a target: a name, or a tuple of targets (unpacking). */
  assign(target: Expr, value: PyVal, frame: Frame, loc: Loc): void {
    const ctx = this.ctx;
    if (target.kind === 'name') {
      frame.vars.set(target.id, value);
      return;
    }
    if (target.kind !== 'tuple' && target.kind !== 'list') throw ctx.refuse(`assignment to ${formatExpr(target)}`, loc);
    const n = target.elts.length;
    let items: PyVal[];
    if (value.kind === 'tuple' || value.kind === 'list') {
      if (value.items.length !== n) throw ctx.fail(`cannot unpack ${describe(value)} into ${n} targets`, loc);
      items = value.items;
    } else if (value.kind === 'value') {
      items = ctx.unpack(value, targetNames(target) ?? [], frame.scope, loc).map((v: Value) => graphValue(v));
    } else {
      throw ctx.fail(`cannot unpack ${describe(value)}`, loc);
    }
    target.elts.forEach((t, i) => this.assign(t, items[i]!, frame, loc));
  }
}

/** Names for the outputs of a call assigned to `target`: one per element of a tuple target. */
function targetNames(target: Expr): string[] | undefined {
  if (target.kind === 'name') return [target.id];
  if (target.kind === 'tuple' || target.kind === 'list') return target.elts.map((e) => (e.kind === 'name' ? e.id : 'item'));
  return undefined;
}
