/**
 * The serialized torch.export program (`models/<model>.json`), as interfaces that mirror
 * pt2-program.schema.json. A value of these types has passed that schema; nothing here is checked again.
 *
 * Unions are single-key objects on the wire (`{"as_int": 3}`). They are typed as `OneOf<{...}>`: every
 * variant key optional, exactly one present at run time. Use `unionKey()` to learn which.
 */

/** Floats that torch writes as strings when not finite. */
export type WireFloat = number | 'Infinity' | '-Infinity' | 'NaN';

/** One key of V present; the schema enforces "exactly one". */
export type OneOf<V> = { [K in keyof V]: { [P in K]: V[K] } & { [P in Exclude<keyof V, K>]?: never } }[keyof V];

/** The variant key of a single-key union object. */
export function unionKey<T extends object>(u: T): keyof T & string {
  const k = Object.keys(u)[0];
  if (k === undefined) throw new TypeError('empty union object');
  return k as keyof T & string;
}

/** Decodes a wire float (`"-Infinity"` -> -Infinity). */
export function wireFloat(f: WireFloat): number {
  if (typeof f === 'number') return f;
  return f === 'Infinity' ? Infinity : f === '-Infinity' ? -Infinity : NaN;
}

export interface ExportedProgram {
  graph_module: GraphModule;
  /** Namespace -> version, e.g. `{ aten: 10 }`. */
  opset_version: Record<string, number>;
  /** Symbol name (e.g. `s77`) -> bounds. */
  range_constraints: Record<string, RangeConstraint>;
  schema_version: SchemaVersion;
  /** `TRAINING` for `torch.export.export`, `ATEN` after `run_decompositions()`. */
  verifiers?: string[];
  torch_version?: string;
  guards_code?: string[];
}

export interface SchemaVersion {
  major: number;
  minor: number;
}

/** null = unbounded on that side. */
export interface RangeConstraint {
  min_val: number | null;
  max_val: number | null;
}

export interface GraphModule {
  graph: Graph;
  signature: GraphSignature;
  module_call_graph: ModuleCallEntry[];
  metadata?: Record<string, string>;
  treespec_namedtuple_fields?: Record<string, { field_names: string[] }>;
}

export interface ModuleCallEntry {
  fqn: string;
  signature?: ModuleCallSignature | null;
}

export interface ModuleCallSignature {
  inputs: Argument[];
  outputs: Argument[];
  /** pytree treespecs, themselves JSON text. */
  in_spec: string;
  out_spec: string;
  forward_arg_names?: string[] | null;
}

export interface Graph {
  inputs: Argument[];
  outputs: Argument[];
  nodes: Node[];
  tensor_values: Record<string, TensorMeta>;
  sym_int_values: Record<string, SymInt>;
  sym_bool_values: Record<string, SymBool>;
  is_single_tensor_return?: boolean;
  custom_obj_values?: Record<string, CustomObjArgument>;
  sym_float_values?: Record<string, SymFloat>;
}

export interface Node {
  /** `torch.ops.aten.add.Tensor`, or a Python callable such as `_operator.mul`. */
  target: string;
  inputs: NamedArgument[];
  /** One entry per output; a multi-output op lists each (no getitem nodes). */
  outputs: Argument[];
  /** stack_trace, nn_module_stack, torch_fn, ... */
  metadata: Record<string, string>;
  is_hop_single_tensor_return?: boolean | null;
  name?: string | null;
}

export enum ArgumentKind {
  UNKNOWN = 0,
  POSITIONAL = 1,
  KEYWORD = 2,
}

export interface NamedArgument {
  name: string;
  arg: Argument;
  kind?: ArgumentKind | null;
}

export interface TensorMeta {
  /** Export ScalarType numbering; see scalar-type.ts. */
  dtype: number;
  sizes: SymInt[];
  requires_grad: boolean;
  device: Device;
  strides: SymInt[];
  storage_offset: SymInt;
  /** 7 = Strided. */
  layout: number;
}

export interface Device {
  type: string;
  index?: number | null;
}

export interface SymExpr {
  /** sympy srepr in torch 2.13 (`Symbol('s77', positive=True, integer=True)`); plain `str()` in older files. */
  expr_str: string;
  hint?: SymExprHint | null;
}

export type SymExprHint = OneOf<{ as_int: number; as_bool: boolean; as_float: WireFloat }>;
export type SymInt = OneOf<{ as_expr: SymExpr; as_int: number }>;
export type SymFloat = OneOf<{ as_expr: SymExpr; as_float: WireFloat }>;
export type SymBool = OneOf<{ as_expr: SymExpr; as_bool: boolean }>;

export interface TensorArgument {
  name: string;
}
export interface TokenArgument {
  name: string;
}
export interface CustomObjArgument {
  name: string;
  class_fqn: string;
}
export interface GraphArgument {
  name: string;
  graph: Graph;
}
export interface ComplexValue {
  real: WireFloat;
  imag: WireFloat;
}

/** `as_name` refers to a SymInt value of the graph; `as_int` is a literal inside a mixed list. */
export type SymIntArgument = OneOf<{ as_name: string; as_int: number }>;
export type SymFloatArgument = OneOf<{ as_name: string; as_float: WireFloat }>;
export type SymBoolArgument = OneOf<{ as_name: string; as_bool: boolean }>;
export type OptionalTensorArgument = OneOf<{ as_tensor: TensorArgument; as_none: boolean }>;

export interface ArgumentVariants {
  as_none: boolean;
  as_tensor: TensorArgument;
  as_tensors: TensorArgument[];
  as_int: number;
  as_ints: number[];
  as_float: WireFloat;
  as_floats: WireFloat[];
  as_string: string;
  as_strings: string[];
  as_sym_int: SymIntArgument;
  as_sym_ints: SymIntArgument[];
  as_scalar_type: number;
  as_memory_format: number;
  as_layout: number;
  as_device: Device;
  as_bool: boolean;
  as_bools: boolean[];
  as_sym_bool: SymBoolArgument;
  as_sym_bools: SymBoolArgument[];
  as_graph: GraphArgument;
  as_optional_tensors: OptionalTensorArgument[];
  as_custom_obj: CustomObjArgument;
  as_operator: string;
  as_sym_float: SymFloatArgument;
  as_sym_floats: SymFloatArgument[];
  as_optional_tensor: OptionalTensorArgument;
  as_complex: ComplexValue;
  as_nested_tensors: TensorArgument[][];
  as_int_lists: number[][];
  as_string_to_argument: Record<string, Argument>;
  as_float_lists: WireFloat[][];
}

/**
 * An argument. The schema lets an unknown `as_*` variant through (newer torch); `unionKey()` then returns
 * a key outside `ArgumentVariants`, which the importer reports as unsupported.
 */
export type Argument = OneOf<ArgumentVariants>;

export interface GraphSignature {
  input_specs: InputSpec[];
  output_specs: OutputSpec[];
}

export type ConstantValue = OneOf<{ as_none: boolean; as_int: number; as_float: WireFloat; as_string: string; as_bool: boolean }>;

export type InputSpec = OneOf<{
  user_input: { arg: Argument };
  parameter: { arg: TensorArgument; parameter_name: string };
  buffer: { arg: TensorArgument; buffer_name: string; persistent: boolean };
  tensor_constant: { arg: TensorArgument; tensor_constant_name: string };
  custom_obj: { arg: CustomObjArgument; custom_obj_name: string };
  token: { arg: TokenArgument };
  constant_input: { name: string; value: ConstantValue };
}>;

export type OutputSpec = OneOf<{
  user_output: { arg: Argument };
  loss_output: { arg: TensorArgument };
  buffer_mutation: { arg: TensorArgument; buffer_name: string };
  gradient_to_parameter: { arg: TensorArgument; parameter_name: string };
  gradient_to_user_input: { arg: TensorArgument; user_input_name: string };
  user_input_mutation: { arg: TensorArgument; user_input_name: string };
  token: { arg: TokenArgument };
  parameter_mutation: { arg: TensorArgument; parameter_name: string };
}>;

/** `data/weights/<model>_weights_config.json`, `data/constants/<model>_constants_config.json`. */
export interface PayloadConfig {
  config: Record<string, PayloadMeta>;
}

export interface PayloadMeta {
  /** Entry name inside the weights/constants folder, e.g. `weight_0`; shared by aliases. */
  path_name: string;
  is_param: boolean;
  /** A torch.save zip (tensor subclass) or a pickled custom object instead of raw storage bytes. */
  use_pickle: boolean;
  /** null for custom objects. */
  tensor_meta: TensorMeta | null;
}
