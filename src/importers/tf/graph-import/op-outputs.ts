/**
 * How many outputs a TF op has and how its output args are laid out, for the ops with more than one output
 * or a list output. TF names an output inside a FunctionDef by arg name (`bn:batch_mean:0`, `split:output:2`)
 * and in a GraphDef by flat index (`bn:1`, `split:2`); both need the op's output args (its OpDef), which a
 * GraphDef does not carry (`stripped_op_list` covers the top-level graph only). Ops not listed have one
 * output arg holding one tensor, the common case. One table: add a row when a model uses a new
 * multi-output op.
 */
import type { AttrValue } from '../../../formats/tf/index.js';
import { mapGet, safeInt } from '../../../formats/tf/index.js';

/** An output arg's size: one tensor, `number_attr` (an int attr), or the length of a `type_list_attr`. */
type ArgSize = 1 | { number: string } | { types: string };
type OutputArgs = readonly (readonly [name: string, size: ArgSize])[];

const one = (...names: string[]): OutputArgs => names.map((n) => [n, 1] as const);
const bn = one('y', 'batch_mean', 'batch_variance', 'reserve_space_1', 'reserve_space_2');
const bn3 = one('y', 'batch_mean', 'batch_variance', 'reserve_space_1', 'reserve_space_2', 'reserve_space_3');
const typeList = (attr: string, name = 'output'): OutputArgs => [[name, { types: attr }]];
const numbered = (attr: string, name = 'output'): OutputArgs => [[name, { number: attr }]];

const OUTPUT_ARGS: Readonly<Record<string, OutputArgs>> = {
  // Ops run for their effect, with no outputs (they are never a frozen graph's output).
  NoOp: [],
  ControlTrigger: [],
  Assert: [],
  PrintV2: [],
  AssignVariableOp: [],
  AssignAddVariableOp: [],
  AssignSubVariableOp: [],
  DisableCopyOnRead: [],
  SaveV2: [],
  Save: [],
  SaveSlices: [],
  MergeV2Checkpoints: [],
  DestroyResourceOp: [],
  // Control flow and calls: one output per entry of the type list.
  While: typeList('T'),
  StatelessWhile: typeList('T'),
  If: typeList('Tout'),
  StatelessIf: typeList('Tout'),
  Case: typeList('Tout'),
  StatelessCase: typeList('Tout'),
  PartitionedCall: typeList('Tout'),
  StatefulPartitionedCall: typeList('Tout'),
  IdentityN: typeList('T'),
  // TF1 control flow (Note [v1 control flow] in control-flow-v1.ts).
  Switch: one('output_false', 'output_true'),
  RefSwitch: one('output_false', 'output_true'),
  Merge: one('output', 'value_index'),
  RefMerge: one('output', 'value_index'),
  // Splitting.
  Split: numbered('num_split'),
  SplitV: numbered('num_split'),
  Unpack: numbered('num'),
  ShapeN: numbered('N'),
  DynamicPartition: numbered('num_partitions', 'outputs'),
  // Normalization.
  FusedBatchNorm: bn,
  FusedBatchNormV2: bn,
  FusedBatchNormV3: bn3,
  _FusedBatchNormEx: bn3,
  // Several tensors at once.
  TopK: one('values', 'indices'),
  TopKV2: one('values', 'indices'),
  Unique: one('y', 'idx'),
  UniqueV2: one('y', 'idx'),
  UniqueWithCounts: one('y', 'idx', 'count'),
  UniqueWithCountsV2: one('y', 'idx', 'count'),
  MaxPoolWithArgmax: one('output', 'argmax'),
  BroadcastGradientArgs: one('r0', 'r1'),
  Qr: one('q', 'r'),
  Svd: one('s', 'u', 'v'),
  SelfAdjointEigV2: one('e', 'v'),
  NonMaxSuppressionV4: one('selected_indices', 'valid_outputs'),
  NonMaxSuppressionV5: one('selected_indices', 'selected_scores', 'valid_outputs'),
  TensorListPopBack: one('output_handle', 'tensor'),
  LSTMBlockCell: one('i', 'cs', 'f', 'o', 'ci', 'co', 'h'),
  GRUBlockCell: one('r', 'u', 'c', 'h'),
  SparseFillEmptyRows: one('output_indices', 'output_values', 'empty_row_indicator', 'reverse_index_map'),
  QuantizeV2: one('output', 'output_min', 'output_max'),
};

/** An arg's size; undefined when the attr that sizes it is missing (then the node's readers decide). */
function argSize(size: ArgSize, attrs: Record<string, AttrValue> | undefined): number | undefined {
  if (size === 1) return 1;
  if ('number' in size) {
    const a = mapGet(attrs, size.number);
    return a?.i === undefined ? undefined : Math.max(0, safeInt(a.i) ?? 0);
  }
  return mapGet(attrs, size.types)?.list?.type?.length;
}

function argsOf(op: string): OutputArgs | undefined {
  return Object.hasOwn(OUTPUT_ARGS, op) ? OUTPUT_ARGS[op]! : undefined;
}

/**
 * The number of outputs of a node of `op` with `attrs`: from the table, 1 for ops not in it, undefined
 * when an attr the table needs is missing.
 */
export function outputCount(op: string, attrs: Record<string, AttrValue> | undefined): number | undefined {
  const args = argsOf(op);
  if (args === undefined) return 1;
  let n = 0;
  for (const [, size] of args) {
    const k = argSize(size, attrs);
    if (k === undefined) return undefined;
    n += k;
  }
  return n;
}

/**
 * The flat output index of `<node>:<arg>:<k>` (FunctionDef naming), or undefined when the op has no such
 * output arg. For ops not in the table any arg name means the single output arg, so the index is `k`.
 */
export function flatOutputIndex(op: string, attrs: Record<string, AttrValue> | undefined, arg: string, k: number): number | undefined {
  const args = argsOf(op);
  if (args === undefined) return k;
  let base = 0;
  for (const [name, size] of args) {
    const n = argSize(size, attrs);
    if (name === arg) return n === undefined || k < n ? base + k : undefined;
    if (n === undefined) return undefined;
    base += n;
  }
  return undefined;
}
