/**
 * `self.<name>` on a module object of data.pkl. The pickle holds the attribute values (tensors,
 * submodule objects, plain Python values); the class in code/ holds their declared types, which tell
 * `1.0` (float) from `1` (int) where the pickle cannot, and class-level constants (`Final` values).
 * Tensors become graph initializers named by their dotted path from the root (`layer1.0.conv1.weight`),
 * as views of the archive's bytes: nothing is copied.
 */
import { kindOf, PyDict, PyObject, PyTuple, TorchDevice, type PickleValue } from '../../../formats/torch/pickle/values.js';
import { typeToString, type Expr, type Loc, type TypeExpr } from '../../../formats/torch/torchscript/index.js';
import { Tensor } from '../../../ir/tensor.js';
import type { ImportContext } from './import-context.js';
import { bool, float, int, NONE, type PyVal } from './py-values.js';

export type ModuleVal = Extract<PyVal, { kind: 'module' }>;

/** A module object as an interpreter value; its class must be defined in the archive's code/. */
export function moduleValue(ctx: ImportContext, obj: PyObject, path: string, loc: Loc): ModuleVal {
  const cls = ctx.code.classes.get(obj.className);
  if (cls === undefined) throw ctx.fail(`the object ${path === '' ? '(root)' : path} is of class ${obj.className}, which code/ does not define`, loc);
  return { kind: 'module', obj, cls, path };
}

/** Resolves `mod.name`; `evalConst` evaluates a class-level constant's expression. */
export function moduleAttribute(ctx: ImportContext, mod: ModuleVal, name: string, loc: Loc, evalConst: (e: Expr) => PyVal): PyVal {
  const state = mod.obj.state;
  const where = mod.path === '' ? 'the root module' : `module ${mod.path}`;
  if (!(state instanceof PyDict)) throw ctx.fail(`${where} (${mod.cls.name}) has no attribute dict (its state is a ${kindOf(state)})`, loc);
  const path = mod.path === '' ? name : `${mod.path}.${name}`;
  if (state.has(name)) return fromPickle(ctx, state.get(name) as PickleValue, mod.cls.attributes.get(name), path, loc);
  const constant = mod.cls.constants.get(name);
  if (constant !== undefined) return evalConst(constant.value);
  throw ctx.fail(`${where} (${mod.cls.qualifiedName}) has no attribute ${JSON.stringify(name)}`, loc);
}

/** A pickled attribute value as an interpreter value, typed by its declaration where it has one. */
export function fromPickle(ctx: ImportContext, raw: PickleValue, declared: TypeExpr | undefined, path: string, loc: Loc): PyVal {
  if (raw instanceof Tensor) return { kind: 'value', value: ctx.initializer(raw, path) };
  if (raw instanceof PyObject) return moduleValue(ctx, raw, path, loc);
  const type = declared === undefined ? '' : typeToString(declared);
  if (raw === null) return NONE;
  switch (typeof raw) {
    case 'boolean':
      return bool(raw);
    case 'number':
      if (/\bfloat\b/.test(type)) return float(raw);
      if (/\bint\b/.test(type) || Number.isInteger(raw)) return int(raw);
      return float(raw);
    case 'bigint':
      return int(raw);
    case 'string':
      return { kind: 'str', value: raw };
  }
  const elem = declared?.args?.[0];
  if (Array.isArray(raw)) {
    const items = raw.map((x, i) => fromPickle(ctx, x, elem, `${path}.${i}`, loc));
    return elem === undefined ? { kind: 'list', items } : { kind: 'list', items, elem: typeToString(elem) };
  }
  if (raw instanceof PyTuple) {
    return { kind: 'tuple', items: raw.items.map((x, i) => fromPickle(ctx, x, declared?.args?.[i], `${path}.${i}`, loc)) };
  }
  if (raw instanceof PyDict) {
    const keys: PyVal[] = [];
    const values: PyVal[] = [];
    for (const [k, v] of raw) {
      keys.push(fromPickle(ctx, k, declared?.args?.[0], path, loc));
      values.push(fromPickle(ctx, v, declared?.args?.[1], `${path}.${String(k)}`, loc));
    }
    return { kind: 'dict', keys, values };
  }
  if (raw instanceof TorchDevice) return { kind: 'device', value: raw.index === undefined ? raw.type : `${raw.type}:${raw.index}` };
  throw ctx.refuse(`a module attribute holding a ${kindOf(raw)} (${path})`, loc);
}
