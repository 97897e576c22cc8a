/**
 * Symbolic sizes of a torch.export program. A dynamic dim is a SymInt `as_expr` whose `expr_str` torch
 * 2.13 writes as a sympy srepr (`Symbol('s77', positive=True, integer=True)`,
 * `Mul(Integer(2), Symbol('s77', ...))`); older files wrote `str()` (`s77`, `2*s77`). Both become the
 * readable form: a symbol keeps its name (`s77`), an expression becomes infix text (`2*s77`), a constant
 * becomes a number. `range_constraints` bounds each symbol by name.
 */
import type { ExportedProgram, SymInt, TensorMeta } from './types.js';

/** A dim: a number, a symbol name, or an expression over symbols. */
export type Dim = number | string;

export interface SymbolRange {
  /** undefined = unbounded below. */
  min: number | undefined;
  /** undefined = unbounded above. */
  max: number | undefined;
}

export interface ParsedSymExpr {
  /** Readable infix form; a lone symbol is its name. */
  text: string;
  /** Set when the expression is a plain integer. */
  value?: number;
  /** Symbol names it mentions, in order of first appearance. */
  symbols: string[];
}

/** Dims of a tensor, symbolic ones as names or expressions. */
export function tensorDims(meta: TensorMeta): Dim[] {
  return meta.sizes.map(symIntToDim);
}

export function symIntToDim(s: SymInt): Dim {
  if (s.as_int !== undefined) return s.as_int;
  const p = parseSymExpr(s.as_expr.expr_str);
  return p.value ?? p.text;
}

/** The example value torch traced with, when it wrote one. */
export function symIntHint(s: SymInt): number | undefined {
  if (s.as_int !== undefined) return s.as_int;
  const h = s.as_expr.hint;
  return typeof h?.as_int === 'number' ? h.as_int : undefined;
}

/** `range_constraints` as a map from symbol name to bounds (null on the wire -> undefined). */
export function symbolRanges(program: ExportedProgram): Map<string, SymbolRange> {
  const out = new Map<string, SymbolRange>();
  for (const [name, rc] of Object.entries(program.range_constraints)) {
    out.set(name, { min: rc.min_val ?? undefined, max: rc.max_val ?? undefined });
  }
  return out;
}

/** Symbols a dim mentions: `[]` for a number, `['s77']` for `2*s77`. */
export function dimSymbols(d: Dim): string[] {
  return typeof d === 'number' ? [] : parseSymExpr(d).symbols;
}

// ---- srepr -> infix ------------------------------------------------------------------------------------

type Ast =
  | { k: 'int'; v: number; text: string }
  | { k: 'sym'; name: string }
  | { k: 'call'; fn: string; args: Ast[] }
  | { k: 'raw'; text: string };

/**
 * Parses an srepr (or a plain symbol name / function-call form). Anything else, e.g. an older file's
 * `2*s0`, is kept as written; its symbols are then found by a name scan.
 */
export function parseSymExpr(exprStr: string): ParsedSymExpr {
  const src = exprStr.trim();
  const ast = parseSrepr(src);
  if (ast === undefined) {
    const symbols = unique([...src.matchAll(/\b([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1] ?? ''));
    return /^-?\d+$/.test(src) ? { text: src, value: Number(src), symbols: [] } : { text: src, symbols };
  }
  const symbols: string[] = [];
  collectSymbols(ast, symbols);
  const text = render(ast);
  return ast.k === 'int' ? { text, value: ast.v, symbols: [] } : { text, symbols: unique(symbols) };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function collectSymbols(a: Ast, out: string[]): void {
  if (a.k === 'sym') out.push(a.name);
  else if (a.k === 'call') for (const x of a.args) collectSymbols(x, out);
}

const TOKEN = /\s*(?:([A-Za-z_]\w*)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|'((?:[^'\\]|\\.)*)'|([(),=]))/y;

type Tok = { kind: 'id' | 'num' | 'str' | 'p'; text: string };

function tokenize(src: string): Tok[] | undefined {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const m = TOKEN.exec(src);
    if (m === null) return undefined; // an operator such as `*`: not srepr
    if (m[1] !== undefined) out.push({ kind: 'id', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'num', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'str', text: m[3] });
    else out.push({ kind: 'p', text: m[4] ?? '' });
  }
  return out;
}

function parseSrepr(src: string): Ast | undefined {
  const toks = tokenize(src);
  if (toks === undefined) return undefined;
  let i = 0;
  const text = (j: number): string | undefined => toks[j]?.text;
  const expr = (): Ast | undefined => {
    const t = toks[i++];
    if (t === undefined) return undefined;
    if (t.kind === 'num') {
      const v = Number(t.text);
      return Number.isInteger(v) ? { k: 'int', v, text: t.text } : { k: 'raw', text: t.text };
    }
    if (t.kind === 'str') return { k: 'raw', text: t.text };
    if (t.kind !== 'id') return undefined;
    if (text(i) !== '(') return { k: 'sym', name: t.text };
    i++;
    const args: Ast[] = [];
    while (text(i) !== ')') {
      if (toks[i]?.kind === 'id' && text(i + 1) === '=') {
        i += 2; // keyword argument (positive=True, precision=53): assumptions, not structure
        if (expr() === undefined) return undefined;
      } else {
        const a = expr();
        if (a === undefined) return undefined;
        args.push(a);
      }
      if (text(i) === ',') i++;
      else if (text(i) !== ')') return undefined;
    }
    i++;
    return call(t.text, args);
  };
  const ast = expr();
  return ast !== undefined && i === toks.length ? ast : undefined;
}

function call(fn: string, args: Ast[]): Ast | undefined {
  const [a, b] = args;
  if (fn === 'Symbol' || fn === 'Dummy') return a?.k === 'raw' ? { k: 'sym', name: a.text } : undefined;
  if (fn === 'Integer' && a?.k === 'int') return a;
  if (fn === 'Float' && a !== undefined) return { k: 'raw', text: a.k === 'int' ? a.text : render(a) };
  if (fn === 'Rational' && a?.k === 'int' && b?.k === 'int') return { k: 'raw', text: `${a.v}/${b.v}` };
  return { k: 'call', fn, args };
}

const INFIX: Record<string, string> = {
  StrictLessThan: ' < ',
  LessThan: ' <= ',
  StrictGreaterThan: ' > ',
  GreaterThan: ' >= ',
  And: ' & ',
  Or: ' | ',
};

function render(a: Ast): string {
  switch (a.k) {
    case 'int':
      return String(a.v);
    case 'sym':
      return a.name;
    case 'raw':
      return a.text;
    case 'call':
      return renderCall(a.fn, a.args);
  }
}

function renderCall(fn: string, args: Ast[]): string {
  const [a, b] = args;
  if (fn === 'Add') {
    // sympy's str puts the constant term last: `s0 + 1`, `2*s0 - 4`.
    const terms = [...args.filter((x) => x.k !== 'int'), ...args.filter((x) => x.k === 'int')].map(render);
    return terms.reduce((acc, t, j) => (j === 0 ? t : t.startsWith('-') ? `${acc} - ${t.slice(1)}` : `${acc} + ${t}`), '');
  }
  if (fn === 'Mul') {
    if (a?.k === 'int' && a.v === -1 && args.length > 1) return `-${renderCall('Mul', args.slice(1))}`;
    // A Rational(1, q) coefficient and Pow(x, -1) factors print as divisions: `s0/2`, `s0/s1`.
    const half = a?.k === 'raw' && /^1\/\d+$/.test(a.text) ? a.text.slice(2) : undefined;
    const rest = half === undefined ? args : args.slice(1);
    const isInverse = (x: Ast): boolean => x.k === 'call' && x.fn === 'Pow' && x.args[1]?.k === 'int' && x.args[1].v === -1;
    const factor = (x: Ast): string => (isCall(x, 'Add') ? `(${render(x)})` : render(x));
    const num = rest.filter((x) => !isInverse(x)).map(factor);
    const den = rest.filter(isInverse).map((x) => (x.k === 'call' && x.args[0] ? factor(x.args[0]) : ''));
    if (half !== undefined) den.push(half);
    const top = num.length === 0 ? '1' : num.join('*');
    return den.length === 0 ? top : `${top}/${den.length === 1 ? den[0] : `(${den.join('*')})`}`;
  }
  if (fn === 'Pow' && a !== undefined && b !== undefined) {
    const base = a.k === 'call' ? `(${render(a)})` : render(a);
    return b.k === 'int' && b.v === -1 ? `1/${base}` : `${base}**${render(b)}`;
  }
  if (fn === 'FloorDiv' && a !== undefined && b !== undefined) {
    const operand = (x: Ast): string => (isCall(x, 'Add') || isCall(x, 'Mul') ? `(${render(x)})` : render(x));
    return `(${operand(a)}//${operand(b)})`;
  }
  const op = INFIX[fn];
  if (op !== undefined && args.length >= 2) return args.map(render).join(op);
  if (fn === 'Not' && a !== undefined) return `~${render(a)}`;
  if (fn === 'Equality') return `Eq(${args.map(render).join(', ')})`;
  if (fn === 'Unequality') return `Ne(${args.map(render).join(', ')})`;
  return `${fn}(${args.map(render).join(', ')})`;
}

function isCall(a: Ast, fn: string): boolean {
  return a.k === 'call' && a.fn === fn;
}
