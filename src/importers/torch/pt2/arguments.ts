/**
 * Program arguments (the single-key `Argument` unions of FORMATS.md 2.3) as source-node inputs, following
 * Note [source node arguments]: tensors and SymInts are the values that define them, tensor lists are
 * prim::ListConstruct values, Python constants are Constant values (ints INT64, floats DOUBLE), None is
 * null, and dtypes are c10 ScalarType numbers. A kind we cannot read becomes a marker node the lowering
 * driver reports with the unsupported ops (see `ArgScope.unsupported`), never an exception.
 */
import { DataType } from '../../../ir/dtype.js';
import { ArrayTensor, StringTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { type Argument, type ArgumentVariants, type Device, unionKey, wireFloat } from '../../../formats/torch/pt2/index.js';
import { exportScalarTypeToC10 } from '../dtypes.js';
import type { SourceGraphBuilder } from '../source-graph.js';

/** What argument conversion needs from the graph being built. */
export interface ArgScope {
  readonly builder: SourceGraphBuilder;
  /** The value a program name (tensor or SymInt) refers to; a FormatError when nothing defines it. */
  value(name: string, where: string): Value;
  /** A placeholder value made by a source node no rule lowers, so the driver lists `what` as unsupported. */
  unsupported(what: string, where: string): Value;
  /** A constant of a type pyValue cannot make (string lists, typed empty lists). */
  tensorConstant(t: ArrayTensor | StringTensor): Value;
}

type Kind = keyof ArgumentVariants;
type Literal = number | bigint | boolean;

const TWO_63 = 2 ** 63;
const INT64_MAX = 9223372036854775807n;

/**
 * A JSON int as a Python int. JSON.parse reads torch's "to the end" bound 9223372036854775807 as the
 * double 2^63, which would wrap to INT64_MIN in an int64 tensor; clamp it back to INT64_MAX.
 */
export function pyInt(n: number): number | bigint {
  return n >= TWO_63 ? INT64_MAX : n;
}

/** `cpu`, `cuda:0`: the string TorchScript code would hold (lowerings ignore devices). */
function deviceString(d: Device): string {
  return d.index === undefined || d.index === null ? d.type : `${d.type}:${d.index}`;
}

/** Builds the input value of one argument; `where` names it for messages (`node.arg`). */
export function argumentValue(scope: ArgScope, arg: Argument, where: string): Value | null {
  const b = scope.builder;
  const kind = unionKey(arg) as Kind;
  switch (kind) {
    case 'as_none':
      return null;
    case 'as_tensor':
      return scope.value(arg.as_tensor!.name, where);
    case 'as_tensors':
      return b.list(arg.as_tensors!.map((t) => scope.value(t.name, where)));
    case 'as_optional_tensors':
      return b.list(arg.as_optional_tensors!.map((t) => (t.as_tensor ? scope.value(t.as_tensor.name, where) : null)));
    case 'as_optional_tensor': {
      const t = arg.as_optional_tensor!;
      return t.as_tensor ? scope.value(t.as_tensor.name, where) : null;
    }
    case 'as_int':
      return b.pyValue(pyInt(arg.as_int!));
    case 'as_ints':
      return literalList(scope, arg.as_ints!.map(pyInt), DataType.INT64);
    case 'as_float':
      return b.pyValue(wireFloat(arg.as_float!), 'float');
    case 'as_floats':
      return literalList(scope, arg.as_floats!.map(wireFloat), DataType.DOUBLE);
    case 'as_bool':
      return b.pyValue(arg.as_bool!);
    case 'as_bools':
      return literalList(scope, arg.as_bools!, DataType.BOOL);
    case 'as_string':
      return b.pyValue(arg.as_string!);
    case 'as_strings': {
      const texts = arg.as_strings!.map((s) => new TextEncoder().encode(s));
      return scope.tensorConstant(new StringTensor([texts.length], texts));
    }
    case 'as_sym_int':
      return symbolic(scope, arg.as_sym_int!, where, DataType.INT64);
    case 'as_sym_ints':
      return symbolicList(scope, arg.as_sym_ints!, where, DataType.INT64);
    case 'as_sym_float':
      return symbolic(scope, arg.as_sym_float!, where, DataType.DOUBLE);
    case 'as_sym_floats':
      return symbolicList(scope, arg.as_sym_floats!, where, DataType.DOUBLE);
    case 'as_sym_bool':
      return symbolic(scope, arg.as_sym_bool!, where, DataType.BOOL);
    case 'as_sym_bools':
      return symbolicList(scope, arg.as_sym_bools!, where, DataType.BOOL);
    case 'as_scalar_type': {
      const c10 = exportScalarTypeToC10(arg.as_scalar_type!);
      return c10 === undefined ? scope.unsupported(`as_scalar_type(${arg.as_scalar_type})`, where) : b.pyValue(c10);
    }
    // Memory formats, layouts and devices say where and how torch stores a tensor; ONNX has no such notion
    // and the lowerings ignore them, but they keep their positions.
    case 'as_memory_format':
      return b.pyValue(arg.as_memory_format!);
    case 'as_layout':
      return b.pyValue(arg.as_layout!);
    case 'as_device':
      return b.pyValue(deviceString(arg.as_device!));
    default:
      // as_graph (control flow), as_custom_obj, as_operator, as_complex, nested lists, and kinds newer
      // than our schema.
      return scope.unsupported(kind, where);
  }
}

/** One SymInt/SymFloat/SymBool: the value named, or the literal as a Python constant. */
function symbolic(scope: ArgScope, s: { as_name?: string; as_int?: number; as_float?: unknown; as_bool?: boolean }, where: string, dtype: DataType): Value {
  if (s.as_name !== undefined) return scope.value(s.as_name, where);
  const lit = literalOf(s, dtype);
  return scope.builder.pyValue(lit, dtype === DataType.DOUBLE ? 'float' : undefined)!;
}

/**
 * A list of SymInts (a size argument such as `[s0, -1, 8]`): a constant when every item is a literal,
 * else a prim::ListConstruct of int64 scalars, the form `shapeArg` in ops/util.ts reads (Note [dynamic
 * int arguments]).
 */
function symbolicList(
  scope: ArgScope,
  items: readonly { as_name?: string; as_int?: number; as_float?: unknown; as_bool?: boolean }[],
  where: string,
  dtype: DataType,
): Value {
  if (items.every((s) => s.as_name === undefined)) return literalList(scope, items.map((s) => literalOf(s, dtype)), dtype);
  return scope.builder.list(items.map((s) => symbolic(scope, s, where, dtype)));
}

function literalOf(s: { as_int?: number; as_float?: unknown; as_bool?: boolean }, dtype: DataType): Literal {
  if (dtype === DataType.INT64) return pyInt(s.as_int ?? 0);
  if (dtype === DataType.BOOL) return s.as_bool ?? false;
  return wireFloat((s.as_float ?? 0) as number);
}

/**
 * A constant list. pyValue types a list by its items, so an empty one would come out BOOL whatever it
 * holds; give empty lists their declared element type instead.
 */
function literalList(scope: ArgScope, items: readonly Literal[], dtype: DataType): Value {
  if (items.length > 0) return scope.builder.pyValue(items, dtype === DataType.DOUBLE ? 'float' : undefined)!;
  const data = dtype === DataType.INT64 ? new BigInt64Array(0) : dtype === DataType.DOUBLE ? new Float64Array(0) : new Uint8Array(0);
  return scope.tensorConstant(new ArrayTensor(dtype, [0], data));
}
