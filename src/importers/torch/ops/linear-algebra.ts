import { DataType } from '../../../ir/dtype.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';

/**
 * aten::linear(input, weight, bias=None) is input @ weight^T + bias. A 2-D float input is one Gemm
 * (transB); otherwise MatMul, whose numpy semantics are torch.matmul's, with the weight transposed
 * (a 1-D weight is a dot product over the last axis and stays as it is), then Add.
 */
function linear(ctx: LowerContext): void {
  const x = ctx.tensor([0, 'input']);
  const w = ctx.tensor([1, 'weight']);
  const bias = ctx.arg([2, 'bias']);
  const wRank = ctx.rank(w);
  const dt = ctx.dtype(x);
  if (ctx.shape(x)?.length === 2 && wRank === 2 && (dt === DataType.FLOAT || dt === DataType.DOUBLE)) {
    ctx.output(0, ctx.op('Gemm', [x, w, bias], { transB: 1 }));
    return;
  }
  const y = ctx.op('MatMul', [x, wRank === 2 ? ctx.op('Transpose', [w], { perm: [1, 0] }) : w]);
  ctx.output(0, bias === null ? y : ctx.op('Add', [y, bias]));
}

/** aten::matmul(self, other): ONNX MatMul has the same broadcasting and 1-D rules. */
function matmul(ctx: LowerContext): void {
  ctx.output(0, ctx.op('MatMul', [ctx.tensor(0), ctx.tensor(1)]));
}

/**
 * aten::einsum(equation, tensors, *, path=None): ONNX Einsum takes the same equation grammar (letters,
 * `...`, implicit output in sorted label order) but no spaces, which torch allows.
 */
function einsum(ctx: LowerContext): void {
  const equation = ctx.string([0, 'equation']).replace(/\s+/g, '');
  const operands = ctx.tensorList([1, 'tensors']);
  if (operands.some((v) => v === null)) ctx.unsupported('einsum with a None operand');
  ctx.output(0, ctx.op('Einsum', operands, { equation }));
}

/**
 * aten::embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False): rows of the
 * weight, a Gather on axis 0 (the one-hot product it stands for); the other arguments only shape gradients.
 */
function embedding(ctx: LowerContext): void {
  ctx.output(0, ctx.op('Gather', [ctx.tensor([0, 'weight']), ctx.tensor([1, 'indices'])], { axis: 0 }));
}

atenTable.register({
  'aten::embedding': embedding,
  'aten::linear': linear,
  'aten::matmul': matmul,
  'aten::einsum': einsum,
});
