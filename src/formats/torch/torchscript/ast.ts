/**
 * AST of TorchScript's generated Python (`code/**.py`). Shapes follow Python's own `ast` module loosely,
 * cut down to what the printer emits. Every node carries `loc` (archive entry, line, column) so later
 * stages (the IR builder, the lowering) can point at the source line of an op they reject.
 *
 * Literal choices: ints are exact (`number` up to 2^53 - 1, `bigint` beyond, so int64 max
 * 9223372036854775807 survives); `-` applied directly to a number literal is folded into a negative
 * literal (the printer writes negative constants that way); the names `inf` and `nan` are float literals
 * (TorchScript's importer defines them as constants).
 */
import type { Loc } from './syntax-error.js';

export type { Loc } from './syntax-error.js';

// ---- types ----------------------------------------------------------------------------------------

/**
 * A type as written in annotations: a dotted name (`Tensor`, `__torch__.a.b.C`) with optional
 * arguments. `args` is undefined without brackets; `Tuple[()]` (the empty tuple type) has `args: []`.
 */
export interface TypeExpr {
  kind: 'type';
  name: string;
  args?: TypeExpr[];
  loc: Loc;
}

// ---- expressions ----------------------------------------------------------------------------------

export interface NameExpr { kind: 'name'; id: string; loc: Loc }
export interface IntExpr { kind: 'int'; value: number | bigint; loc: Loc }
/** `raw` is the source spelling (`2.`, `1.0000000000000001e-05`, `-inf`), for messages and goldens. */
export interface FloatExpr { kind: 'float'; value: number; raw: string; loc: Loc }
export interface StringExpr { kind: 'string'; value: string; loc: Loc }
export interface BoolExpr { kind: 'bool'; value: boolean; loc: Loc }
export interface NoneExpr { kind: 'none'; loc: Loc }
export interface EllipsisExpr { kind: 'ellipsis'; loc: Loc }
/** `value.attr`, e.g. `self.weight`, `torch.add`, `CONSTANTS.c0`, `ops.prim.NumToTensor`. */
export interface AttributeExpr { kind: 'attribute'; value: Expr; attr: string; loc: Loc }
export interface Keyword { name: string; value: Expr; loc: Loc }
export interface CallExpr { kind: 'call'; func: Expr; args: Expr[]; keywords: Keyword[]; loc: Loc }
/** `value[index]`; several indices make `index` a tuple, `a:b:c` makes a slice. */
export interface SubscriptExpr { kind: 'subscript'; value: Expr; index: Expr; loc: Loc }
export interface SliceExpr { kind: 'slice'; lower?: Expr; upper?: Expr; step?: Expr; loc: Loc }
export interface TupleExpr { kind: 'tuple'; elts: Expr[]; loc: Loc }
export interface ListExpr { kind: 'list'; elts: Expr[]; loc: Loc }
export interface DictExpr { kind: 'dict'; keys: Expr[]; values: Expr[]; loc: Loc }
export type UnaryOp = '-' | '+' | '~' | 'not';
export interface UnaryExpr { kind: 'unary'; op: UnaryOp; operand: Expr; loc: Loc }
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '|' | '^';
export interface BinaryExpr { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; loc: Loc }
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'is' | 'is not' | 'in' | 'not in';
/** Python's chained comparison: `left ops[0] comparators[0] ops[1] comparators[1] ...`. */
export interface CompareExpr { kind: 'compare'; left: Expr; ops: CompareOp[]; comparators: Expr[]; loc: Loc }
export interface BoolOpExpr { kind: 'boolop'; op: 'and' | 'or'; values: Expr[]; loc: Loc }
/** `body if test else orelse`. */
export interface IfExpr { kind: 'ifexp'; test: Expr; body: Expr; orelse: Expr; loc: Loc }
/**
 * A type in value position: the first argument of `annotate(T, v)`, `unchecked_cast(T, v)`,
 * `uninitialized(T)` and the second of `isinstance(v, T)`.
 */
export interface TypeArgExpr { kind: 'typearg'; type: TypeExpr; loc: Loc }

export type Expr =
  | NameExpr | IntExpr | FloatExpr | StringExpr | BoolExpr | NoneExpr | EllipsisExpr
  | AttributeExpr | CallExpr | SubscriptExpr | SliceExpr | TupleExpr | ListExpr | DictExpr
  | UnaryExpr | BinaryExpr | CompareExpr | BoolOpExpr | IfExpr | TypeArgExpr;

// ---- statements -----------------------------------------------------------------------------------

/** `target = value`; `a, b, = f()` gives a tuple target. Chained `a = b = v` lists every target. */
export interface AssignStmt { kind: 'assign'; targets: Expr[]; value: Expr; loc: Loc }
/** `target : T` or `target : T = value` (class attribute declarations, `Final` constants). */
export interface AnnAssignStmt { kind: 'annassign'; target: Expr; annotation: TypeExpr; value?: Expr; loc: Loc }
export interface AugAssignStmt { kind: 'augassign'; target: Expr; op: BinaryOp; value: Expr; loc: Loc }
export interface ExprStmt { kind: 'expr'; value: Expr; loc: Loc }
export interface ReturnStmt { kind: 'return'; value?: Expr; loc: Loc }
/** `elif` arrives as an `if` alone in `orelse`, with `elif: true`. */
export interface IfStmt { kind: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; elif: boolean; loc: Loc }
export interface ForStmt { kind: 'for'; target: Expr; iter: Expr; body: Stmt[]; loc: Loc }
export interface WhileStmt { kind: 'while'; test: Expr; body: Stmt[]; loc: Loc }
export interface WithItem { context: Expr; target?: Expr }
export interface WithStmt { kind: 'with'; items: WithItem[]; body: Stmt[]; loc: Loc }
export interface PassStmt { kind: 'pass'; loc: Loc }
export interface BreakStmt { kind: 'break'; loc: Loc }
export interface ContinueStmt { kind: 'continue'; loc: Loc }
export interface AssertStmt { kind: 'assert'; test: Expr; msg?: Expr; loc: Loc }
export interface RaiseStmt { kind: 'raise'; exc?: Expr; cause?: Expr; loc: Loc }
export interface DelStmt { kind: 'del'; targets: Expr[]; loc: Loc }
export interface Param { name: string; annotation?: TypeExpr; default?: Expr; loc: Loc }
export interface FunctionDef { kind: 'def'; name: string; params: Param[]; returns?: TypeExpr; body: Stmt[]; loc: Loc }
/** `bases` are dotted names: `Module`, `NamedTuple`, `Enum`, `ModuleInterface`, or none for script classes. */
export interface ClassDef { kind: 'class'; name: string; bases: string[]; body: Stmt[]; loc: Loc }
export interface ImportAlias { name: string; asname?: string }
/** `import a.b.c [as x], ...` */
export interface ImportStmt { kind: 'import'; names: ImportAlias[]; loc: Loc }
/** `from a.b import c [as x], ...` (`level` counts leading dots). */
export interface ImportFromStmt { kind: 'from'; module: string; level: number; names: ImportAlias[]; loc: Loc }

export type Stmt =
  | AssignStmt | AnnAssignStmt | AugAssignStmt | ExprStmt | ReturnStmt | IfStmt | ForStmt | WhileStmt
  | WithStmt | PassStmt | BreakStmt | ContinueStmt | AssertStmt | RaiseStmt | DelStmt | FunctionDef
  | ClassDef | ImportStmt | ImportFromStmt;

/** One parsed `code/**.py` entry. */
export interface ModuleAst { kind: 'module'; file: string; body: Stmt[] }

/** `a.b.c` for a chain of names and attributes, else undefined. */
export function dottedName(e: Expr): string | undefined {
  if (e.kind === 'name') return e.id;
  if (e.kind === 'attribute') {
    const base = dottedName(e.value);
    return base === undefined ? undefined : `${base}.${e.attr}`;
  }
  return undefined;
}

/** The type as TorchScript prints it: `Dict[str, List[Tensor]]`, `Tuple[()]`. */
export function typeToString(t: TypeExpr): string {
  if (t.args === undefined) return t.name;
  if (t.args.length === 0) return `${t.name}[()]`;
  return `${t.name}[${t.args.map(typeToString).join(', ')}]`;
}
