/**
 * Expression evaluation for the TorchScript interpreter: names, literals, displays, attributes,
 * subscripts and operators. Operators fold on literals (fold.ts); on graph values they become ops:
 * ATen's for tensors, `prim::add`-style ops for Python ints computed in the graph (the form the .pt2
 * importer also uses for SymInt arithmetic). Printed TorchScript spells almost all arithmetic as
 * `torch.<op>(...)` calls, so the operator forms matter mostly for hand-written scripted code.
 */
import { dottedName, formatExpr, type BinaryOp, type CompareOp, type Expr, type Loc } from '../../../formats/torch/torchscript/index.js';
import { callExpr } from './calls.js';
import { foldBinary, foldCompare, foldUnary } from './fold.js';
import type { Frame, Interpreter } from './interpreter.js';
import { moduleAttribute } from './module-attrs.js';
import { bool, describe, float, graphValue, int, isLiteral, NONE, truthy, type PyVal } from './py-values.js';

export function evaluate(it: Interpreter, e: Expr, frame: Frame, outputs?: readonly string[]): PyVal {
  const ctx = it.ctx;
  switch (e.kind) {
    case 'name': {
      const v = frame.vars.get(e.id);
      if (v === undefined) throw ctx.fail(`name ${JSON.stringify(e.id)} is not defined here`, e.loc);
      if (v.kind === 'uninitialized') throw ctx.refuse(`a read of ${e.id}, which is only set on a path that raises`, e.loc);
      return v;
    }
    case 'int':
      return int(e.value);
    case 'float':
      return float(e.value);
    case 'string':
      return { kind: 'str', value: e.value };
    case 'bool':
      return bool(e.value);
    case 'none':
      return NONE;
    case 'tuple':
      return { kind: 'tuple', items: e.elts.map((x) => evaluate(it, x, frame)) };
    case 'list':
      return { kind: 'list', items: e.elts.map((x) => evaluate(it, x, frame)) };
    case 'dict':
      return { kind: 'dict', keys: e.keys.map((x) => evaluate(it, x, frame)), values: e.values.map((x) => evaluate(it, x, frame)) };
    case 'attribute':
      return attribute(it, e, frame);
    case 'call':
      return callExpr(it, e, frame, outputs);
    case 'subscript':
      return subscript(it, evaluate(it, e.value, frame), evaluate(it, e.index, frame), frame, e.loc);
    case 'unary': {
      const v = evaluate(it, e.operand, frame);
      if (isLiteral(v)) {
        const r = foldUnary(e.op, v);
        if (r === undefined) throw ctx.fail(`cannot evaluate ${formatExpr(e)}`, e.loc);
        return r;
      }
      if (v.kind === 'value' && e.op === '-') return op(it, 'aten', 'neg', [v], frame, e.loc);
      if (v.kind === 'value' && e.op === '~') return op(it, 'aten', 'bitwise_not', [v], frame, e.loc);
      if (v.kind === 'value' && e.op === '+') return v;
      throw ctx.refuse(`${formatExpr(e)} on ${describe(v)}`, e.loc);
    }
    case 'binary':
      return binaryOp(it, e.op, evaluate(it, e.left, frame), evaluate(it, e.right, frame), frame, e.loc);
    case 'compare': {
      let left = evaluate(it, e.left, frame);
      let result: PyVal = bool(true);
      for (let i = 0; i < e.ops.length; i++) {
        const right = evaluate(it, e.comparators[i]!, frame);
        result = compare(it, e.ops[i]!, left, right, frame, e.loc);
        if (e.ops.length > 1 && truthy(result) !== true) {
          if (truthy(result) === undefined) throw ctx.refuse(`the chained comparison ${formatExpr(e)} on graph values`, e.loc);
          return result;
        }
        left = right;
      }
      return result;
    }
    case 'boolop': {
      // Python returns the deciding operand; that needs each operand's truth at import time.
      let v: PyVal = NONE;
      for (const x of e.values) {
        v = evaluate(it, x, frame);
        const t = truthy(v);
        if (t === undefined) throw ctx.refuse(`'${e.op}' on ${describe(v)} (known only at run time)`, e.loc);
        if (t === (e.op === 'or')) return v;
      }
      return v;
    }
    case 'ifexp': {
      const t = truthy(evaluate(it, e.test, frame));
      if (t === undefined) throw ctx.refuse(`prim::If (the condition ${formatExpr(e.test)} is computed from the inputs)`, e.loc);
      return evaluate(it, t ? e.body : e.orelse, frame);
    }
    default:
      throw ctx.refuse(`the expression ${formatExpr(e)} outside a call that takes it`, e.loc);
  }
}

/** `self.x`, `conv.weight`, `CONSTANTS.c3`. */
function attribute(it: Interpreter, e: Extract<Expr, { kind: 'attribute' }>, frame: Frame): PyVal {
  const ctx = it.ctx;
  const dotted = dottedName(e);
  const head = dotted?.split('.')[0];
  if (dotted !== undefined && head !== undefined && !frame.vars.has(head)) {
    const m = /^CONSTANTS\.c(\d+)$/.exec(dotted);
    if (m !== null) return ctx.constant(Number(m[1]), e.loc);
    throw ctx.fail(`unknown name ${dotted}`, e.loc);
  }
  const base = evaluate(it, e.value, frame);
  if (base.kind === 'module') return moduleAttribute(ctx, base, e.attr, e.loc, (c) => evaluate(it, c, { vars: new Map(), scope: frame.scope }));
  throw ctx.refuse(`the attribute .${e.attr} of ${describe(base)}`, e.loc);
}

function subscript(it: Interpreter, base: PyVal, index: PyVal, frame: Frame, loc: Loc): PyVal {
  const ctx = it.ctx;
  if ((base.kind === 'tuple' || base.kind === 'list') && index.kind === 'int') {
    const n = base.items.length;
    const i = Number(index.value);
    const item = base.items[i < 0 ? i + n : i];
    if (item === undefined) throw ctx.fail(`index ${i} is out of range for ${describe(base)}`, loc);
    return item;
  }
  if (base.kind === 'dict' && isLiteral(index)) {
    const k = base.keys.findIndex((key) => isLiteral(key) && foldCompare('==', key, index) === true);
    if (k < 0) throw ctx.fail(`the dict has no key ${describe(index)}`, loc);
    return base.values[k]!;
  }
  // A list computed in the graph (e.g. `torch.size(x)`) indexed by a constant or a graph int.
  if (base.kind === 'value' && (index.kind === 'int' || index.kind === 'value')) return op(it, 'aten', '__getitem__', [base, index], frame, loc);
  throw ctx.refuse(`indexing ${describe(base)} with ${describe(index)}`, loc);
}

const TENSOR_BINARY: Partial<Record<BinaryOp, string>> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floor_divide', '%': 'remainder', '**': 'pow', '@': 'matmul',
  '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor', '<<': '__lshift__', '>>': '__rshift__',
};
const SCALAR_BINARY: Partial<Record<BinaryOp, string>> = { '+': 'add', '-': 'sub', '*': 'mul', '//': 'floordiv' };

export function binaryOp(it: Interpreter, opName: BinaryOp, a: PyVal, b: PyVal, frame: Frame, loc: Loc): PyVal {
  const ctx = it.ctx;
  if (isLiteral(a) && isLiteral(b)) {
    const r = foldBinary(opName, a, b);
    if (r === undefined) throw ctx.fail(`cannot evaluate ${describe(a)} ${opName} ${describe(b)}`, loc);
    return r;
  }
  if (opName === '+' && (a.kind === 'list' || a.kind === 'tuple') && a.kind === b.kind) return { kind: a.kind, items: [...a.items, ...b.items] };
  if (a.kind === 'value' || b.kind === 'value') {
    // Python ints computed in the graph (sizes) take the scalar ops; anything else is a tensor.
    const scalar = [a, b].every((x) => (x.kind === 'value' ? ctx.scalarKind(x.value) !== undefined : x.kind === 'int'));
    const prim = scalar ? SCALAR_BINARY[opName] : undefined;
    if (prim !== undefined) return op(it, 'prim', prim, [a, b], frame, loc);
    const aten = TENSOR_BINARY[opName];
    if (aten !== undefined) return op(it, 'aten', aten, [a, b], frame, loc);
  }
  throw ctx.refuse(`${describe(a)} ${opName} ${describe(b)}`, loc);
}

const TENSOR_COMPARE: Partial<Record<CompareOp, string>> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

function compare(it: Interpreter, opName: CompareOp, a: PyVal, b: PyVal, frame: Frame, loc: Loc): PyVal {
  const ctx = it.ctx;
  if ((opName === 'is' || opName === 'is not') && (a.kind === 'none' || b.kind === 'none')) {
    // A graph value is never None.
    const same = a.kind === b.kind;
    return bool(opName === 'is' ? same : !same);
  }
  if (isLiteral(a) && isLiteral(b)) {
    const r = foldCompare(opName, a, b);
    if (r === undefined) throw ctx.fail(`cannot evaluate ${describe(a)} ${opName} ${describe(b)}`, loc);
    return bool(r);
  }
  const aten = TENSOR_COMPARE[opName];
  if (aten !== undefined && (a.kind === 'value' || b.kind === 'value')) return op(it, 'aten', aten, [a, b], frame, loc);
  throw ctx.refuse(`${describe(a)} ${opName} ${describe(b)}`, loc);
}

/** One source op with one output, named after the op. */
export function op(it: Interpreter, domain: string, name: string, args: readonly PyVal[], frame: Frame, loc: Loc): PyVal {
  return graphValue(it.ctx.call(domain, name, args, [], [name], frame.scope, loc)[0]!);
}
