/**
 * Expressions and type annotations, by recursive descent with Python's precedence (loosest first):
 * `x if c else y`, `or`, `and`, `not`, comparisons (chained), `|`, `^`, `&`, `<< >>`, `+ -`,
 * `* / // % @`, unary `- + ~`, `**` (right-associative, binds tighter than a unary minus on its left),
 * then calls, attributes and subscripts.
 */
import type { BinaryOp, CompareOp, Expr, Keyword, Loc } from './ast.js';
import { parseType } from './parse-type.js';
import { intValue, type Token } from './tokenizer.js';
import type { TokenStream } from './token-stream.js';

/** Callees whose first argument is a type, not a value (`annotate(List[int], [])`). */
const TYPE_FIRST_ARG = new Set(['annotate', 'unchecked_cast', 'uninitialized']);
/** Float constants TorchScript's importer defines by name. */
const FLOAT_NAMES: Record<string, number> = { inf: Infinity, nan: NaN };

const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%', '@'],
];
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** One expression (no bare tuple). */
export function parseExpr(ts: TokenStream): Expr {
  const start = ts.peek();
  const body = parseOr(ts);
  if (!ts.at('if')) return body;
  ts.next();
  const test = parseOr(ts);
  ts.expect('else', 'in a conditional expression `a if c else b`');
  const orelse = parseExpr(ts);
  return { kind: 'ifexp', test, body, orelse, loc: ts.loc(start) };
}

/**
 * `a`, or `a, b, c` (a trailing comma allowed) as a tuple: return values, assignment sides, subscripts.
 * `item` parses one element; `for` targets pass a parser that stops before `in`.
 */
export function parseExprList(
  ts: TokenStream,
  item: (ts: TokenStream) => Expr = parseExpr,
  starts: (t: Token) => boolean = startsExpr,
): Expr {
  const start = ts.peek();
  const first = item(ts);
  if (!ts.at(',')) return first;
  const elts = [first];
  while (ts.accept(',')) {
    if (!starts(ts.peek())) break;
    elts.push(item(ts));
  }
  return { kind: 'tuple', elts, loc: ts.loc(start) };
}

/** Whether `t` can begin an expression; used to end comma lists that have a trailing comma. */
export function startsExpr(t: Token): boolean {
  if (t.kind === 'name' || t.kind === 'int' || t.kind === 'float' || t.kind === 'string') return true;
  if (t.kind === 'keyword') return ['None', 'True', 'False', 'not'].includes(t.text);
  return t.kind === 'op' && ['(', '[', '{', '-', '+', '~', '...'].includes(t.text);
}

function parseOr(ts: TokenStream): Expr {
  return parseBoolChain(ts, 'or', () => parseBoolChain(ts, 'and', () => parseNot(ts)));
}

function parseBoolChain(ts: TokenStream, op: 'and' | 'or', operand: () => Expr): Expr {
  const start = ts.peek();
  const first = operand();
  if (!ts.at(op)) return first;
  const values = [first];
  while (ts.accept(op)) values.push(operand());
  return { kind: 'boolop', op, values, loc: ts.loc(start) };
}

function parseNot(ts: TokenStream): Expr {
  const start = ts.peek();
  if (!ts.accept('not')) return parseComparison(ts);
  return { kind: 'unary', op: 'not', operand: parseNot(ts), loc: ts.loc(start) };
}

function parseComparison(ts: TokenStream): Expr {
  const start = ts.peek();
  const left = parseBinary(ts, 0);
  const ops: CompareOp[] = [];
  const comparators: Expr[] = [];
  for (;;) {
    const op = compareOp(ts);
    if (op === undefined) break;
    ops.push(op);
    comparators.push(parseBinary(ts, 0));
  }
  return ops.length === 0 ? left : { kind: 'compare', left, ops, comparators, loc: ts.loc(start) };
}

/** Consumes a comparison operator (`is not` and `not in` are two tokens) if one is next. */
function compareOp(ts: TokenStream): CompareOp | undefined {
  const t = ts.peek();
  if (t.kind === 'op' && COMPARE_OPS.has(t.text)) return ts.next().text as CompareOp;
  if (ts.accept('in')) return 'in';
  if (ts.accept('is')) return ts.accept('not') ? 'is not' : 'is';
  if (ts.at('not') && ts.at('in', 1)) {
    ts.next();
    ts.next();
    return 'not in';
  }
  return undefined;
}

/** Left-associative binary levels from `|` (level 0) to `* / // % @` (the last level). */
export function parseBinary(ts: TokenStream, level: number): Expr {
  const ops = BINARY_LEVELS[level];
  if (ops === undefined) return parseUnary(ts);
  const start = ts.peek();
  let left = parseBinary(ts, level + 1);
  for (;;) {
    const t = ts.peek();
    if (t.kind !== 'op' || !(ops as readonly string[]).includes(t.text)) return left;
    ts.next();
    const right = parseBinary(ts, level + 1);
    left = { kind: 'binary', op: t.text as BinaryOp, left, right, loc: ts.loc(start) };
  }
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (!(t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~'))) return parsePower(ts);
  ts.next();
  const operand = parseUnary(ts);
  const loc = ts.loc(t);
  // The printer writes negative constants as `-<literal>`; keep them as one exact literal.
  if (t.text === '-' && operand.kind === 'int') {
    return { kind: 'int', value: intValue(-BigInt(operand.value)), loc };
  }
  if (t.text === '-' && operand.kind === 'float') {
    return { kind: 'float', value: -operand.value, raw: `-${operand.raw}`, loc };
  }
  return { kind: 'unary', op: t.text as '-' | '+' | '~', operand, loc };
}

function parsePower(ts: TokenStream): Expr {
  const start = ts.peek();
  const base = parsePostfix(ts);
  if (!ts.accept('**')) return base;
  const exponent = parseUnary(ts);
  return { kind: 'binary', op: '**', left: base, right: exponent, loc: ts.loc(start) };
}

/** An atom followed by any number of `.name`, `(args)` and `[index]`. */
function parsePostfix(ts: TokenStream): Expr {
  const start = ts.peek();
  let e = parseAtom(ts);
  for (;;) {
    const loc = ts.loc(start);
    if (ts.accept('.')) {
      e = { kind: 'attribute', value: e, attr: ts.expectName("after '.'"), loc };
    } else if (ts.at('(')) {
      e = parseCall(ts, e, loc);
    } else if (ts.accept('[')) {
      const index = parseExprList(ts, parseSliceItem, (t) => startsExpr(t) || (t.kind === 'op' && t.text === ':'));
      ts.expect(']', 'to close the subscript');
      e = { kind: 'subscript', value: e, index, loc };
    } else {
      return e;
    }
  }
}

function parseCall(ts: TokenStream, func: Expr, loc: Loc): Expr {
  const open = ts.expect('(', 'to open the call arguments');
  const args: Expr[] = [];
  const keywords: Keyword[] = [];
  const callee = func.kind === 'name' ? func.id : '';
  while (!ts.at(')')) {
    const t = ts.peek();
    if (t.kind === 'op' && (t.text === '*' || t.text === '**')) ts.error(`'${t.text}' unpacking in call arguments is not supported`);
    if (t.kind === 'name' && ts.at('=', 1)) {
      ts.next();
      ts.next();
      keywords.push({ name: t.text, value: parseExpr(ts), loc: ts.loc(t) });
    } else {
      if (keywords.length > 0) ts.error('a positional argument follows keyword arguments');
      const typeArg = (args.length === 0 && TYPE_FIRST_ARG.has(callee)) || (args.length === 1 && callee === 'isinstance');
      args.push(typeArg ? { kind: 'typearg', type: parseType(ts), loc: ts.loc(t) } : parseExpr(ts));
    }
    if (ts.at('for')) ts.error('comprehensions are not supported');
    if (!ts.accept(',')) break;
  }
  ts.expect(')', `to close the arguments of the call opened at line ${open.line}, column ${open.column}`);
  return { kind: 'call', func, args, keywords, loc };
}

/** One subscript element: an expression or a slice `lower:upper:step` (each part optional). */
function parseSliceItem(ts: TokenStream): Expr {
  const start = ts.peek();
  const lower = ts.at(':') ? undefined : parseExpr(ts);
  if (!ts.accept(':')) return lower as Expr;
  const part = (): Expr | undefined => (startsExpr(ts.peek()) ? parseExpr(ts) : undefined);
  const upper = part();
  const step = ts.accept(':') ? part() : undefined;
  return { kind: 'slice', lower, upper, step, loc: ts.loc(start) };
}

function parseAtom(ts: TokenStream): Expr {
  const t = ts.peek();
  const loc = ts.loc(t);
  switch (t.kind) {
    case 'name': {
      ts.next();
      const f = FLOAT_NAMES[t.text];
      return f === undefined ? { kind: 'name', id: t.text, loc } : { kind: 'float', value: f, raw: t.text, loc };
    }
    case 'int':
      ts.next();
      return { kind: 'int', value: t.value as number | bigint, loc };
    case 'float':
      ts.next();
      return { kind: 'float', value: t.value as number, raw: t.text, loc };
    case 'string': {
      // Adjacent literals concatenate, as in Python.
      let value = '';
      while (ts.atKind('string')) value += ts.next().value as string;
      return { kind: 'string', value, loc };
    }
    case 'keyword':
      if (t.text === 'lambda') ts.error('lambda expressions are not supported');
      if (t.text === 'None') {
        ts.next();
        return { kind: 'none', loc };
      }
      if (t.text === 'True' || t.text === 'False') {
        ts.next();
        return { kind: 'bool', value: t.text === 'True', loc };
      }
      break;
    case 'op':
      if (t.text === '(') return parseParenthesized(ts);
      if (t.text === '[') return parseList(ts);
      if (t.text === '{') return parseDict(ts);
      if (t.text === '...') {
        ts.next();
        return { kind: 'ellipsis', loc };
      }
      break;
    default:
      break;
  }
  return ts.fail('an expression');
}

function parseParenthesized(ts: TokenStream): Expr {
  const open = ts.next();
  const loc = ts.loc(open);
  if (ts.accept(')')) return { kind: 'tuple', elts: [], loc };
  const inner = parseExprList(ts);
  if (ts.at('for')) ts.error('generator expressions are not supported');
  ts.expect(')', `to close '(' at line ${open.line}, column ${open.column}`);
  // `(a, b)` is a tuple located at its parenthesis; `(x)` is just x.
  return inner.kind === 'tuple' ? { ...inner, loc } : inner;
}

function parseList(ts: TokenStream): Expr {
  const open = ts.next();
  const elts: Expr[] = [];
  while (!ts.at(']')) {
    elts.push(parseExpr(ts));
    if (ts.at('for')) ts.error('list comprehensions are not supported');
    if (!ts.accept(',')) break;
  }
  ts.expect(']', `to close '[' at line ${open.line}, column ${open.column}`);
  return { kind: 'list', elts, loc: ts.loc(open) };
}

function parseDict(ts: TokenStream): Expr {
  const open = ts.next();
  const keys: Expr[] = [];
  const values: Expr[] = [];
  while (!ts.at('}')) {
    keys.push(parseExpr(ts));
    if (!ts.at(':')) ts.fail("':' after a dict key (set literals are not supported)");
    ts.next();
    values.push(parseExpr(ts));
    if (ts.at('for')) ts.error('dict comprehensions are not supported');
    if (!ts.accept(',')) break;
  }
  ts.expect('}', `to close '{' at line ${open.line}, column ${open.column}`);
  return { kind: 'dict', keys, values, loc: ts.loc(open) };
}
