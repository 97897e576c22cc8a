/**
 * Prints the AST back as Python source, with the fewest parentheses Python's precedence allows. Used
 * in messages (an importer naming the expression it cannot lower), in golden tests, and in the round-trip
 * test: parse(print(parse(src))) must equal parse(src) apart from positions.
 */
import { typeToString, type Expr, type Param, type Stmt } from './ast.js';

// Higher binds tighter. Negative number literals print like a unary minus, so they rank as unary.
const BINARY_PREC: Record<string, number> = {
  '|': 6, '^': 7, '&': 8, '<<': 9, '>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '//': 11, '%': 11, '@': 11, '**': 13,
};
const UNARY = 12;
const ATOM = 14;

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'ifexp':
      return 1;
    case 'boolop':
      return e.op === 'or' ? 2 : 3;
    case 'unary':
      return e.op === 'not' ? 4 : UNARY;
    case 'compare':
      return 5;
    case 'binary':
      return BINARY_PREC[e.op] as number;
    case 'int':
      return e.value < 0 ? UNARY : ATOM;
    case 'float':
      return e.raw.startsWith('-') ? UNARY : ATOM;
    default:
      return ATOM;
  }
}

/** `e` as Python source; parenthesized when its precedence is below `min`. */
export function formatExpr(e: Expr, min = 0): string {
  const text = formatBare(e);
  return precedence(e) < min ? `(${text})` : text;
}

function formatBare(e: Expr): string {
  switch (e.kind) {
    case 'name':
      return e.id;
    case 'int':
      return String(e.value);
    case 'float':
      return e.raw;
    case 'string':
      return quote(e.value);
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'ellipsis':
      return '...';
    case 'typearg':
      return typeToString(e.type);
    case 'attribute':
      return `${formatBase(e.value)}.${e.attr}`;
    case 'call': {
      const args = [...e.args.map((a) => formatExpr(a)), ...e.keywords.map((k) => `${k.name}=${formatExpr(k.value)}`)];
      return `${formatBase(e.func)}(${args.join(', ')})`;
    }
    case 'subscript': {
      const idx = e.index;
      const inner = idx.kind === 'tuple' && idx.elts.length > 0 ? formatItems(idx.elts) : formatExpr(idx);
      return `${formatBase(e.value)}[${inner}]`;
    }
    case 'slice': {
      const part = (x: Expr | undefined): string => (x === undefined ? '' : formatExpr(x));
      return e.step === undefined ? `${part(e.lower)}:${part(e.upper)}` : `${part(e.lower)}:${part(e.upper)}:${part(e.step)}`;
    }
    case 'tuple':
      return `(${formatItems(e.elts)})`;
    case 'list':
      return `[${e.elts.map((x) => formatExpr(x)).join(', ')}]`;
    case 'dict':
      return `{${e.keys.map((k, i) => `${formatExpr(k)}: ${formatExpr(e.values[i] as Expr)}`).join(', ')}}`;
    case 'unary':
      return e.op === 'not' ? `not ${formatExpr(e.operand, 4)}` : `${e.op}${formatExpr(e.operand, UNARY)}`;
    case 'binary': {
      const p = BINARY_PREC[e.op] as number;
      // `**` groups to the right and takes a unary operand on its right (`2 ** -1`).
      if (e.op === '**') return `${formatExpr(e.left, ATOM)} ** ${formatExpr(e.right, UNARY)}`;
      return `${formatExpr(e.left, p)} ${e.op} ${formatExpr(e.right, p + 1)}`;
    }
    case 'compare':
      return [formatExpr(e.left, 6), ...e.ops.map((op, i) => `${op} ${formatExpr(e.comparators[i] as Expr, 6)}`)].join(' ');
    case 'boolop': {
      const p = e.op === 'or' ? 3 : 4;
      return e.values.map((v) => formatExpr(v, p)).join(` ${e.op} `);
    }
    case 'ifexp':
      return `${formatExpr(e.body, 2)} if ${formatExpr(e.test, 2)} else ${formatExpr(e.orelse, 1)}`;
  }
}

/** Number literals get parentheses before `.attr` (`(1).real`; `1.real` would lex as a float). */
function formatBase(e: Expr): string {
  return e.kind === 'int' || e.kind === 'float' ? `(${formatBare(e)})` : formatExpr(e, ATOM);
}

function formatItems(elts: Expr[]): string {
  const items = elts.map((x) => formatExpr(x, 1));
  return elts.length === 1 ? `${items[0]},` : items.join(', ');
}

/** A double-quoted Python string literal. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Statements as indented Python source (two spaces per level, like the printer), one per line. */
export function formatStmts(stmts: readonly Stmt[], indent = ''): string {
  return stmts.map((s) => formatStmt(s, indent)).join('');
}

function formatStmt(s: Stmt, ind: string): string {
  const block = (body: readonly Stmt[]): string => formatStmts(body, `${ind}  `);
  const line = (text: string): string => `${ind}${text}\n`;
  const list = (e: Expr): string => (e.kind === 'tuple' && e.elts.length > 0 ? formatItems(e.elts) : formatExpr(e));
  switch (s.kind) {
    case 'assign':
      return line(`${s.targets.map(list).join(' = ')} = ${list(s.value)}`);
    case 'annassign':
      return line(`${formatExpr(s.target)} : ${typeToString(s.annotation)}${s.value ? ` = ${formatExpr(s.value)}` : ''}`);
    case 'augassign':
      return line(`${formatExpr(s.target)} ${s.op}= ${list(s.value)}`);
    case 'expr':
      return line(list(s.value));
    case 'return':
      return line(s.value === undefined ? 'return' : `return ${list(s.value)}`);
    case 'pass':
    case 'break':
    case 'continue':
      return line(s.kind);
    case 'assert':
      return line(`assert ${formatExpr(s.test)}${s.msg ? `, ${formatExpr(s.msg)}` : ''}`);
    case 'raise':
      return line(`raise${s.exc ? ` ${formatExpr(s.exc)}` : ''}${s.cause ? ` from ${formatExpr(s.cause)}` : ''}`);
    case 'del':
      return line(`del ${s.targets.map((t) => formatExpr(t)).join(', ')}`);
    case 'if': {
      let out = line(`${s.elif ? 'elif' : 'if'} ${formatExpr(s.test)}:`) + block(s.body);
      const only = s.orelse[0];
      if (s.orelse.length === 1 && only?.kind === 'if' && only.elif) out += formatStmt(only, ind);
      else if (s.orelse.length > 0) out += line('else:') + block(s.orelse);
      return out;
    }
    case 'for':
      return line(`for ${list(s.target)} in ${list(s.iter)}:`) + block(s.body);
    case 'while':
      return line(`while ${formatExpr(s.test)}:`) + block(s.body);
    case 'with': {
      const items = s.items.map((i) => (i.target ? `${formatExpr(i.context)} as ${formatExpr(i.target)}` : formatExpr(i.context)));
      return line(`with ${items.join(', ')}:`) + block(s.body);
    }
    case 'def': {
      const ret = s.returns ? ` -> ${typeToString(s.returns)}` : '';
      return line(`def ${s.name}(${s.params.map(formatParam).join(', ')})${ret}:`) + block(s.body);
    }
    case 'class':
      return line(`class ${s.name}${s.bases.length > 0 ? `(${s.bases.join(', ')})` : ''}:`) + block(s.body);
    case 'import':
      return line(`import ${s.names.map((n) => (n.asname ? `${n.name} as ${n.asname}` : n.name)).join(', ')}`);
    case 'from': {
      const names = s.names.map((n) => (n.asname ? `${n.name} as ${n.asname}` : n.name)).join(', ');
      return line(`from ${'.'.repeat(s.level)}${s.module} import ${names}`);
    }
  }
}

function formatParam(p: Param): string {
  const ann = p.annotation ? `: ${typeToString(p.annotation)}` : '';
  return `${p.name}${ann}${p.default ? `=${formatExpr(p.default)}` : ''}`;
}
