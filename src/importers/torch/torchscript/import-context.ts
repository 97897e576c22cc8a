/**
 * What the TorchScript interpreter shares while it runs one archive: the graph being built, unique names,
 * initializers made from the module's tensors, and the bookkeeping for in-place ops. Every source node
 * is made here (`call`), so argument encoding (Note [source node arguments]) lives in one place.
 */
import type { PickleValue } from '../../../formats/torch/pickle/values.js';
import type { Loc, TorchScriptCode } from '../../../formats/torch/torchscript/index.js';
import { DataType } from '../../../ir/dtype.js';
import { FormatError, UnsupportedOpsError } from '../../../ir/errors.js';
import type { Graph } from '../../../ir/graph.js';
import { ArrayTensor, Tensor } from '../../../ir/tensor.js';
import { tensorType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { SourceGraphBuilder } from '../source-graph.js';
import { InPlaceTracker } from './in-place.js';
import { describe, float, int, type PyVal, type ScalarKind } from './py-values.js';

/** Hands out names not used before: `input`, `input_1`, ... */
export class NameScope {
  private readonly used = new Set<string>();

  reserve(name: string): void {
    this.used.add(name);
  }

  unique(base: string): string {
    // The builder names its constants `const_<n>`; keep ours out of that space.
    const stem = /^const_\d+$/.test(base) ? `${base}_` : base || 'v';
    let name = stem;
    for (let k = 1; this.used.has(name); k++) name = `${stem}_${k}`;
    this.used.add(name);
    return name;
  }
}

/** Ops whose result is a Python scalar rather than a tensor (for `a * b` on graph values). */
const SCALAR_RESULTS: Record<string, ScalarKind> = {
  'aten::Int': 'int', 'aten::Float': 'float', 'aten::Bool': 'bool', 'aten::dim': 'int', 'aten::len': 'int',
  'aten::numel': 'int', 'prim::add': 'int', 'prim::sub': 'int', 'prim::mul': 'int', 'prim::floordiv': 'int',
};

export class ImportContext {
  readonly builder: SourceGraphBuilder;
  readonly valueNames = new NameScope();
  private readonly nodeNames = new NameScope();
  private readonly initializers = new Map<Tensor, Value>();
  private readonly constantCache = new Map<number, PyVal>();
  private readonly emptyConstants = new Map<DataType, Value>();
  private readonly scalarKinds = new Map<Value, ScalarKind>();
  readonly inPlace = new InPlaceTracker();
  /** Depth of inlined calls, to stop runaway recursion. */
  depth = 0;

  constructor(
    /** The archive, for messages. */
    readonly file: string,
    readonly code: TorchScriptCode,
    readonly graph: Graph,
    /** The items of constants.pkl: `CONSTANTS.c<i>` is item i. */
    private readonly constants: readonly PickleValue[],
  ) {
    this.builder = new SourceGraphBuilder(graph);
  }

  /** Bad or inconsistent input: names the archive, the code entry and line. */
  fail(message: string, loc: Loc): FormatError {
    return new FormatError(message, { file: this.file, path: `${loc.file} line ${loc.line}` });
  }

  /** A valid construct we do not convert, reported like an unsupported op (exit code 2, one line). */
  refuse(construct: string, loc: Loc): UnsupportedOpsError {
    return new UnsupportedOpsError([{ op: construct, count: 1, exampleNode: `${loc.file} line ${loc.line}` }], { file: this.file });
  }

  /** The initializer holding a module tensor, named by its dotted path; a tensor shared by two paths is one initializer. */
  initializer(t: Tensor, path: string): Value {
    const known = this.initializers.get(t);
    if (known !== undefined) return known;
    const v = this.graph.addInitializer(this.valueNames.unique(path), t);
    v.type = tensorType(t.dtype, t.dims);
    this.initializers.set(t, v);
    return v;
  }

  /** `CONSTANTS.c<i>`: a tensor constant, or a plain value TorchScript put in the table. */
  constant(index: number, loc: Loc): PyVal {
    const hit = this.constantCache.get(index);
    if (hit !== undefined) return hit;
    const c = this.constants[index];
    let v: PyVal;
    if (c instanceof Tensor) v = { kind: 'value', value: this.builder.tensorConstant(c, this.valueNames.unique(`CONSTANTS.c${index}`)) };
    else if (typeof c === 'number') v = Number.isInteger(c) ? int(c) : float(c);
    else if (typeof c === 'bigint') v = int(c);
    else if (typeof c === 'boolean') v = { kind: 'bool', value: c };
    else if (typeof c === 'string') v = { kind: 'str', value: c };
    else if (c === undefined) throw this.fail(`CONSTANTS.c${index} is not in constants.pkl (it holds ${this.constants.length})`, loc);
    else throw this.refuse(`a constant of kind ${c === null ? 'None' : typeof c} (CONSTANTS.c${index})`, loc);
    this.constantCache.set(index, v);
    return v;
  }

  /** An argument as a source-node input (Note [source node arguments]); null for None. */
  materialize(v: PyVal, loc: Loc): Value | null {
    switch (v.kind) {
      case 'value':
        return this.inPlace.read(v.value, (why) => this.refuse(why, loc));
      case 'none':
        return null;
      case 'int':
        return this.builder.pyValue(v.value);
      case 'float':
        return this.builder.pyValue(v.value, 'float');
      case 'bool':
        return this.builder.pyValue(v.value);
      case 'str':
      case 'device':
        // A device is its string (`cpu`, `cuda:0`); rules that take one only need to skip it.
        return this.builder.pyValue(v.value);
      case 'list':
      case 'tuple':
        return this.materializeList(v, loc);
      default:
        throw this.fail(`${describe(v)} cannot be passed to an op`, loc);
    }
  }

  /**
   * A list argument: all-literal lists of numbers are one constant (int64, or double when any item is a
   * float); others are a prim::ListConstruct of their items, built at each use so that it reads the
   * items' current versions (Note [in-place ops]).
   */
  private materializeList(v: Extract<PyVal, { kind: 'list' | 'tuple' }>, loc: Loc): Value {
    const items = v.items;
    if (items.length === 0) return this.emptyList(v.kind === 'list' ? v.elem : undefined);
    if (items.every((x) => x.kind === 'int' || x.kind === 'float' || x.kind === 'bool')) {
      const allBool = items.every((x) => x.kind === 'bool');
      const values = items.map((x) => (x.kind === 'bool' && !allBool ? Number(x.value) : x.value));
      return this.builder.pyValue(values, items.some((x) => x.kind === 'float') ? 'float' : undefined) as Value;
    }
    const list = this.builder.list(items.map((x) => this.materialize(x, loc)));
    list.name = this.valueNames.unique('list');
    return list;
  }

  /** `annotate(List[T], [])`: an empty constant of T's type (one per type), or an empty ListConstruct for tensors. */
  private emptyList(elem = 'int'): Value {
    if (elem.includes('Tensor')) {
      const list = this.builder.list([]);
      list.name = this.valueNames.unique('list');
      return list;
    }
    const dtype = elem === 'float' ? DataType.DOUBLE : elem === 'bool' ? DataType.BOOL : DataType.INT64;
    let v = this.emptyConstants.get(dtype);
    if (v === undefined) {
      const data = dtype === DataType.DOUBLE ? new Float64Array(0) : dtype === DataType.BOOL ? new Uint8Array(0) : new BigInt64Array(0);
      v = this.builder.tensorConstant(new ArrayTensor(dtype, [0], data), this.valueNames.unique(`empty_${elem}_list`));
      this.emptyConstants.set(dtype, v);
    }
    return v;
  }

  /** Whether a graph value holds a Python scalar (an int from `int(...)`, a dim count) rather than a tensor. */
  scalarKind(v: Value): ScalarKind | undefined {
    return this.scalarKinds.get(v);
  }

  /**
   * Appends the source op `domain::op` with `outputs` (base names, one per output) and returns its
   * outputs. `scope` is the module path of the method being run, which prefixes node names.
   */
  call(domain: string, op: string, args: readonly PyVal[], kwargs: readonly [string, PyVal][], outputs: readonly string[], scope: string, loc: Loc): Value[] {
    const inputs = args.map((a) => this.materialize(a, loc));
    const kw = kwargs.map(([k, a]): [string, Value | null] => [k, this.materialize(a, loc)]);
    const prefix = scope === '' ? '' : `${scope}/`;
    const names = outputs.map((n) => this.valueNames.unique(`${prefix}${n}`));
    const node = this.builder.call(domain, op, undefined, inputs, kw, names, this.nodeNames.unique(`${prefix}${op}`));
    node.docString = `${loc.file} line ${loc.line}`;
    const key = `${domain}::${op}`;
    const kind = SCALAR_RESULTS[key] ?? (key === 'aten::size' && inputs.length + kw.length >= 2 ? 'int' : undefined);
    if (kind !== undefined && node.outputs.length === 1) this.scalarKinds.set(node.output(0), kind);
    // Note [in-place ops]: `torch.relu_(x)` changes x itself; later reads of x see the result.
    const target = inputs[0];
    if (domain === 'aten' && /[^_]_$/.test(op) && args[0]?.kind === 'value' && target && node.outputs.length === 1) {
      this.inPlace.write(target, node.output(0), `aten::${op}`);
    }
    return node.outputs;
  }

  /** `a, b, = v` where v is one graph value holding a list: a prim::ListUnpack with one output per target. */
  unpack(v: PyVal, names: readonly string[], scope: string, loc: Loc): Value[] {
    return this.call('prim', 'ListUnpack', [v], [], names, scope, loc);
  }
}
