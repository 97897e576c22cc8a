/**
 * How each layout-agnostic op absorbs a Transpose: a table from ONNX op type to a handler. Given a node
 * whose layout inputs are all `Transpose(perm)(x_i)`, a handler says which inputs carry the layout, which
 * Transpose each output needs afterwards, and how to rewrite the node's axes (attributes or constant
 * inputs) so that it computes the same elements on the untransposed x_i. Ops missing here block a push.
 */
import { attr } from '../../ir/attribute.js';
import type { Node } from '../../ir/node.js';
import type { Tensor } from '../../ir/tensor.js';
import { constantInts, constantOf, gatherVector, intsTensor } from './constants.js';
import { inversePerm, normalizeAxes, normalizeAxis, permAfterDropping, permAfterInserting, permute, type Perm } from './perm.js';

export interface PushQuery {
  readonly node: Node;
  /** The perm of the Transpose in front of the node's layout inputs. */
  readonly perm: Perm;
  /** The opset of the default domain. */
  readonly opset: number;
  /** Refuse ops whose kernels may accumulate in a layout-dependent order; see Note [reduction order]. */
  readonly strict: boolean;
}

export interface PushPlan {
  /** Inputs that carry the transposed layout; each is replaced by its untransposed form. */
  readonly layoutInputs: readonly number[];
  /** The Transpose each output needs afterwards; undefined where none is (e.g. all dims reduced). */
  readonly outputPerms: readonly (Perm | undefined)[];
  /** Whether layout inputs may have a lower rank than the output (numpy broadcasting). */
  readonly broadcasts?: boolean;
  /** Rewrites attributes and non-layout inputs for the untransposed layout; runs once the push is decided. */
  readonly commit?: (edit: InputEditor) => void;
}

/** Replaces a (constant) non-layout input, such as Slice's axes or Resize's scales. */
export type InputEditor = (node: Node, index: number, tensor: Tensor) => void;

export type PushHandler = (q: PushQuery) => PushPlan | undefined;

const elementwise: PushHandler = ({ node, perm }) => ({ layoutInputs: [0], outputPerms: node.outputs.map(() => perm) });

/** Dropout in inference (no training_mode input, or a constant false one) is the identity. */
const dropout: PushHandler = (q) => {
  const training = q.node.input(2);
  const flag = training === null ? undefined : constantOf(training);
  return training === null || (flag !== undefined && flag.size === 1 && Number(flag.toArray()[0]) === 0) ? elementwise(q) : undefined;
};

/** Numpy-broadcasting ops: every input carries the layout (the pass unsqueezes lower-rank constants). */
const broadcasting: PushHandler = ({ node, perm, opset }) =>
  opset < 7 || node.attr('broadcast') !== undefined ? undefined : { layoutInputs: node.inputs.map((_, i) => i), outputPerms: [perm], broadcasts: true };

/**
 * Note [kernel fast paths]: onnxruntime's Pow takes a shortcut when, inside its broadcast loop, the
 * exponent is one number: x*x for 2 and x*x*x for 3, which rounds differently from pow(). A per-channel
 * exponent is one number per inner loop in NCHW but not in NHWC, so moving a Transpose across it changes
 * the last bits. Pow is therefore pushed only with an exponent that is a single element, the same in
 * every layout.
 */
const pow: PushHandler = ({ node, perm }) => {
  const e = node.input(1);
  const dims = constantOf(e)?.dims ?? (e?.type?.kind === 'tensor' ? e.type.shape : undefined);
  return dims !== undefined && dims.length <= perm.length && dims.every((d) => d === 1) ? { layoutInputs: [0], outputPerms: [perm] } : undefined;
};

/** An op with one `axis` attribute over a same-rank output (Concat, Split, Softmax...). */
function withAxis(dflt: number | undefined, layoutInputs: 'first' | 'all'): PushHandler {
  return ({ node, perm }) => {
    const axis = normalizeAxis(node.attrInt('axis') ?? dflt ?? NaN, perm.length);
    if (axis === undefined) return undefined;
    return {
      layoutInputs: layoutInputs === 'all' ? node.inputs.map((_, i) => i) : [0],
      outputPerms: node.outputs.map(() => perm),
      commit: () => node.setAttr(attr.int('axis', perm[axis]!)),
    };
  };
}

/**
 * Note [reduction order]: moving a Transpose never changes a value, but an op that sums along some axes
 * may sum in another order once those axes are laid out differently: onnxruntime's ReduceSum/ReduceMean
 * over contiguous axes use vectorized partial sums, over strided axes a running sum, so float results can
 * differ in the last bits (exact inputs, such as small multiples of a power of two, agree bit for bit).
 * Everything elementwise or data-moving is exact on any layout, and so are Max/Min/ArgMax/ArgMin, except
 * that ReduceMax/ReduceMin over both -0 and +0 may return either zero (IEEE leaves the choice open). In
 * strict mode the pass leaves the order-dependent ops (the summing reductions, Softmax and friends) alone.
 */
const softmax: PushHandler = (q) => (q.opset < 13 || q.strict ? undefined : withAxis(-1, 'first')(q));

/** Axes given as an attribute (older opsets) or as constant input 1. */
interface AxesSource {
  read(node: Node): number[] | undefined | null;
  write(node: Node, axes: number[], edit: InputEditor): void;
}
const axesAttr: AxesSource = {
  read: (node) => node.attrInts('axes'),
  write: (node, axes) => node.setAttr(attr.ints('axes', axes)),
};
const axesInput: AxesSource = {
  // null: the input is there but not constant, so the axes are unknown.
  read: (node) => (node.input(1) === null ? undefined : (constantInts(node.input(1)) ?? null)),
  write: (node, axes, edit) => edit(node, 1, intsTensor(axes)),
};

/** ReduceX (keepdims, noop_with_empty_axes), whose axes moved from attribute to input at `inputSince`. */
function reduce(inputSince: number, orderFree: boolean): PushHandler {
  return ({ node, perm, opset, strict }) => {
    if (strict && !orderFree) return undefined;
    const src = opset >= inputSince ? axesInput : axesAttr;
    const given = src.read(node);
    if (given === null) return undefined;
    const keepdims = node.attrInt('keepdims', 1) !== 0;
    if (given === undefined || given.length === 0) {
      if (opset >= inputSince && node.attrInt('noop_with_empty_axes', 0) !== 0) return elementwise({ node, perm, opset, strict });
      // Every dim reduced: a scalar, or all unit dims, which no transpose changes.
      return { layoutInputs: [0], outputPerms: [undefined] };
    }
    const axes = normalizeAxes(given, perm.length);
    if (axes === undefined) return undefined;
    return {
      layoutInputs: [0],
      outputPerms: [keepdims ? perm : permAfterDropping(perm, new Set(axes))],
      commit: (edit) => src.write(node, permute(perm, axes), edit),
    };
  };
}

const argReduce: PushHandler = ({ node, perm }) => {
  const axis = normalizeAxis(node.attrInt('axis', 0), perm.length);
  if (axis === undefined) return undefined;
  const keepdims = node.attrInt('keepdims', 1) !== 0;
  return {
    layoutInputs: [0],
    outputPerms: [keepdims ? perm : permAfterDropping(perm, new Set([axis]))],
    commit: () => node.setAttr(attr.int('axis', perm[axis]!)),
  };
};

const squeeze: PushHandler = ({ node, perm, opset }) => {
  const src = opset >= 13 ? axesInput : axesAttr;
  const given = src.read(node);
  // Without axes Squeeze drops every unit dim, which needs the shape: left alone.
  const axes = given ? normalizeAxes(given, perm.length) : undefined;
  if (axes === undefined || axes.length === 0) return undefined;
  return { layoutInputs: [0], outputPerms: [permAfterDropping(perm, new Set(axes))], commit: (edit) => src.write(node, permute(perm, axes), edit) };
};

/** Unsqueeze keeps its axes: the new unit dims stay put and only the output perm changes. */
const unsqueeze: PushHandler = ({ node, perm, opset }) => {
  const given = (opset >= 13 ? axesInput : axesAttr).read(node);
  const axes = given ? normalizeAxes(given, perm.length + given.length) : undefined;
  if (axes === undefined || axes.length === 0) return undefined;
  return { layoutInputs: [0], outputPerms: [permAfterInserting(perm, axes)] };
};

/** Per-axis pads [b_0..b_{r-1}, e_0..e_{r-1}]: y dim i is x dim perm[i]. */
function permutePads(pads: readonly number[], perm: Perm): number[] | undefined {
  const r = perm.length;
  if (pads.length !== 2 * r) return undefined;
  const inv = inversePerm(perm);
  return [...permute(pads.slice(0, r), inv), ...permute(pads.slice(r), inv)];
}

const pad: PushHandler = ({ node, perm, opset }) => {
  const done = (commit: PushPlan['commit']): PushPlan => ({ layoutInputs: [0], outputPerms: [perm], commit });
  if (opset < 11) {
    const pads = permutePads(node.attrInts('pads') ?? [], perm);
    return pads && done(() => node.setAttr(attr.ints('pads', pads)));
  }
  const axesIn = node.input(3);
  if (axesIn !== null) {
    const axes = normalizeAxes(constantInts(axesIn) ?? [NaN], perm.length);
    return axes && done((edit) => edit(node, 3, intsTensor(permute(perm, axes))));
  }
  const pads = permutePads(constantInts(node.input(1)) ?? [], perm);
  return pads && done((edit) => edit(node, 1, intsTensor(pads)));
};

const slice: PushHandler = ({ node, perm, opset }) => {
  if (opset < 10) {
    const starts = node.attrInts('starts');
    const axes = normalizeAxes(node.attrInts('axes') ?? starts?.map((_, i) => i) ?? [NaN], perm.length);
    return axes && { layoutInputs: [0], outputPerms: [perm], commit: () => node.setAttr(attr.ints('axes', permute(perm, axes))) };
  }
  const given = node.input(3) === null ? constantOf(node.input(1))?.dims[0] : constantInts(node.input(3));
  const axes = normalizeAxes(typeof given === 'number' ? Array.from({ length: given }, (_, i) => i) : (given ?? [NaN]), perm.length);
  return axes && { layoutInputs: [0], outputPerms: [perm], commit: (edit) => edit(node, 3, intsTensor(permute(perm, axes))) };
};

/** Resize: per-axis roi, scales and sizes follow the dims (or the `axes` attribute names them). */
const resize: PushHandler = ({ node, perm, opset }) => {
  const r = perm.length;
  const plan = (commit: PushPlan['commit']): PushPlan => ({ layoutInputs: [0], outputPerms: [perm], commit });
  const axes = opset >= 18 ? node.attrInts('axes') : undefined;
  if (axes !== undefined) {
    const norm = normalizeAxes(axes, r);
    return norm && plan(() => node.setAttr(attr.ints('axes', permute(perm, norm))));
  }
  const inv = inversePerm(perm);
  const edits: [number, Tensor][] = [];
  // Resize-10 has (X, scales); from 11 on (X, roi, scales, sizes).
  const slots: [number, number[]][] = opset < 11 ? [[1, inv]] : [[1, [...inv, ...inv.map((j) => j + r)]], [2, inv], [3, inv]];
  for (const [index, order] of slots) {
    const v = node.input(index);
    if (v === null) continue;
    const t = constantOf(v);
    if (t === undefined) return undefined;
    if (t.size === 0) continue;
    if (t.dims.length !== 1 || t.size !== order.length) return undefined;
    edits.push([index, gatherVector(t, order)]);
  }
  return plan((edit) => edits.forEach(([i, t]) => edit(node, i, t)));
};

/** Quantize/DequantizeLinear: elementwise with a scalar scale, per-axis with a 1-D one. */
const quantize: PushHandler = ({ node, perm, opset, strict }) => {
  if (node.attrInt('block_size', 0) !== 0) return undefined;
  const scale = node.input(1);
  const dims = constantOf(scale)?.dims ?? (scale?.type?.kind === 'tensor' ? scale.type.shape : undefined);
  if (dims === undefined) return undefined;
  if (dims.length === 0) return elementwise({ node, perm, opset, strict });
  return dims.length === 1 ? withAxis(1, 'first')({ node, perm, opset, strict }) : undefined;
};

export const ELEMENTWISE = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BitwiseNot', 'Cast', 'CastLike', 'Ceil', 'Celu',
  'Clip', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp', 'Floor', 'Gelu', 'HardSigmoid', 'HardSwish', 'Identity',
  'IsInf', 'IsNaN', 'LeakyRelu', 'Log', 'Mish', 'Neg', 'Not', 'Reciprocal', 'Relu', 'Round', 'Selu', 'Shrink',
  'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu',
];
export const BROADCASTING = new Set([
  'Add', 'And', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'Div', 'Equal', 'Greater', 'GreaterOrEqual',
  'Less', 'LessOrEqual', 'Max', 'Mean', 'Min', 'Mod', 'Mul', 'Or', 'PRelu', 'Sub', 'Sum', 'Where', 'Xor',
]);
const SUMMING_REDUCE = ['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMean', 'ReduceProd', 'ReduceSumSquare'];

/** Ops whose output has the rank of input 0 (all inputs, for the broadcasting ones). */
export const RANK_PRESERVING: ReadonlySet<string> = new Set([
  ...ELEMENTWISE, ...BROADCASTING, 'Dropout', 'Pow', 'Concat', 'Softmax', 'LogSoftmax', 'Hardmax', 'Pad', 'Slice', 'Resize', 'QuantizeLinear', 'DequantizeLinear',
]);

/** Op type (default domain) -> handler. */
export const PUSH_HANDLERS: ReadonlyMap<string, PushHandler> = new Map<string, PushHandler>([
  ...ELEMENTWISE.map((op) => [op, elementwise] as const),
  ...[...BROADCASTING].map((op) => [op, broadcasting] as const),
  ...SUMMING_REDUCE.map((op) => [op, reduce(18, false)] as const),
  ['Dropout', dropout],
  ['Pow', pow],
  ['ReduceSum', reduce(13, false)],
  ['ReduceMax', reduce(18, true)],
  ['ReduceMin', reduce(18, true)],
  ['ArgMax', argReduce],
  ['ArgMin', argReduce],
  ['Concat', withAxis(undefined, 'all')],
  ['Split', withAxis(0, 'first')],
  ['Softmax', softmax],
  ['LogSoftmax', softmax],
  ['Hardmax', softmax],
  ['Squeeze', squeeze],
  ['Unsqueeze', unsqueeze],
  ['Pad', pad],
  ['Slice', slice],
  ['Resize', resize],
  ['QuantizeLinear', quantize],
  ['DequantizeLinear', quantize],
]);
