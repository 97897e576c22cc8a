/**
 * Shape reading a Transpose: the shape of Transpose(perm)(x) is x's shape reordered, so Shape can read x
 * instead and the Transpose loses a reader. Keras' Flatten computes its target shape as
 * [Shape(y)[0], -1], which kept the Transpose in front of it alive once the flatten itself read x
 * (flatten-dense.ts).
 */
import { attr } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { Node } from '../../ir/node.js';
import { tensorType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';
import { constantInts, intsTensor } from './constants.js';
import { permOf, replaceUses, type TransposeContext } from './context.js';
import { normalizeAxis, type Perm } from './perm.js';

/**
 * Rewires the Shape readers of Transpose `t`. A Shape whose readers only look at entries the perm leaves
 * in place (perm[d] = d: the batch entry, for NHWC <-> NCHW) reads x as it is. When Shapes are all that
 * still read `t`, each of the others reads x too, followed by a Gather of its entries in perm's order,
 * so that the Transpose goes. Exact: these are integers moved around.
 */
export function readShapeBelow(t: Node, ctx: TransposeContext): Node[] | undefined {
  const perm = permOf(t)!;
  const x = t.input(0)!;
  const y = t.output(0);
  const shapes = [...new Set(y.uses.map((u) => u.node))].filter((n) => n.opType === 'Shape' && n.domain === '' && n.graph === t.graph);
  const ranges = new Map(shapes.map((s) => [s, shapeRange(s, perm.length)] as const));
  for (const [s, [start, end]] of ranges) {
    const read = entriesRead(s.output(0), end - start, 4) ?? Array.from({ length: end - start }, (_, i) => i);
    if (read.every((i) => perm[start + i] === start + i)) {
      s.setInput(0, x);
      return [];
    }
  }
  if (shapes.length === 0 || y.isGraphOutput() || y.uses.some((u) => !ranges.has(u.node))) return undefined;
  for (const [s, [start, end]] of ranges) gatherAfter(s, perm.slice(start, end), x, ctx);
  return [];
}

/** Shape(y)[start:end] becomes Gather(Shape(x), perm[start:end]). */
function gatherAfter(s: Node, order: Perm, x: Value, ctx: TransposeContext): void {
  const graph = s.graph!;
  s.setInput(0, x);
  s.attributes.delete('start');
  s.attributes.delete('end');
  const o = s.output(0);
  o.type = tensorType(DataType.INT64, [x.type?.kind === 'tensor' ? (x.type.shape?.length ?? null) : null]);
  const indices = ctx.writer.replace(null, intsTensor(order), false, graph);
  const g = graph.insertAfter(s, new Node('Gather', [null, indices], { attributes: [attr.int('axis', 0)] }));
  g.output(0).type = tensorType(DataType.INT64, [order.length]);
  replaceUses(o, g.output(0));
  g.setInput(0, o);
}

/** The dims [start, end) of its input that a Shape node returns (attributes since opset 15). */
function shapeRange(s: Node, rank: number): [number, number] {
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(s.attrInt('start', 0)!);
  return [start, Math.max(start, clamp(s.attrInt('end', rank)!))];
}

/**
 * The entries of the 1-D integer vector `v` (of `length` entries) that its readers look at, followed
 * through Cast and Identity to Slice and Gather with constant indices; undefined when some reader may
 * look at any of them.
 */
function entriesRead(v: Value, length: number, depth: number): number[] | undefined {
  if (v.isGraphOutput() || depth === 0) return undefined;
  const out = new Set<number>();
  for (const { node, index } of v.uses) {
    const got = index !== 0 || node.domain !== '' ? undefined : entriesReadBy(node, length, depth);
    if (got === undefined) return undefined;
    got.forEach((i) => out.add(i));
  }
  return [...out];
}

function entriesReadBy(node: Node, length: number, depth: number): number[] | undefined {
  if (node.opType === 'Cast' || node.opType === 'Identity') return entriesRead(node.output(0), length, depth - 1);
  if (node.opType === 'Gather') {
    const indices = normalizeAxis(node.attrInt('axis', 0)!, 1) === 0 ? constantInts(node.input(1)) : undefined;
    const norm = indices?.map((i) => normalizeAxis(i, length));
    return norm?.every((i) => i !== undefined) ? (norm as number[]) : undefined;
  }
  if (node.opType !== 'Slice' || node.inputs.length < 3) return undefined;
  const [starts, ends] = [constantInts(node.input(1)), constantInts(node.input(2))];
  const axes = node.input(3) === null || node.inputs.length < 4 ? [0] : constantInts(node.input(3));
  const steps = node.input(4) === null || node.inputs.length < 5 ? [1] : constantInts(node.input(4));
  if (starts?.length !== 1 || ends?.length !== 1 || axes?.length !== 1 || steps?.length !== 1) return undefined;
  if (normalizeAxis(axes[0]!, 1) !== 0 || steps[0] === 0) return undefined;
  return sliceIndices(starts[0]!, ends[0]!, steps[0]!, length);
}

/** The indices Slice(start, end, step) takes from an axis of `length` (ONNX's clamping rules). */
function sliceIndices(start: number, end: number, step: number, length: number): number[] {
  const norm = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v < 0 ? v + length : v));
  const out: number[] = [];
  if (step > 0) for (let i = norm(start, 0, length), e = norm(end, 0, length); i < e; i += step) out.push(i);
  else for (let i = norm(start, 0, length - 1), e = norm(end, -1, length - 1); i > e; i += step) out.push(i);
  return out;
}
