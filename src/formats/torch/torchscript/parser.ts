/**
 * Statements, function and class definitions, and whole files of TorchScript's generated Python.
 * Entry point: `parseTorchScript(source, file)`. Expressions live in parse-expr.ts.
 */
import type { AssignStmt, BinaryOp, ClassDef, Expr, FunctionDef, IfStmt, ImportAlias, ModuleAst, Param, Stmt, WithItem } from './ast.js';
import { parseBinary, parseExpr, parseExprList, startsExpr } from './parse-expr.js';
import { parseType } from './parse-type.js';
import { TorchScriptSyntaxError } from './syntax-error.js';
import { tokenize } from './tokenizer.js';
import { TokenStream } from './token-stream.js';

const AUG_ASSIGN = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '<<=', '>>=', '&=', '|=', '^=']);
const UNSUPPORTED = new Set(['try', 'except', 'finally', 'lambda', 'yield', 'global', 'nonlocal']);

/** Parses one `code/**.py` entry. `file` names the archive entry in positions and errors. */
export function parseTorchScript(source: string, file: string): ModuleAst {
  const ts = new TokenStream(tokenize(source, file), file);
  const body: Stmt[] = [];
  try {
    while (!ts.atKind('eof')) body.push(...parseStatement(ts));
  } catch (e) {
    // Recursive descent uses the JS stack: a few hundred levels of nested calls fit, more overflow.
    // Real printer output nests far less; say where it happened instead of leaking a RangeError.
    if (e instanceof RangeError) throw new TorchScriptSyntaxError('expressions or blocks nested too deeply to parse', ts.loc());
    throw e;
  }
  return { kind: 'module', file, body };
}

/** One line's statements (several when joined by `;`), or one compound statement. */
function parseStatement(ts: TokenStream): Stmt[] {
  const t = ts.peek();
  if (t.kind === 'indent') ts.error('unexpected indent');
  if (t.kind === 'keyword') {
    switch (t.text) {
      case 'def':
        return [parseDef(ts)];
      case 'class':
        return [parseClass(ts)];
      case 'if':
        return [parseIf(ts)];
      case 'for': {
        ts.next();
        // Parse targets below comparisons so that `in` is not read as an operator.
        const target = parseExprList(ts, (s) => parseBinary(s, 0));
        ts.expect('in', "after the target of 'for'");
        const iter = parseExprList(ts);
        const body = parseBlock(ts, "after the header of 'for'");
        if (ts.at('else')) ts.error("'else' after a loop is not supported");
        return [{ kind: 'for', target: checkTarget(target), iter, body, loc: ts.loc(t) }];
      }
      case 'while': {
        ts.next();
        const test = parseExpr(ts);
        const body = parseBlock(ts, "after the condition of 'while'");
        if (ts.at('else')) ts.error("'else' after a loop is not supported");
        return [{ kind: 'while', test, body, loc: ts.loc(t) }];
      }
      case 'with':
        return [parseWith(ts)];
      default:
        break;
    }
  }
  const stmts = [parseSimple(ts)];
  while (ts.accept(';')) {
    if (ts.atKind('newline')) break;
    stmts.push(parseSimple(ts));
  }
  ts.expectKind('newline', 'the end of the statement');
  return stmts;
}

/** `:` then an indented block, or simple statements on the same line (`class I(Interface): pass`). */
function parseBlock(ts: TokenStream, context: string): Stmt[] {
  ts.expect(':', context);
  if (!ts.atKind('newline')) return parseStatement(ts);
  ts.next();
  ts.expectKind('indent', 'an indented block');
  const body: Stmt[] = [];
  while (!ts.atKind('dedent') && !ts.atKind('eof')) body.push(...parseStatement(ts));
  ts.next();
  return body;
}

function parseSimple(ts: TokenStream): Stmt {
  const t = ts.peek();
  const loc = ts.loc(t);
  if (t.kind === 'keyword') {
    switch (t.text) {
      case 'pass':
      case 'break':
      case 'continue':
        ts.next();
        return { kind: t.text, loc };
      case 'return':
        ts.next();
        return { kind: 'return', value: startsExpr(ts.peek()) ? parseExprList(ts) : undefined, loc };
      case 'raise': {
        ts.next();
        if (!startsExpr(ts.peek())) return { kind: 'raise', loc };
        const exc = parseExpr(ts);
        return { kind: 'raise', exc, cause: ts.accept('from') ? parseExpr(ts) : undefined, loc };
      }
      case 'assert': {
        ts.next();
        const test = parseExpr(ts);
        return { kind: 'assert', test, msg: ts.accept(',') ? parseExpr(ts) : undefined, loc };
      }
      case 'del': {
        ts.next();
        const list = parseExprList(ts);
        const targets = list.kind === 'tuple' ? list.elts : [list];
        return { kind: 'del', targets: targets.map((e) => checkTarget(e)), loc };
      }
      case 'import':
        ts.next();
        return { kind: 'import', names: parseAliases(ts, true), loc };
      case 'from':
        return parseFrom(ts);
      default:
        if (UNSUPPORTED.has(t.text)) ts.error(`'${t.text}' is not supported in TorchScript code`);
        if (['elif', 'else'].includes(t.text)) ts.error(`'${t.text}' without a matching 'if'`);
    }
  }
  return parseExprStatement(ts);
}

/** Expression statements and the three assignment forms. */
function parseExprStatement(ts: TokenStream): Stmt {
  const t = ts.peek();
  const loc = ts.loc(t);
  const first = parseExprList(ts);
  if (ts.at(':')) {
    ts.next();
    const annotation = parseType(ts);
    const target = checkTarget(first);
    if (target.kind === 'tuple' || target.kind === 'list') {
      throw new TorchScriptSyntaxError('an annotated assignment needs a single target', target.loc);
    }
    return { kind: 'annassign', target, annotation, value: ts.accept('=') ? parseExpr(ts) : undefined, loc };
  }
  const op = ts.peek();
  if (op.kind === 'op' && AUG_ASSIGN.has(op.text)) {
    ts.next();
    return { kind: 'augassign', target: checkTarget(first), op: op.text.slice(0, -1) as BinaryOp, value: parseExprList(ts), loc };
  }
  if (!ts.at('=')) return { kind: 'expr', value: first, loc };
  const chain: Expr[] = [first];
  while (ts.accept('=')) chain.push(parseExprList(ts));
  const value = chain.pop() as Expr;
  const stmt: AssignStmt = { kind: 'assign', targets: chain.map((e) => checkTarget(e)), value, loc };
  return stmt;
}

/** Assignment targets: names, attributes, subscripts, and tuples/lists of them. */
function checkTarget(e: Expr): Expr {
  switch (e.kind) {
    case 'name':
    case 'attribute':
    case 'subscript':
      return e;
    case 'tuple':
    case 'list':
      e.elts.forEach((x) => checkTarget(x));
      return e;
    default:
      throw new TorchScriptSyntaxError(`cannot assign to ${e.kind === 'call' ? 'a function call' : `a ${e.kind} expression`}`, e.loc);
  }
}

function parseDef(ts: TokenStream): FunctionDef {
  const t = ts.next();
  const name = ts.expectName("after 'def'");
  const open = ts.expect('(', `after 'def ${name}'`);
  const params: Param[] = [];
  while (!ts.at(')')) {
    const p = ts.peek();
    if (ts.at('*') || ts.at('**') || ts.at('/')) ts.error(`'${p.text}' in a parameter list is not supported`);
    const param: Param = { name: ts.expectName(`for a parameter of '${name}'`), loc: ts.loc(p) };
    if (ts.accept(':')) param.annotation = parseType(ts);
    if (ts.accept('=')) param.default = parseExpr(ts);
    params.push(param);
    if (!ts.accept(',')) break;
  }
  ts.expect(')', `to close the parameters of '${name}' opened at line ${open.line}, column ${open.column}`);
  const returns = ts.accept('->') ? parseType(ts) : undefined;
  const body = parseBlock(ts, `after the signature of '${name}'`);
  return { kind: 'def', name, params, returns, body, loc: ts.loc(t) };
}

function parseClass(ts: TokenStream): ClassDef {
  const t = ts.next();
  const name = ts.expectName("after 'class'");
  const bases: string[] = [];
  if (ts.accept('(')) {
    while (!ts.at(')')) {
      let base = ts.expectName(`for a base class of '${name}'`);
      while (ts.accept('.')) base += `.${ts.expectName("after '.'")}`;
      bases.push(base);
      if (!ts.accept(',')) break;
    }
    ts.expect(')', `to close the base classes of '${name}'`);
  }
  const body = parseBlock(ts, `after 'class ${name}'`);
  return { kind: 'class', name, bases, body, loc: ts.loc(t) };
}

function parseIf(ts: TokenStream, elif = false): IfStmt {
  const t = ts.next();
  const test = parseExpr(ts);
  const body = parseBlock(ts, `after the condition of '${t.text}'`);
  let orelse: Stmt[] = [];
  if (ts.at('elif')) orelse = [parseIf(ts, true)];
  else if (ts.accept('else')) orelse = parseBlock(ts, "after 'else'");
  return { kind: 'if', test, body, orelse, elif, loc: ts.loc(t) };
}

function parseWith(ts: TokenStream): Stmt {
  const t = ts.next();
  const items: WithItem[] = [];
  do {
    const context = parseExpr(ts);
    items.push(ts.accept('as') ? { context, target: checkTarget(parseBinary(ts, 0)) } : { context });
  } while (ts.accept(','));
  return { kind: 'with', items, body: parseBlock(ts, "after the items of 'with'"), loc: ts.loc(t) };
}

function parseFrom(ts: TokenStream): Stmt {
  const t = ts.next();
  let level = 0;
  for (;;) {
    if (ts.accept('.')) level += 1;
    else if (ts.accept('...')) level += 3;
    else break;
  }
  const module = ts.at('import') ? '' : dotted(ts, "after 'from'");
  ts.expect('import', `after 'from ${'.'.repeat(level)}${module}'`);
  const paren = ts.accept('(');
  const names = parseAliases(ts, false);
  if (paren) ts.expect(')', 'to close the imported names');
  return { kind: 'from', module, level, names, loc: ts.loc(t) };
}

/** `a.b [as c], ...` for `import` (dotted) or plain names for `from ... import`. */
function parseAliases(ts: TokenStream, allowDots: boolean): ImportAlias[] {
  const names: ImportAlias[] = [];
  do {
    if (ts.at(')')) break;
    const name = allowDots ? dotted(ts, 'to import') : ts.accept('*') ? '*' : ts.expectName('to import');
    names.push(ts.accept('as') ? { name, asname: ts.expectName("after 'as'") } : { name });
  } while (ts.accept(','));
  return names;
}

function dotted(ts: TokenStream, context: string): string {
  let name = ts.expectName(context);
  while (ts.accept('.')) name += `.${ts.expectName("after '.'")}`;
  return name;
}
