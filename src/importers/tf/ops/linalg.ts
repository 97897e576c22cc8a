import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';
import { fusedActivation, fusedOps } from './nn.js';

/** x with its last two dims swapped (a transpose flag); a constant operand folds it away. */
function transposeLast2(ctx: LowerContext, x: Value): Value {
  const r = ctx.rank(x);
  if (r < 2) ctx.unsupported('a matrix operand of rank below 2');
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  return ctx.op('Transpose', [x], { perm });
}

/** An adjoint flag conjugates too, which only complex operands notice; ONNX MatMul has none. */
function refuseComplex(ctx: LowerContext, x: Value): void {
  const dt = ctx.dtype(x);
  if (dt === DataType.COMPLEX64 || dt === DataType.COMPLEX128) ctx.unsupported('complex matrix products');
}

/**
 * MatMul(a, b, transpose_a, transpose_b) on matrices; BatchMatMulV2(x, y, adj_x, adj_y) broadcasts
 * the batch dims like numpy's matmul, which is ONNX MatMul's rule too. (grad_* attributes are hints
 * for the gradient and change nothing.)
 */
function matmul(ctx: LowerContext, flagA: string, flagB: string): Value {
  let [a, b] = [ctx.tensor(0), ctx.tensor(1)];
  refuseComplex(ctx, a);
  if (ctx.attrInt(flagA, 0) !== 0) a = transposeLast2(ctx, a);
  if (ctx.attrInt(flagB, 0) !== 0) b = transposeLast2(ctx, b);
  return ctx.op('MatMul', [a, b]);
}

/**
 * _FusedMatMul (grappler, TF.js): MatMul with transpose_a/b, then fused_ops in order: BiasAdd (a
 * [N] bias on the last dim), optionally then an activation (see fusedActivation).
 */
const fusedMatMul: LoweringRule = (ctx) => {
  const { ops, take } = fusedOps(ctx);
  const [first, act, ...more] = ops;
  if (first !== 'BiasAdd' || more.length > 0) ctx.unsupported(`fused_ops ${ops.join(',')}`);
  const y = ctx.op('Add', [matmul(ctx, 'transpose_a', 'transpose_b'), take()]);
  ctx.output(0, act === undefined ? y : fusedActivation(ctx, act, y, take));
};

/**
 * Einsum: TF's equations are ONNX's, but ONNX speaks of lower-case labels only (Keras writes
 * `BTNH,BSNH->BNTS`). Labels are renamed to a, b, ... in ASCII order, which keeps implicit mode's
 * sorted output order.
 */
const einsum: LoweringRule = (ctx) => {
  const equation = ctx.attrString('equation').replace(/\s+/g, '');
  const labels = [...new Set(equation.replace(/[^A-Za-z]/g, ''))].sort();
  if (labels.length > 26) ctx.unsupported(`einsum ${equation} with more than 26 labels`);
  const rename = new Map(labels.map((l, i) => [l, String.fromCharCode(97 + i)]));
  const onnxEquation = equation.replace(/[A-Za-z]/g, (l) => rename.get(l)!);
  ctx.output(0, ctx.op('Einsum', ctx.node.inputs.map((_, i) => ctx.tensor(i)), { equation: onnxEquation }));
};

tfTable.register({
  'tf::MatMul': (ctx) => ctx.output(0, matmul(ctx, 'transpose_a', 'transpose_b')),
  'tf::BatchMatMulV2': (ctx) => ctx.output(0, matmul(ctx, 'adj_x', 'adj_y')),
  'tf::_FusedMatMul': fusedMatMul,
  'tf::Einsum': einsum,
});
