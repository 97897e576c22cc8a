/** Helpers shared by this folder's tests: compact statement shapes and position-free AST comparison. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dottedName, type Expr, type Stmt } from './ast.js';
import { formatExpr } from './print.js';

/**
 * A statement reduced to what structure tests check: the call target and argument count of its value
 * (`_0 = torch.chunk/3`, `hx = torch.zeros/1+dtype,layout,device,pin_memory`), else the value's source.
 */
export function stmtShape(s: Stmt): string {
  const list = (e: Expr): string => (e.kind === 'tuple' ? e.elts.map(formatExpr).join(', ') + (e.elts.length === 1 ? ',' : '') : formatExpr(e));
  switch (s.kind) {
    case 'assign':
      return `${s.targets.map(list).join(' = ')} = ${valueShape(s.value)}`;
    case 'return':
      return s.value === undefined ? 'return' : `return ${valueShape(s.value)}`;
    case 'expr':
      return valueShape(s.value);
    default:
      return s.kind;
  }
}

function valueShape(e: Expr): string {
  if (e.kind !== 'call') return formatExpr(e);
  const callee = dottedName(e.func) ?? formatExpr(e.func);
  const kw = e.keywords.length > 0 ? `+${e.keywords.map((k) => k.name).join(',')}` : '';
  return `${callee}/${e.args.length}${kw}`;
}

/** JSON of an AST without positions (bigints as `123n`), for parse(print(x)) == x checks. */
export function withoutLoc(node: unknown): string {
  return JSON.stringify(node, (key, value: unknown) => {
    if (key === 'loc') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  });
}

/**
 * The `code/` text entries of one testdata case folder, named as in an archive saved to `<case>.pt`:
 * `<case>/code/__torch__/torch/nn/modules/conv.py`.
 */
export function caseEntries(dir: string, caseName: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else if (name.endsWith('.py')) entries.set(`${caseName}/code/${path}`, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return entries;
}
