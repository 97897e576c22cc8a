/**
 * Sequence and optional ops. A sequence's element type describes every element, so where elements may
 * differ in a dim (SequenceConstruct of [2,3] and [4,3]) that dim is null in the element type.
 */
import { AttributeType } from '../../attribute.js';
import { DataType, dataTypeName } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import { formatType, tensorType, type ValueType } from '../../types.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { constantInts, normalizeAxis } from '../shape-utils.js';
import { joinShapes } from './util.js';

function seqOf(dtype: DataType, shape: Shape | undefined): ValueType {
  return { kind: 'sequence', elem: tensorType(dtype, shape) };
}

/** The input sequence's element type; fails when the input is known and not a sequence. */
function seqElem(ctx: InferContext, i: number): ValueType | undefined {
  const t = ctx.inputType(i);
  if (t === undefined) return undefined;
  if (t.kind !== 'sequence') ctx.fail(`input ${i} must be a sequence, got ${formatType(t)}`);
  return t.elem;
}

function optional(ctx: InferContext): void {
  if (ctx.hasInput(0)) {
    const t = ctx.inputType(0);
    if (t !== undefined) ctx.setOutputType(0, { kind: 'optional', elem: t });
    return;
  }
  const t = ctx.attr('type', AttributeType.TYPE_PROTO);
  if (t === undefined) ctx.fail('an Optional without input needs the type attribute');
  ctx.setOutputType(0, { kind: 'optional', elem: t });
}

function optionalGetElement(ctx: InferContext): void {
  const t = ctx.inputType(0);
  if (t === undefined) return;
  if (t.kind === 'optional') {
    if (t.elem !== undefined) ctx.setOutputType(0, t.elem);
    return;
  }
  // From opset 18 a plain tensor or sequence is accepted and passed through.
  if (ctx.schema.sinceVersion < 18) ctx.fail(`input must be an optional, got ${formatType(t)}`);
  ctx.setOutputType(0, t);
}

function optionalHasElement(ctx: InferContext): void {
  ctx.setOutputTensor(0, DataType.BOOL, []);
}

function sequenceAt(ctx: InferContext): void {
  const elem = seqElem(ctx, 0);
  if (elem !== undefined) ctx.setOutputType(0, elem);
}

function sequenceConstruct(ctx: InferContext): void {
  let dtype: DataType | undefined;
  let shape: Shape | undefined;
  for (let i = 0; i < ctx.inputCount; i++) {
    const t = ctx.inputTensor(i);
    if (t === undefined) return;
    if (dtype !== undefined && t.dtype !== dtype) {
      ctx.fail(`inputs must share one element type, got ${dataTypeName(dtype)} and ${dataTypeName(t.dtype)}`);
    }
    shape = i === 0 ? t.shape : joinShapes(shape, t.shape);
    dtype = t.dtype;
  }
  if (dtype !== undefined) ctx.setOutputType(0, seqOf(dtype, shape));
}

function sequenceEmpty(ctx: InferContext): void {
  ctx.setOutputType(0, seqOf(ctx.attrInt('dtype', DataType.FLOAT) as DataType, undefined));
}

function sequenceErase(ctx: InferContext): void {
  const t = ctx.inputType(0);
  seqElem(ctx, 0);
  if (t !== undefined) ctx.setOutputType(0, t);
}

function sequenceInsert(ctx: InferContext): void {
  const elem = seqElem(ctx, 0);
  const t = ctx.inputTensor(1);
  if (t === undefined) return;
  if (elem === undefined) return ctx.setOutputType(0, seqOf(t.dtype, undefined));
  if (elem.kind !== 'tensor' || elem.dtype !== t.dtype) {
    ctx.fail(`cannot insert a ${dataTypeName(t.dtype)} tensor into a ${formatType({ kind: 'sequence', elem })}`);
  }
  ctx.setOutputType(0, seqOf(t.dtype, joinShapes(elem.shape, t.shape)));
}

function sequenceLength(ctx: InferContext): void {
  ctx.setOutputTensor(0, DataType.INT64, []);
}

/** All pieces' sizes along the split axis, as one dim when they are all the same. */
function commonSize(sizes: readonly number[]): Dim {
  const first = sizes[0];
  return first !== undefined && sizes.every((x) => x === first) ? first : null;
}

function splitToSequence(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const s = x.shape;
  if (s === undefined) return ctx.setOutputType(0, seqOf(x.dtype, undefined));
  const a = normalizeAxis(ctx, ctx.attrInt('axis', 0), s.length);
  const d = s[a] ?? null;
  const out: Dim[] = [...s];
  if (!ctx.hasInput(1)) {
    // Pieces of size 1, the axis kept or dropped as keepdims says.
    if (ctx.attrInt('keepdims', 1) === 0) out.splice(a, 1);
    else out[a] = 1;
    return ctx.setOutputType(0, seqOf(x.dtype, out));
  }
  const splitData = ctx.inputConstant(1);
  const split = constantInts(splitData);
  let size: Dim = null;
  if (split !== undefined && splitData?.dims.length === 0) {
    const c = split[0] ?? 0;
    if (c <= 0) ctx.fail(`split ${c} must be positive`);
    // Pieces of c, the last one smaller when c does not divide the dim.
    if (typeof d === 'number') size = d % c === 0 || d < c ? Math.min(c, d) : null;
  } else if (split !== undefined) {
    const total = split.reduce((p, q) => p + q, 0);
    if (split.some((v) => v < 0)) ctx.fail(`split [${split.join(',')}] has a negative size`);
    if (typeof d === 'number' && total !== d) ctx.fail(`split [${split.join(',')}] sums to ${total}, not the split dim ${d} of ${formatShape(s)}`);
    size = commonSize(split);
  }
  out[a] = size;
  ctx.setOutputType(0, seqOf(x.dtype, out));
}

function concatFromSequence(ctx: InferContext): void {
  const elem = seqElem(ctx, 0);
  if (elem === undefined) return;
  if (elem.kind !== 'tensor') ctx.fail(`sequence elements must be tensors, got ${formatType(elem)}`);
  const s = elem.shape;
  const axis = ctx.attrInt('axis');
  if (axis === undefined) ctx.fail('attribute axis is required');
  if (s === undefined) return ctx.setOutputTensor(0, elem.dtype, undefined);
  const out: Dim[] = [...s];
  // The number of elements is unknown, so the concatenated (or new) axis is unknown too.
  if (ctx.attrInt('new_axis', 0) === 1) out.splice(normalizeAxis(ctx, axis, s.length + 1), 0, null);
  else out[normalizeAxis(ctx, axis, s.length)] = null;
  ctx.setOutputTensor(0, elem.dtype, out);
}

registerShapeRules({
  Optional: optional,
  OptionalGetElement: optionalGetElement,
  OptionalHasElement: optionalHasElement,
  SequenceAt: sequenceAt,
  SequenceConstruct: sequenceConstruct,
  SequenceEmpty: sequenceEmpty,
  SequenceErase: sequenceErase,
  SequenceInsert: sequenceInsert,
  SequenceLength: sequenceLength,
  SplitToSequence: splitToSequence,
  ConcatFromSequence: concatFromSequence,
});
