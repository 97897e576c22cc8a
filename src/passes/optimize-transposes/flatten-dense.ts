/**
 * A Transpose in front of a flatten that feeds a dense layer: Keras' Flatten reads an NHWC feature map in
 * NHWC order, so after an NCHW conv stack the importer leaves Transpose(NCHW->NHWC) -> Reshape [N, -1] ->
 * MatMul(W). The flatten can read the NCHW map directly when W's rows are reordered to match, at compile
 * time: Note [flatten into a dense weight].
 */
import type { Node } from '../../ir/node.js';
import { BytesTensor, type Tensor } from '../../ir/tensor.js';
import type { Value } from '../../ir/value.js';
import { constantInts, constantOf, isPermutable, readOnlyBy, transposeTensor } from './constants.js';
import { permOf, type TransposeContext } from './context.js';
import { inversePerm, normalizeAxis, permute, type Perm } from './perm.js';

/**
 * Note [flatten into a dense weight]: y = Transpose(p)(x) with p[0] = 0 (the batch stays first), and
 * z = flatten(y) to [N, K], K the product of y's other dims, read only by z @ W (MatMul, or Gemm without
 * transA). Row n of z lists y[n] in row-major order over y's dims 1..r-1; row n of flatten(x) lists the
 * same K numbers in row-major order over x's dims. So z[n, c_y] = flatten(x)[n, c_x] where c_x and c_y
 * are the flat indices of one element in the two layouts, and
 *   (z @ W)[n, u] = sum over c_y of z[n, c_y] W[c_y, u] = sum over c_x of flatten(x)[n, c_x] W[c_y(c_x), u],
 * i.e. flatten(x) @ W' with row c_x of W' equal to row c_y(c_x) of W. To build W', view W as a tensor V
 * of dims [y dims 1..r-1, units]: row c_y is V[i_1..i_{r-1}, :]. The element at y index i sits at x index
 * j with j[p[k]] = i[k], so W' viewed over x's dims is V'[j, :] = V[i, :] with i[k] = j[p[k]], that is
 * i[q[m]] = j[m] for q the inverse of p: V' = Transpose(q', last axis kept)(V), where q' is q on dims
 * 1..r-1 shifted down by one. (For NCHW->NHWC, p = [0,2,3,1]: V is [H,W,C,units] and V' = V moved to
 * [C,H,W,units].) Gemm with transB holds W as [units, K]: the same with the units axis first.
 *
 * Exactness: every product x * w is the same, but MatMul sums over K in index order, and the order of the
 * terms is now x's layout instead of y's: float results can differ in the last bits (the order changes,
 * not the terms). Strict mode (Note [reduction order]) leaves the Transpose alone.
 */
export function foldIntoDense(t: Node, ctx: TransposeContext): Node[] | undefined {
  const perm = permOf(t)!;
  if (ctx.strict || perm.length < 2 || perm[0] !== 0) return undefined;
  const x = t.input(0)!;
  const xDims = staticInnerDims(x, t.output(0), perm);
  if (xDims === undefined) return undefined;
  const yDims = permute(xDims, perm);
  const k = yDims.slice(1).reduce((a, d) => a * d, 1);
  for (const { node: flat, index } of t.output(0).uses) {
    if (index !== 0 || flat.graph !== t.graph || !flattensToRows(flat, xDims, yDims, k)) continue;
    const z = flat.output(0);
    const dense = z.uses.length === 1 && !z.isGraphOutput() ? z.uses[0]! : undefined;
    if (dense === undefined || dense.index !== 0 || dense.node.graph !== t.graph) continue;
    const weight = denseWeight(dense.node, k);
    if (weight === undefined) continue;
    const { value, tensor, unitsFirst } = weight;
    const permuted = permuteRows(tensor, yDims.slice(1), perm, unitsFirst);
    const key = `dense:${unitsFirst ? 1 : 0}:${yDims.slice(1).join('x')}:${perm.join(',')}`;
    dense.node.setInput(1, ctx.writer.replace(value, permuted, readOnlyBy(value, dense.node, new Set([1])), t.graph!, key));
    flat.setInput(0, x);
    // The node itself comes back (it lost a reader): remove-dead or the next flatten is looked at then.
    return [];
  }
  return undefined;
}

/** Dims 1..r-1 of x, all static (dim 0, the batch, may be symbolic; it is returned as 0 here). */
function staticInnerDims(x: Value, y: Value, perm: Perm): number[] | undefined {
  const r = perm.length;
  const shape = (v: Value) => (v.type?.kind === 'tensor' && v.type.shape?.length === r ? v.type.shape : undefined);
  const xs = shape(x);
  const ys = shape(y);
  const inv = inversePerm(perm);
  const dims = Array.from({ length: r }, (_, i) => {
    const d = xs?.[i] ?? ys?.[inv[i]!];
    return i === 0 ? 0 : typeof d === 'number' && d > 0 ? d : undefined;
  });
  return dims.every((d) => d !== undefined) ? (dims as number[]) : undefined;
}

/**
 * Whether `flat` turns y into [N, K] (K the product of y's dims 1..r-1), and does the same on x:
 * Flatten(axis=1), or a Reshape to a 2-element shape. A Reshape whose shape is computed (Keras: the batch
 * from Shape(y), then -1) is taken because its output feeds a K-row weight, which a valid model needs
 * (so it is [N, K]); only a second entry 0 would read differently on x (it copies dim 1, unless
 * allowzero), so without allowzero x and y must share that dim. A 0 first entry copies the batch, the
 * same in both.
 */
function flattensToRows(flat: Node, xDims: readonly number[], yDims: readonly number[], k: number): boolean {
  if (flat.domain !== '') return false;
  if (flat.opType === 'Flatten') return normalizeAxis(flat.attrInt('axis', 1)!, xDims.length) === 1;
  if (flat.opType !== 'Reshape') return false;
  const shape = flat.input(1);
  if (shape === null) return false;
  const allowZero = flat.attrInt('allowzero', 0) !== 0;
  const given = constantInts(shape);
  // [N, K], [-1, K], [0, -1]...: whatever the first entry, the total size fixes it to N.
  if (given !== undefined) return given.length === 2 && (given[1] === k || given[1] === -1);
  const t = shape.type;
  if (t?.kind !== 'tensor' || t.shape?.length !== 1 || t.shape[0] !== 2) return false;
  return allowZero || xDims[1] === yDims[1];
}

interface DenseWeight {
  readonly value: Value;
  readonly tensor: Tensor;
  /** Gemm with transB: W is [units, K]. */
  readonly unitsFirst: boolean;
}

/** The constant weight of a MatMul or Gemm whose first operand is [N, K], K rows (or columns) long. */
function denseWeight(node: Node, k: number): DenseWeight | undefined {
  if (node.domain !== '' || (node.opType !== 'MatMul' && node.opType !== 'Gemm')) return undefined;
  if (node.opType === 'Gemm' && node.attrInt('transA', 0) !== 0) return undefined;
  const value = node.input(1);
  const tensor = constantOf(value);
  if (value === null || tensor === undefined || tensor.dims.length !== 2 || !isPermutable(tensor)) return undefined;
  const unitsFirst = node.opType === 'Gemm' && node.attrInt('transB', 0) !== 0;
  return tensor.dims[unitsFirst ? 1 : 0] === k ? { value, tensor, unitsFirst } : undefined;
}

/** W with its K axis reordered from y's layout to x's (Note [flatten into a dense weight]). */
function permuteRows(w: Tensor, yInner: readonly number[], perm: Perm, unitsFirst: boolean): Tensor {
  const inner = inversePerm(perm.slice(1).map((p) => p - 1));
  const units = w.dims[unitsFirst ? 0 : 1]!;
  const view = new BytesTensor(w.dtype, unitsFirst ? [units, ...yInner] : [...yInner, units], w.bytes());
  const order = unitsFirst ? [0, ...inner.map((i) => i + 1)] : [...inner, inner.length];
  const moved = transposeTensor(view, order.length, order);
  return new BytesTensor(w.dtype, w.dims, moved.bytes());
}
