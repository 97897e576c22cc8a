import type { LoweringRule } from '../../common/lowering-table.js';
import { tfTable } from '../table.js';

/** One ONNX op on input 0: TF unary math has ONNX's semantics for the types TF allows. */
function unary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0)]));
}

/** Broadcasting binary ops: TF's broadcasting is numpy's, as ONNX's is; both operands share one dtype. */
function binary(onnxOp: string): LoweringRule {
  return (ctx) => ctx.output(0, ctx.op(onnxOp, [ctx.tensor(0), ctx.tensor(1)]));
}

tfTable.register({
  'tf::Identity': (ctx) => ctx.output(0, ctx.tensor(0)),
  'tf::Relu': unary('Relu'),
  'tf::AddV2': binary('Add'),
  'tf::Mul': binary('Mul'),
});
