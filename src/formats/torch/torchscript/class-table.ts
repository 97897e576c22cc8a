/**
 * The class table of a TorchScript archive: every `code/**.py` entry parsed, and each class indexed by
 * its qualified name. FORMATS.md §1.1: the code for qualifier `__torch__.a.b` lives in
 * `code/__torch__/a/b.py`, so class `C` in that file is `__torch__.a.b.C`. Mangled duplicates keep
 * their own files (`__torch__.torch.nn.modules.linear.___torch_mangle_20.Linear` in
 * `code/__torch__/torch/nn/modules/linear/___torch_mangle_20.py`). Module-level `def`s (scripted free
 * functions, hooks) are indexed the same way (`__torch__.torch.nn.functional.relu`).
 */
import { dottedName, type ClassDef, type Expr, type FunctionDef, type ImportFromStmt, type ImportStmt, type ModuleAst, type Stmt, type TypeExpr } from './ast.js';
import { parseTorchScript } from './parser.js';
import { TorchScriptSyntaxError } from './syntax-error.js';

export interface TorchScriptClass {
  /** `__torch__.torch.nn.modules.conv.Conv2d` */
  qualifiedName: string;
  name: string;
  /** The archive entry that defines it. */
  file: string;
  /** `Module`, `NamedTuple`, `Enum`, `ModuleInterface`, or none for a script class. */
  bases: string[];
  /** `__parameters__`, in order: which attributes are parameters (the pickle alone does not say). */
  parameters: string[];
  /** `__buffers__`, in order. */
  buffers: string[];
  /** Declared attributes and submodules in order: `weight : Tensor`, `__annotations__["0"] = T`. */
  attributes: Map<string, TypeExpr>;
  /** Class-level values: `in_features : Final[int] = 4`, enum members `RED = 1`. */
  constants: Map<string, { type?: TypeExpr; value: Expr }>;
  forwardHooks: string[];
  forwardPreHooks: string[];
  methods: Map<string, FunctionDef>;
  node: ClassDef;
}

export interface TorchScriptFunction {
  qualifiedName: string;
  file: string;
  node: FunctionDef;
}

export interface TorchScriptFile {
  /** `__torch__.torch.nn.modules.conv` */
  qualifier: string;
  ast: ModuleAst;
  /** `op_version_set = N`, written by old (1.x) exporters only. */
  opVersionSet?: number;
  imports: (ImportStmt | ImportFromStmt)[];
}

export interface TorchScriptCode {
  classes: Map<string, TorchScriptClass>;
  functions: Map<string, TorchScriptFunction>;
  /** Keyed by archive entry name. */
  files: Map<string, TorchScriptFile>;
}

/**
 * Parses every `code/**.py` entry of `entries` (entry name -> UTF-8 text; names may keep the archive's
 * top folder, `traced/code/__torch__.py`, or start at `code/`). Other entries are ignored. Throws a
 * FormatError (TorchScriptSyntaxError) for bad syntax, a duplicate definition, or a class body that
 * does not look like the printer's.
 */
export function loadTorchScriptCode(entries: ReadonlyMap<string, string>): TorchScriptCode {
  const code: TorchScriptCode = { classes: new Map(), functions: new Map(), files: new Map() };
  const names = [...entries.keys()].sort(); // a stable order, so "duplicate" errors name the same pair
  for (const entry of names) {
    const qualifier = qualifierOf(entry);
    if (qualifier === undefined) continue;
    const ast = parseTorchScript(entries.get(entry) as string, entry);
    const file: TorchScriptFile = { qualifier, ast, imports: [] };
    for (const stmt of ast.body) addTopLevel(code, file, stmt);
    code.files.set(entry, file);
  }
  return code;
}

/** `code/__torch__/a/b.py` (optionally under a top folder) -> `__torch__.a.b`; undefined for other entries. */
export function qualifierOf(entry: string): string | undefined {
  const parts = entry.split('/');
  const at = parts[0] === 'code' ? 0 : parts[1] === 'code' ? 1 : -1;
  const last = parts[parts.length - 1] ?? '';
  if (at < 0 || parts.length < at + 2 || !last.endsWith('.py')) return undefined;
  const rest = parts.slice(at + 1);
  rest[rest.length - 1] = last.slice(0, -3);
  return rest.join('.');
}

/** Attribute names whose declared type is a Module class (or module interface) of this archive. */
export function submoduleNames(code: TorchScriptCode, cls: TorchScriptClass): string[] {
  const out: string[] = [];
  for (const [name, type] of cls.attributes) {
    const target = type.args === undefined ? code.classes.get(type.name) : undefined;
    if (target?.bases.some((b) => b === 'Module' || b === 'ModuleInterface')) out.push(name);
  }
  return out;
}

function addTopLevel(code: TorchScriptCode, file: TorchScriptFile, stmt: Stmt): void {
  const entry = file.ast.file;
  switch (stmt.kind) {
    case 'class': {
      const cls = buildClass(`${file.qualifier}.${stmt.name}`, entry, stmt);
      const seen = code.classes.get(cls.qualifiedName);
      if (seen !== undefined) fail(`class ${cls.qualifiedName} is also defined in ${seen.file}`, stmt);
      code.classes.set(cls.qualifiedName, cls);
      return;
    }
    case 'def': {
      const qualifiedName = `${file.qualifier}.${stmt.name}`;
      const seen = code.functions.get(qualifiedName);
      if (seen !== undefined) fail(`function ${qualifiedName} is also defined in ${seen.file}`, stmt);
      code.functions.set(qualifiedName, { qualifiedName, file: entry, node: stmt });
      return;
    }
    case 'import':
    case 'from':
      file.imports.push(stmt);
      return;
    case 'assign': {
      const target = stmt.targets[0];
      if (stmt.targets.length === 1 && target?.kind === 'name' && target.id === 'op_version_set') {
        if (stmt.value.kind !== 'int') fail('op_version_set must be an integer', stmt.value);
        file.opVersionSet = Number(stmt.value.value);
        return;
      }
      break;
    }
    default:
      break;
  }
  fail(`unexpected '${stmt.kind}' statement at the top level (expected class, def, import or op_version_set)`, stmt);
}

const HOOK_LISTS = new Set(['__parameters__', '__buffers__', '__forward_hooks__', '__forward_pre_hooks__']);

function buildClass(qualifiedName: string, file: string, node: ClassDef): TorchScriptClass {
  const cls: TorchScriptClass = {
    qualifiedName, name: node.name, file, bases: node.bases, parameters: [], buffers: [], attributes: new Map(),
    constants: new Map(), forwardHooks: [], forwardPreHooks: [], methods: new Map(), node,
  };
  for (const stmt of node.body) {
    if (stmt.kind === 'pass') continue;
    if (stmt.kind === 'def') {
      if (cls.methods.has(stmt.name)) fail(`method ${stmt.name} of ${qualifiedName} is defined twice`, stmt);
      checkSelfType(qualifiedName, stmt);
      cls.methods.set(stmt.name, stmt);
    } else if (stmt.kind === 'annassign' && stmt.target.kind === 'name') {
      const name = stmt.target.id;
      if (stmt.value === undefined) cls.attributes.set(name, stmt.annotation);
      else cls.constants.set(name, { type: stmt.annotation, value: stmt.value });
    } else if (stmt.kind === 'assign' && stmt.targets.length === 1) {
      const target = stmt.targets[0] as Expr;
      if (target.kind === 'name' && HOOK_LISTS.has(target.id)) {
        const list = stringList(stmt.value, target.id);
        if (target.id === '__parameters__') cls.parameters = list;
        else if (target.id === '__buffers__') cls.buffers = list;
        else if (target.id === '__forward_hooks__') cls.forwardHooks = list;
        else cls.forwardPreHooks = list;
      } else if (target.kind === 'name') {
        cls.constants.set(target.id, { value: stmt.value });
      } else if (target.kind === 'subscript' && dottedName(target.value) === '__annotations__' && target.index.kind === 'string') {
        // Attribute names that are not identifiers (`Sequential`'s "0", "1", ...) are declared this way.
        cls.attributes.set(target.index.value, exprToType(stmt.value));
      } else {
        fail(`unexpected assignment in the body of class ${qualifiedName}`, stmt);
      }
    } else {
      fail(`unexpected '${stmt.kind}' statement in the body of class ${qualifiedName}`, stmt);
    }
  }
  for (const name of [...cls.parameters, ...cls.buffers]) {
    if (!cls.attributes.has(name)) fail(`${qualifiedName} lists '${name}' as a parameter or buffer but declares no attribute '${name}'`, node);
  }
  return cls;
}

/**
 * A method's first parameter is typed with its own class (`self: __torch__.a.M`). Checking it catches a
 * file whose path does not match the qualifier the printer used, which would break every type lookup.
 */
function checkSelfType(qualifiedName: string, def: FunctionDef): void {
  const self = def.params[0]?.annotation;
  if (self !== undefined && self.name.startsWith('__torch__.') && self.name !== qualifiedName) {
    fail(`method ${def.name} takes ${self.name} as self, but its file defines ${qualifiedName}`, self);
  }
}

function stringList(e: Expr, what: string): string[] {
  if (e.kind !== 'list') fail(`${what} must be a list of strings`, e);
  return e.elts.map((x) => {
    if (x.kind !== 'string') fail(`${what} must be a list of strings`, x);
    return x.value;
  });
}

/** A type written as a value (`__annotations__["0"] = __torch__.Blk`, `= List[Tensor]`). */
function exprToType(e: Expr): TypeExpr {
  const name = e.kind === 'none' ? 'None' : dottedName(e);
  if (name !== undefined) return { kind: 'type', name, loc: e.loc };
  if (e.kind === 'subscript') {
    const base = exprToType(e.value);
    if (base.args !== undefined) fail('expected a type', e);
    const index = e.index;
    const args = index.kind === 'tuple' ? index.elts.map(exprToType) : [exprToType(index)];
    return { kind: 'type', name: base.name, args, loc: e.loc };
  }
  if (e.kind === 'tuple' && e.elts.length === 0) fail('the empty tuple `()` is only a type inside Tuple[...]', e);
  return fail('expected a type', e);
}

function fail(message: string, at: { loc: TypeExpr['loc'] }): never {
  throw new TorchScriptSyntaxError(message, at.loc);
}
