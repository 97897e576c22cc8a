/**
 * fold-constants: evaluates the data-movement ops and casts whose inputs are all constants (initializers
 * or Constant nodes) at conversion time: Transpose, Reshape, Squeeze, Unsqueeze, Cast, and the exact
 * float arithmetic of fold-constants/arithmetic.ts. Importers lower a
 * framework's weight layout with such ops (a TF Conv2D filter is HWIO, ONNX wants OIHW: a Transpose on
 * the filter), so after this pass the weights are stored in the layout the ONNX op reads. Results from
 * initializers become initializers (named after the folded value); a result that is a graph output, or
 * that came from Constant nodes, becomes a Constant node. Constants nothing reads any more are removed.
 * Values are bit-exact: these ops only move bytes, and Cast is done element by element as ONNX defines it.
 */
import { attr, attrNumber, type Int64 } from '../ir/attribute.js';
import { DataType, type TypedArray } from '../ir/dtype.js';
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { ArrayTensor, BytesTensor, StringTensor, type Tensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { Value } from '../ir/value.js';
import { dropIfUnused, modelNames } from './infra/constants.js';
import type { Pass, PassResult } from './infra/pass.js';
import { ARITHMETIC_FOLDERS } from './fold-constants/arithmetic.js';
import { constantOf, isPermutable, transposeTensor } from './optimize-transposes/constants.js';

/** A folder computes a node's single output from its constant inputs, or gives up (undefined). */
type Folder = (node: Node, inputs: readonly (Tensor | undefined)[], opset: number) => Tensor | undefined;

function ints(t: Tensor | undefined): number[] | undefined {
  if (t === undefined || (t.dtype !== DataType.INT64 && t.dtype !== DataType.INT32)) return undefined;
  return Array.from(t.toArray() as ArrayLike<number | bigint>, (x) => attrNumber(x as Int64));
}

/** The same elements under new dims (no copy). */
function withDims(t: Tensor, dims: readonly number[]): Tensor {
  return t instanceof StringTensor ? new StringTensor(dims, t.strings) : new BytesTensor(t.dtype, dims, t.bytes());
}

/** Axes from input 1 (opset 13+) or the `axes` attribute (older opsets), normalized against `rank`. */
function axesOf(node: Node, inputs: readonly (Tensor | undefined)[], rank: number): number[] | undefined {
  const raw = node.inputs.length > 1 ? ints(inputs[1]) : node.attrInts('axes');
  if (raw === undefined) return node.inputs.length > 1 ? undefined : [];
  const axes = raw.map((a) => (a < 0 ? a + rank : a));
  return axes.every((a) => a >= 0 && a < rank) && new Set(axes).size === axes.length ? axes : undefined;
}

const FOLDERS: Readonly<Record<string, Folder>> = {
  ...ARITHMETIC_FOLDERS,
  Transpose: (node, [x]) => {
    if (x === undefined || !isPermutable(x)) return undefined;
    const rank = x.dims.length;
    const perm = node.attrInts('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return perm.length === rank ? transposeTensor(x, rank, perm) : undefined;
  },
  Reshape: (node, [x, shapeT]) => {
    const shape = ints(shapeT);
    if (x === undefined || shape === undefined) return undefined;
    const allowZero = node.attrInt('allowzero', 0) === 1;
    const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
    if (dims.some((d) => d === undefined)) return undefined;
    const known = (dims as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = dims.filter((d) => d === -1).length;
    if (free > 1 || (free === 1 && (known === 0 || x.size % known !== 0))) return undefined;
    const out = (dims as number[]).map((d) => (d === -1 ? x.size / known : d));
    return out.reduce((a, b) => a * b, 1) === x.size ? withDims(x, out) : undefined;
  },
  Squeeze: (node, inputs) => {
    const x = inputs[0];
    if (x === undefined) return undefined;
    const axes = axesOf(node, inputs, x.dims.length);
    if (axes === undefined) return undefined;
    const drop = axes.length === 0 ? x.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : axes;
    if (drop.some((a) => x.dims[a] !== 1)) return undefined;
    return withDims(x, x.dims.filter((_, i) => !drop.includes(i)));
  },
  Unsqueeze: (node, inputs) => {
    const x = inputs[0];
    if (x === undefined) return undefined;
    const raw = node.inputs.length > 1 ? ints(inputs[1]) : node.attrInts('axes');
    if (raw === undefined) return undefined;
    const rank = x.dims.length + raw.length;
    const axes = raw.map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) return undefined;
    const dims: number[] = [];
    for (let i = 0, k = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : x.dims[k++]!);
    return withDims(x, dims);
  },
  Cast: (node, [x]) => {
    const to = node.attrInt('to');
    return x === undefined || to === undefined ? undefined : cast(x, to);
  },
};

const NUMERIC: Partial<Record<DataType, (n: number) => TypedArray>> = {
  [DataType.FLOAT]: (n) => new Float32Array(n),
  [DataType.DOUBLE]: (n) => new Float64Array(n),
  [DataType.INT8]: (n) => new Int8Array(n),
  [DataType.INT16]: (n) => new Int16Array(n),
  [DataType.INT32]: (n) => new Int32Array(n),
  [DataType.INT64]: (n) => new BigInt64Array(n),
  [DataType.UINT8]: (n) => new Uint8Array(n),
  [DataType.UINT16]: (n) => new Uint16Array(n),
  [DataType.UINT32]: (n) => new Uint32Array(n),
  [DataType.UINT64]: (n) => new BigUint64Array(n),
  [DataType.BOOL]: (n) => new Uint8Array(n),
};
const FLOATS = new Set([DataType.FLOAT, DataType.DOUBLE]);

/**
 * ONNX Cast between plain numeric types: float -> integer truncates toward zero (what every runtime does;
 * out-of-range values are undefined in the spec, so such constants are left to the runtime), anything
 * -> bool is `x != 0`, bool -> anything is 0/1. Half, bfloat16, float8, strings: not folded.
 */
function cast(x: Tensor, to: number): Tensor | undefined {
  const make = NUMERIC[to as DataType];
  if (make === undefined || NUMERIC[x.dtype] === undefined) return undefined;
  if (to === x.dtype) return x;
  const src = x.toArray() as ArrayLike<number | bigint>;
  const out = make(x.size);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < x.size; i++) {
    const v = src[i]!;
    if (to === DataType.BOOL) {
      (out as Uint8Array)[i] = v !== 0 && v !== 0n ? 1 : 0;
      continue;
    }
    const toFloat = FLOATS.has(to as DataType);
    let n: number | bigint = typeof v === 'number' && !toFloat ? Math.trunc(v) : v;
    if (typeof n === 'number' && !Number.isFinite(n) && !toFloat) return undefined;
    if (big) n = BigInt(n);
    else if (typeof n === 'bigint') n = Number(n);
    if (!toFloat && !fits(n as number, out)) return undefined;
    (out as unknown as (number | bigint)[])[i] = n;
  }
  return new ArrayTensor(to as DataType, x.dims, out);
}

function fits(n: number, out: TypedArray): boolean {
  const probe = out.constructor as new (n: number) => TypedArray;
  const t = new probe(1);
  t[0] = n;
  return t[0] === n;
}

function foldGraph(graph: Graph, opset: number, names: () => Set<string>): boolean {
  let changed = false;
  for (const node of graph) {
    for (const g of node.subgraphs()) changed = foldGraph(g, opset, names) || changed;
    const folder = node.domain === '' && Object.hasOwn(FOLDERS, node.opType) ? FOLDERS[node.opType]! : undefined;
    if (folder === undefined || node.outputs.length !== 1 || node.inputs.length === 0) continue;
    const inputs = node.inputs.map((v) => (v === null ? undefined : constantOf(v)));
    if (node.inputs.some((v, i) => v !== null && inputs[i] === undefined)) continue;
    const result = folder(node, inputs, opset);
    if (result === undefined) continue;
    replaceWithConstant(graph, node, result, names);
    changed = true;
  }
  return changed;
}

/** Puts `t` in place of the node's output, then drops constants that nothing reads any more. */
function replaceWithConstant(graph: Graph, node: Node, t: Tensor, names: () => Set<string>): void {
  const sources = node.inputs.filter((v): v is Value => v !== null);
  const out = node.output(0);
  const fromInitializers = sources[0]?.constValue !== undefined;
  if (fromInitializers && !out.isGraphOutput()) {
    const taken = names();
    let name = out.name || 'folded';
    for (let k = 1; taken.has(name); k++) name = `${out.name || 'folded'}_${k}`;
    taken.add(name);
    const v = graph.addInitializer(new Value(name, tensorType(t.dtype, t.dims)), t);
    out.replaceAllUsesWith(v);
    graph.removeNode(node, true);
  } else {
    // The node itself becomes the Constant: its output keeps its name, readers and graph-output role.
    node.clearInputs();
    node.opType = 'Constant';
    node.attributes.clear();
    node.setAttr(attr.tensor('value', t));
    out.type = tensorType(t.dtype, t.dims);
  }
  for (const v of sources) dropIfUnused(v);
}

export const foldConstants: Pass = {
  name: 'fold-constants',
  summary: 'evaluate Transpose/Reshape/Squeeze/Unsqueeze/Cast and exact float arithmetic of constants',
  inPlace: true,
  run(model: Model): PassResult {
    let names: Set<string> | undefined;
    const modified = foldGraph(model.graph, model.opset('') ?? 18, () => (names ??= modelNames(model)));
    return { model, modified };
  },
};
