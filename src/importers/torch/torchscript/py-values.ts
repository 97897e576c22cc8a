/**
 * The values the TorchScript interpreter works with. Note [TorchScript interpreter values]: traced code
 * mixes three worlds, and each keeps its own form until an op needs it:
 * - graph values (`value`): tensors and ints computed by source nodes (`torch.size(x, 0)`, `int(b)`);
 * - Python literals (`int`, `float`, `bool`, `str`, `none`, `device`): folded while interpreting and
 *   turned into ONNX Constant nodes only where they are passed to an op (SourceGraphBuilder.pyValue);
 * - containers (`list`, `tuple`, `dict`) and module objects (`module`): they never become graph values
 *   by themselves. A tuple is how a submodule returns several results and how `a, b, = f()` unpacks
 *   them; a list display becomes a prim::ListConstruct (or one constant when all its items are
 *   literals) only when it is an op's argument.
 * A module value is an object of data.pkl with its class from code/ and its dotted path from the root,
 * which names its tensors (`layer1.0.conv1.weight`) and the nodes of its inlined methods.
 */
import type { PyObject } from '../../../formats/torch/pickle/values.js';
import type { TorchScriptClass } from '../../../formats/torch/torchscript/index.js';
import type { Value } from '../../../ir/value.js';

export type ScalarKind = 'int' | 'float' | 'bool';

export type PyVal =
  | { kind: 'value'; value: Value }
  | { kind: 'none' }
  | { kind: 'int'; value: number | bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'device'; value: string }
  /** `elem`: the element type `annotate(List[T], ...)` declared, which types an empty list. */
  | { kind: 'list'; items: PyVal[]; elem?: string }
  | { kind: 'tuple'; items: PyVal[] }
  | { kind: 'dict'; keys: PyVal[]; values: PyVal[] }
  | { kind: 'module'; obj: PyObject; cls: TorchScriptClass; path: string }
  /** `uninitialized(T)`: a placeholder the printer writes on paths that raise; any use is an error. */
  | { kind: 'uninitialized'; type: string };

export type Literal = Extract<PyVal, { kind: 'none' | 'int' | 'float' | 'bool' | 'str' | 'device' }>;

export const NONE: PyVal = { kind: 'none' };

export function graphValue(value: Value): PyVal {
  return { kind: 'value', value };
}

export function int(value: number | bigint): PyVal {
  return { kind: 'int', value: normInt(value) };
}

export function float(value: number): PyVal {
  return { kind: 'float', value };
}

export function bool(value: boolean): PyVal {
  return { kind: 'bool', value };
}

/** Ints are numbers while they are safe integers, bigints beyond (int64 max survives). */
export function normInt(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function isLiteral(v: PyVal): v is Literal {
  return v.kind === 'none' || v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'str' || v.kind === 'device';
}

/** Python's truth value of a literal or container; undefined for graph values (known only at run time). */
export function truthy(v: PyVal): boolean | undefined {
  switch (v.kind) {
    case 'none':
      return false;
    case 'int':
    case 'float':
      return Number(v.value) !== 0;
    case 'bool':
      return v.value;
    case 'str':
      return v.value !== '';
    case 'list':
    case 'tuple':
      return v.items.length > 0;
    case 'dict':
      return v.keys.length > 0;
    case 'device':
    case 'module':
      return true;
    default:
      return undefined;
  }
}

/** A short description for messages: `int 3`, `a tensor`, `module conv1 (Conv2d)`. */
export function describe(v: PyVal): string {
  switch (v.kind) {
    case 'value':
      return `the graph value ${JSON.stringify(v.value.name)}`;
    case 'none':
      return 'None';
    case 'int':
    case 'float':
    case 'bool':
      return `${v.kind} ${String(v.value)}`;
    case 'str':
      return `str ${JSON.stringify(v.value)}`;
    case 'device':
      return `device ${JSON.stringify(v.value)}`;
    case 'list':
    case 'tuple':
      return `a ${v.kind} of ${v.items.length}`;
    case 'dict':
      return `a dict of ${v.keys.length}`;
    case 'module':
      return `module ${v.path === '' ? '(root)' : v.path} (${v.cls.name})`;
    case 'uninitialized':
      return `an uninitialized ${v.type}`;
  }
}
