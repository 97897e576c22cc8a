/**
 * Calls in TorchScript code, by how the callee is spelled:
 * - `torch.<op>(...)` and `ops.<aten|prim>.<op>(...)`: a source node `aten::<op>` / `prim::<op>`, with no
 *   overload (the printed code names none; rules tell overloads apart by their arguments). With only
 *   literal arguments, Python scalar ops (`torch.eq(i, 0)`) fold instead.
 * - `(conv).forward(x, )`, `(self).helper(...)`: the method of the module object, inlined.
 * - `x.size(0)` on a graph value: `aten::size(x, 0)` (the receiver is the first argument).
 * - `__torch__.<qualified>(...)`: a scripted free function of code/, inlined.
 * - builtins: `int`/`float`/`bool` (aten::Int/Float/Bool on graph values), `annotate`, `unchecked_cast`,
 *   `uninitialized`, `getattr`, `len`; `range` only as a `for` loop's range.
 * Note [op outputs and unpacking]: a call assigned to N targets (`a, b, = torch.chunk(x, 2)`) makes a
 * node with N outputs; a call assigned to one name has one output, and if that value is unpacked later
 * (`_9 = torch.split(...)` then `q, k, v, = _9`), a prim::ListUnpack node with N outputs reads it. So a
 * list-returning op (split, chunk, unbind) has either N outputs, or one list output consumed by
 * prim::ListUnpack (or by an op that takes a list, like aten::cat). TorchScript prints tuple-returning
 * ops (topk, max.dim, lstm) with their targets always, so they always get all their outputs.
 */
import { dottedName, formatExpr, typeToString, type CallExpr, type Loc } from '../../../formats/torch/torchscript/index.js';
import { evaluate } from './expressions.js';
import { foldAtenScalar } from './fold.js';
import type { Frame, Interpreter } from './interpreter.js';
import { moduleAttribute } from './module-attrs.js';
import { bool, describe, float, graphValue, int, NONE, type PyVal } from './py-values.js';

interface Args {
  pos: PyVal[];
  kw: [string, PyVal][];
}

export function callExpr(it: Interpreter, e: CallExpr, frame: Frame, outputs?: readonly string[]): PyVal {
  const ctx = it.ctx;
  const f = e.func;
  const dotted = dottedName(f);
  const parts = dotted?.split('.') ?? [];
  const head = parts[0];
  if (dotted !== undefined && head !== undefined && !frame.vars.has(head)) {
    if (parts.length === 1) return builtin(it, e, head, frame, outputs);
    if (head === 'torch' && parts.length === 2) return torchCall(it, e, parts[1]!, frame, outputs);
    if (head === 'ops' && parts.length === 3) return opsCall(it, e, parts[1]!, parts[2]!, frame, outputs);
    if (head === '__torch__') {
      const fn = ctx.code.functions.get(dotted);
      if (fn === undefined) throw ctx.refuse(`a call of ${dotted} (not a function of code/; scripted classes are not supported)`, e.loc);
      const a = args(it, e, frame);
      return it.invoke(fn.node, undefined, a.pos, new Map(a.kw), frame.scope, e.loc);
    }
    throw ctx.fail(`unknown function ${dotted}`, e.loc);
  }
  if (f.kind !== 'attribute') throw ctx.fail(`cannot call ${formatExpr(f)}`, e.loc);
  const recv = evaluate(it, f.value, frame);
  const a = args(it, e, frame);
  if (recv.kind === 'module') {
    const method = recv.cls.methods.get(f.attr);
    if (method === undefined) throw ctx.fail(`${recv.cls.qualifiedName} has no method ${f.attr} (called on ${describe(recv)})`, e.loc);
    return it.invoke(method, recv, a.pos, new Map(a.kw), recv.path, e.loc);
  }
  if (recv.kind === 'value') return emit(it, 'aten', f.attr, [recv, ...a.pos], a.kw, frame, e.loc, outputs);
  if (recv.kind === 'list' && f.attr === 'append' && a.pos.length === 1) return append(recv, a.pos[0]!);
  throw ctx.refuse(`the method .${f.attr}() of ${describe(recv)}`, e.loc);
}

function args(it: Interpreter, e: CallExpr, frame: Frame): Args {
  return { pos: e.args.map((x) => evaluate(it, x, frame)), kw: e.keywords.map((k): [string, PyVal] => [k.name, evaluate(it, k.value, frame)]) };
}

/** A source node; one output gives its value, several a tuple of them. */
function emit(it: Interpreter, domain: string, op: string, pos: readonly PyVal[], kw: readonly [string, PyVal][], frame: Frame, loc: Loc, outputs?: readonly string[]): PyVal {
  const outs = it.ctx.call(domain, op, pos, kw, outputs ?? [op], frame.scope, loc);
  return outs.length === 1 ? graphValue(outs[0]!) : { kind: 'tuple', items: outs.map(graphValue) };
}

function torchCall(it: Interpreter, e: CallExpr, op: string, frame: Frame, outputs?: readonly string[]): PyVal {
  const ctx = it.ctx;
  const a = args(it, e, frame);
  if (op === 'device') {
    const spec = a.pos[0];
    if (spec?.kind !== 'str' || a.pos.length !== 1) throw ctx.refuse(`torch.device(${a.pos.map(describe).join(', ')})`, e.loc);
    return { kind: 'device', value: spec.value };
  }
  if (a.kw.length === 0) {
    const folded = foldAtenScalar(op, a.pos);
    if (folded !== undefined) return folded;
    const first = a.pos[0];
    if (op === 'len' && a.pos.length === 1 && (first?.kind === 'list' || first?.kind === 'tuple')) return int(first.items.length);
    if (op === 'append' && a.pos.length === 2 && first?.kind === 'list') return append(first, a.pos[1]!);
    if (op === '_set_item' && a.pos.length === 3 && first?.kind === 'dict') return setItem(it, first, a.pos[1]!, a.pos[2]!, e.loc);
  }
  return emit(it, 'aten', op, a.pos, a.kw, frame, e.loc, outputs);
}

function opsCall(it: Interpreter, e: CallExpr, ns: string, op: string, frame: Frame, outputs?: readonly string[]): PyVal {
  const ctx = it.ctx;
  const a = args(it, e, frame);
  if (ns === 'prim' && op === 'RaiseException') {
    const msg = a.pos[0]?.kind === 'str' ? `: ${a.pos[0].value}` : '';
    throw ctx.refuse(`prim::RaiseException (the code raises on every input${msg})`, e.loc);
  }
  if (ns === 'prim' && (op === 'unchecked_unwrap_optional' || op === 'unchecked_cast') && a.pos.length === 1) return a.pos[0]!;
  // Only aten and prim nodes are lowered; an op of another library (torchvision::nms) cannot be.
  if (ns !== 'aten' && ns !== 'prim') throw ctx.refuse(`${ns}::${op}`, e.loc);
  return emit(it, ns, op, a.pos, a.kw, frame, e.loc, outputs);
}

/** Builtins TorchScript knows that we do not interpret (`range` only runs as a constant loop's range). */
const PYTHON_BUILTINS = new Set(['range', 'isinstance', 'hasattr', 'print', 'str', 'list', 'tuple', 'dict', 'min', 'max', 'abs', 'round', 'divmod', 'sum', 'enumerate', 'zip', 'sorted', 'ord', 'chr', 'hash', 'id', 'any', 'all']);

const CASTS: Record<string, 'Int' | 'Float' | 'Bool'> = { int: 'Int', float: 'Float', bool: 'Bool' };

function builtin(it: Interpreter, e: CallExpr, name: string, frame: Frame, outputs?: readonly string[]): PyVal {
  const ctx = it.ctx;
  const typeArg = e.args[0]?.kind === 'typearg' ? e.args[0].type : undefined;
  const rest = (from: number): PyVal[] => e.args.slice(from).map((x) => evaluate(it, x, frame));
  switch (name) {
    case 'annotate':
    case 'unchecked_cast': {
      const [v] = rest(1);
      if (typeArg === undefined || v === undefined) throw ctx.fail(`${name}(T, value) expects a type and a value`, e.loc);
      // The declared element type is what types an empty list (`annotate(List[int], [])`).
      if (v.kind === 'list' && typeArg.name === 'List' && typeArg.args?.[0] !== undefined) return { ...v, elem: typeToString(typeArg.args[0]) };
      // `annotate(number, t)` is how aten::ScalarImplicit (a 0-dim tensor read as a Scalar) prints.
      if (name === 'annotate' && typeArg.name === 'number' && v.kind === 'value') return emit(it, 'aten', 'ScalarImplicit', [v], [], frame, e.loc, outputs);
      return v;
    }
    case 'uninitialized':
      return { kind: 'uninitialized', type: typeArg === undefined ? '?' : typeToString(typeArg) };
    case 'getattr': {
      const [obj, attr] = rest(0);
      if (obj?.kind !== 'module' || attr?.kind !== 'str' || e.args.length !== 2) throw ctx.refuse(`getattr on ${obj === undefined ? 'nothing' : describe(obj)}`, e.loc);
      return moduleAttribute(ctx, obj, attr.value, e.loc, (c) => evaluate(it, c, { vars: new Map(), scope: frame.scope }));
    }
    case 'len': {
      const [v] = rest(0);
      if (v?.kind === 'list' || v?.kind === 'tuple') return int(v.items.length);
      if (v?.kind === 'dict') return int(v.keys.length);
      if (v?.kind === 'str') return int(v.value.length);
      if (v?.kind === 'value') return emit(it, 'aten', 'len', [v], [], frame, e.loc, outputs);
      throw ctx.refuse(`len() of ${v === undefined ? 'nothing' : describe(v)}`, e.loc);
    }
  }
  const cast = CASTS[name];
  if (cast === undefined && PYTHON_BUILTINS.has(name)) throw ctx.refuse(`the builtin ${name}()`, e.loc);
  if (cast === undefined) throw ctx.fail(`unknown function ${name}()`, e.loc);
  const [v] = rest(0);
  if (v === undefined || e.args.length !== 1) throw ctx.fail(`${name}() expects one argument`, e.loc);
  if (v.kind === 'value') return emit(it, 'aten', cast, [v], [], frame, e.loc, outputs);
  if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') {
    const n = v.kind === 'bool' ? Number(v.value) : v.value;
    if (name === 'bool') return bool(Number(n) !== 0);
    if (name === 'float') return float(Number(n));
    return int(typeof n === 'number' ? Math.trunc(n) : n);
  }
  throw ctx.refuse(`${name}() of ${describe(v)}`, e.loc);
}

/** `torch.append(l, x)` on a list the interpreter holds: the list grows (loops that collect results). */
function append(list: Extract<PyVal, { kind: 'list' }>, item: PyVal): PyVal {
  list.items.push(item);
  return list;
}

function setItem(it: Interpreter, dict: Extract<PyVal, { kind: 'dict' }>, key: PyVal, value: PyVal, loc: Loc): PyVal {
  if (key.kind !== 'str' && key.kind !== 'int') throw it.ctx.refuse(`a dict key that is ${describe(key)}`, loc);
  const k = dict.keys.findIndex((x) => x.kind === key.kind && x.value === key.value);
  if (k >= 0) dict.values[k] = value;
  else {
    dict.keys.push(key);
    dict.values.push(value);
  }
  return NONE;
}
