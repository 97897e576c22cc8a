import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { ArgRef, LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { argKind, dtypeArg, filled, isFloatType, toScalar } from './arg-values.js';
import { castTo, isPythonScalar } from './promote.js';
import { passThrough, shapeArg } from './util.js';

/**
 * Tensor creation (zeros, arange), dtype conversion (to), the ops that are the identity in an ONNX graph
 * (contiguous, lift_fresh_copy, _assert_tensor_metadata), and TorchScript's glue between Python numbers
 * and tensors (aten::Int, aten::ScalarImplicit, prim::NumToTensor), where a number is a 0-dim value.
 * Layout, device and pin_memory arguments mean nothing in ONNX and are not read.
 */

/** aten::zeros(size, *, dtype=None, layout, device, pin_memory); TorchScript may pass dtype positionally. */
function zeros(ctx: LowerContext): void {
  const dt = dtypeArg(ctx, [1, 'dtype']) ?? DataType.FLOAT;
  ctx.output(0, filled(ctx, dt, shapeArg(ctx, [0, 'size']), 0));
}

/** How many of arange's leading arguments are numbers (end | start, end | start, end, step). */
function arangeArity(ctx: LowerContext): 1 | 2 | 3 {
  switch (ctx.node.overload) {
    case 'default':
      return 1;
    case 'start':
      return 2;
    case 'start_step':
      return 3;
  }
  // TorchScript: the numbers, then dtype, layout, device, pin_memory positionally or as keywords.
  const n = ctx.argCount;
  if (n === 1 || n === 5) return 1;
  if (n === 2 || n === 6) return 2;
  if (n === 3 || n === 7) return 3;
  return ctx.unsupported(`arange with ${n} positional arguments`);
}

/**
 * aten::arange. Without a dtype the result is INT64, or the default float when a bound is a float.
 * torch sizes the range as ceil((end - start) / step) in double and computes start + i * step in
 * double for float results, so float ranges are made in DOUBLE (onnxruntime's Range accumulates, which
 * in FLOAT drifts on long ranges) and cast. An integer range with fractional bounds is refused: torch
 * casts the bounds in a way a Range does not reproduce.
 */
function arange(ctx: LowerContext): void {
  const arity = arangeArity(ctx);
  const all: ArgRef[] = [
    [0, 'start'],
    [1, 'end'],
    [2, 'step'],
  ];
  const refs: ArgRef[] = arity === 1 ? [[0, 'end']] : all.slice(0, arity);
  const anyFloat = refs.some((r) => {
    const k = argKind(ctx, r);
    return k === 'float' || (k === 'tensor' && isFloatType(ctx.dtype(ctx.tensor(r))));
  });
  const target = dtypeArg(ctx, [arity, 'dtype']) ?? (anyFloat ? DataType.FLOAT : DataType.INT64);
  const compute = isFloatType(target) ? DataType.DOUBLE : DataType.INT64;
  const bound = (r: ArgRef | undefined, dflt: number): Value => {
    if (r === undefined || !ctx.has(r)) return ctx.scalar(compute, dflt);
    const v = ctx.tensor(r);
    if (isPythonScalar(v)) {
      const x = ctx.float(r);
      if (compute === DataType.INT64 && !Number.isInteger(x)) ctx.unsupported(`arange to an integer dtype with a fractional bound ${x}`);
      return ctx.scalar(compute, x);
    }
    if (compute === DataType.INT64 && isFloatType(ctx.dtype(v))) ctx.unsupported('arange to an integer dtype with a float bound computed in the graph');
    return toScalar(ctx, castTo(ctx, v, compute));
  };
  const [start, end, step] = arity === 1 ? [bound(undefined, 0), bound(refs[0], 0), bound(undefined, 1)] : [bound(refs[0], 0), bound(refs[1], 0), bound(refs[2], 1)];
  ctx.output(0, castTo(ctx, ctx.op('Range', [start, end, step]), target));
}

/**
 * The dtype aten::to converts to, or undefined for a device-only move. The overloads: to.dtype(self,
 * dtype, non_blocking, copy, memory_format), to.device(self, device, dtype, ...), to.other(self,
 * other_tensor, ...), to.dtype_layout(self, *, dtype, layout, device, ...), and TorchScript's
 * to.prim_dtype(self, dtype?, ...) / to.prim_Device(self, device?, dtype?, ...). TorchScript code names
 * no overload: an int second argument is a dtype, a tensor is `other`, anything else (a device string,
 * None) puts the dtype third.
 */
function toTarget(ctx: LowerContext): DataType | undefined {
  switch (ctx.node.overload) {
    case 'dtype':
    case 'prim_dtype':
      return dtypeArg(ctx, [1, 'dtype']);
    case 'device':
    case 'prim_Device':
      return dtypeArg(ctx, [2, 'dtype']);
    case 'other':
      return ctx.dtype(ctx.tensor([1, 'other']));
    case 'dtype_layout':
      return dtypeArg(ctx, 'dtype');
    case undefined:
    case '':
      break;
    default:
      return ctx.unsupported(`aten::to.${ctx.node.overload}`);
  }
  if (ctx.has('dtype')) return dtypeArg(ctx, 'dtype');
  switch (argKind(ctx, 1)) {
    case 'int':
      return dtypeArg(ctx, 1);
    case 'tensor':
      return ctx.dtype(ctx.tensor(1));
    case 'bool': // to.prim_other(self, non_blocking, copy)
      return undefined;
    default:
      return argKind(ctx, 2) === 'int' ? dtypeArg(ctx, 2) : undefined;
  }
}

function to(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const dt = toTarget(ctx);
  passThrough(ctx, 0, dt === undefined ? x : castTo(ctx, x, dt));
}

/** Ops whose result is their first argument in a graph without aliasing or memory layout. */
function identity(ctx: LowerContext): void {
  passThrough(ctx, 0, ctx.tensor(0));
}

/** aten::Int(a): a number (0-dim tensor or Python number) as a Python int; floats truncate, as int() does. */
function toInt(ctx: LowerContext): void {
  passThrough(ctx, 0, castTo(ctx, toScalar(ctx, ctx.tensor(0)), DataType.INT64));
}

atenTable.register({
  'aten::zeros': zeros,
  'aten::arange': arange,
  'aten::to': to,
  'aten::contiguous': identity,
  'aten::lift_fresh_copy': identity,
  // A check of the traced dtype/device/layout; it has no output, so nothing is left to do.
  'aten::_assert_tensor_metadata': () => {},
  'aten::Int': toInt,
  // Tensor -> Scalar and number -> 0-dim tensor: both are 0-dim values already.
  'aten::ScalarImplicit': (ctx) => passThrough(ctx, 0, toScalar(ctx, ctx.tensor(0))),
  'prim::NumToTensor': identity,
});
