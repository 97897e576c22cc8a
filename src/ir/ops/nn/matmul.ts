/**
 * Matrix products: MatMul (numpy.matmul semantics), its quantized forms, and Gemm.
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { broadcastShapes, mergeDim } from '../shape-utils.js';

/**
 * numpy.matmul: a 1-D A is a row vector and a 1-D B a column vector, each of whose added dim is removed
 * from the result; the leading (batch) dims broadcast.
 */
export function matmulShape(ctx: InferContext, a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.length === 0 || b.length === 0) ctx.fail(`MatMul operands must have rank at least 1, got ${formatShape(a)} and ${formatShape(b)}`);
  const a2 = a.length === 1 ? [1, ...a] : a;
  const b2 = b.length === 1 ? [...b, 1] : b;
  const ka = a2[a2.length - 1] ?? null;
  const kb = b2[b2.length - 2] ?? null;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    ctx.fail(`MatMul inner dims differ: ${formatShape(a)} x ${formatShape(b)} (${ka} vs ${kb})`);
  }
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]) ?? [];
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2] ?? null);
  if (b.length > 1) out.push(b2[b2.length - 1] ?? null);
  return out;
}

/** A MatMul whose operands sit at `aIdx`/`bIdx` and whose output dtype `dtypeOf` gives. */
function matmulRule(aIdx: number, bIdx: number, dtypeOf: (ctx: InferContext) => DataType | undefined): ShapeRule {
  return (ctx) => {
    const dtype = dtypeOf(ctx);
    if (dtype === undefined) return;
    ctx.setOutputTensor(0, dtype, matmulShape(ctx, ctx.inputTensor(aIdx)?.shape, ctx.inputTensor(bIdx)?.shape));
  };
}

/**
 * Gemm: Y[M, N] = alpha * op(A)[M, K] op(B)[K, N] + beta * C, where C broadcasts one way to [M, N].
 * A known C dim > 1 also tells the output dim where A or B leave it unknown.
 */
const gemm: ShapeRule = (ctx) => {
  const ta = ctx.inputTensor(0);
  if (ta === undefined) return;
  const a = ta.shape;
  const b = ctx.inputTensor(1)?.shape;
  for (const [name, s] of [['A', a], ['B', b]] as const) {
    if (s !== undefined && s.length !== 2) ctx.fail(`Gemm ${name} must be 2-D, got ${formatShape(s)}`);
  }
  const transA = ctx.attrInt('transA', 0) !== 0;
  const transB = ctx.attrInt('transB', 0) !== 0;
  const m = a?.[transA ? 1 : 0] ?? null;
  const ka = a?.[transA ? 0 : 1] ?? null;
  const kb = b?.[transB ? 1 : 0] ?? null;
  const n = b?.[transB ? 0 : 1] ?? null;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    const desc = (name: string, s: Shape | undefined, tr: boolean) => `${name} ${formatShape(s)}${tr ? ' (transposed)' : ''}`;
    ctx.fail(`Gemm inner dims differ: ${desc('A', a, transA)} x ${desc('B', b, transB)} (${ka} vs ${kb})`);
  }
  let out: Dim[] = [m, n];
  const c = ctx.hasInput(2) ? ctx.inputTensor(2)?.shape : undefined;
  if (c !== undefined) {
    if (c.length > 2) ctx.fail(`Gemm C must have rank at most 2, got ${formatShape(c)}`);
    out = out.map((d, i) => {
      const cd = c[i - (2 - c.length)];
      if (cd === undefined || cd === 1) return d;
      if (typeof cd === 'number' && typeof d === 'number' && cd !== d) {
        ctx.fail(`Gemm C ${formatShape(c)} does not broadcast to the output [${m ?? '?'},${n ?? '?'}]`);
      }
      return typeof cd === 'number' ? mergeDim(cd, d) : d;
    });
  }
  ctx.setOutputTensor(0, ta.dtype, out);
};

registerShapeRules({
  MatMul: matmulRule(0, 1, (ctx) => ctx.inputTensor(0)?.dtype),
  MatMulInteger: matmulRule(0, 1, () => DataType.INT32),
  // y takes y_zero_point's type (T3).
  QLinearMatMul: matmulRule(0, 3, (ctx) => ctx.inputTensor(7)?.dtype),
  Gemm: gemm,
});
