import { DataType } from '../../../ir/dtype.js';
import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { atenTable } from '../table.js';
import { dtypeArg, isFloatType, scalarValue } from './arg-values.js';
import { unary, unaryFloat } from './elementwise.js';
import { castTo, promote } from './promote.js';
import { passThrough, scalarOf } from './util.js';

/**
 * aten::gelu(self, *, approximate='none'|'tanh'). ONNX has Gelu from opset 20; before that it is
 * written out: x/2 * (1 + erf(x / sqrt 2)), or with approximate='tanh'
 * x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))), the formulas torch documents.
 */
function gelu(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const approximate = ctx.string([1, 'approximate'], 'none');
  if (approximate !== 'none' && approximate !== 'tanh') ctx.unsupported(`gelu approximate=${JSON.stringify(approximate)}`);
  const dt = ctx.dtype(x);
  // onnxruntime runs a DOUBLE Gelu through its function body, whose DOUBLE Erf has no kernel.
  if (ctx.opset >= 20 && dt !== DataType.DOUBLE) {
    ctx.output(0, ctx.op('Gelu', [x], { approximate }));
    return;
  }
  const c = (v: number): Value => scalarOf(ctx, dt, v);
  let inner: Value;
  if (approximate === 'none') {
    // onnxruntime has no DOUBLE Erf kernel: a double input takes erf in FLOAT (about 1e-7 relative).
    const t = ctx.op('Mul', [x, c(Math.SQRT1_2)]);
    inner = dt === DataType.DOUBLE ? castTo(ctx, ctx.op('Erf', [castTo(ctx, t, DataType.FLOAT)]), dt) : ctx.op('Erf', [t]);
  } else {
    const cube = ctx.op('Mul', [ctx.op('Mul', [x, x]), x]);
    const poly = ctx.op('Add', [x, ctx.op('Mul', [cube, c(0.044715)])]);
    inner = ctx.op('Tanh', [ctx.op('Mul', [poly, c(Math.sqrt(2 / Math.PI))])]);
  }
  const half = ctx.op('Mul', [x, c(0.5)]);
  ctx.output(0, ctx.op('Mul', [half, ctx.op('Add', [inner, c(1)])]));
}

/** aten::hardtanh(self, min_val=-1, max_val=1): a Clip with bounds in self's dtype (ReLU6 is hardtanh(0, 6)). */
function hardtanh(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const dt = ctx.dtype(x);
  const lo = ctx.has([1, 'min_val']) ? scalarValue(ctx, [1, 'min_val'], dt) : scalarOf(ctx, dt, -1);
  const hi = ctx.has([2, 'max_val']) ? scalarValue(ctx, [2, 'max_val'], dt) : scalarOf(ctx, dt, 1);
  ctx.output(0, ctx.op('Clip', [x, lo, hi]));
}

/**
 * aten::clamp(self, min=None, max=None), bounds Python scalars (clamp.default) or tensors
 * (clamp.Tensor), promoted with self (clamp(int_tensor, 0.5) is float). torch computes
 * min(max(x, lo), hi), so lo > hi gives hi everywhere; Clip, and Max then Min, do the same. Clip takes
 * 0-dim bounds only, so tensor bounds with dims broadcast through Max and Min.
 */
function clamp(ctx: LowerContext): void {
  const refs = [
    [1, 'min'],
    [2, 'max'],
  ] as const;
  const present = refs.filter((r) => ctx.has(r));
  const { values } = promote(ctx, [ctx.tensor(0), ...present.map((r) => ctx.tensor(r))]);
  const [x, ...given] = values as [Value, ...Value[]];
  const bound = (name: 'min' | 'max'): Value | null => {
    const k = present.findIndex((r) => r[1] === name);
    return k < 0 ? null : given[k]!;
  };
  const lo = bound('min');
  const hi = bound('max');
  if (given.every((v) => ctx.shape(v)?.length === 0)) {
    if (lo === null && hi === null) passThrough(ctx, 0, x);
    else ctx.output(0, ctx.op('Clip', [x, lo, hi]));
    return;
  }
  let y = x;
  if (lo !== null) y = ctx.op('Max', [y, lo]);
  if (hi !== null) y = ctx.op('Min', [y, hi]);
  ctx.output(0, y);
}

/** aten::softmax(self, dim, dtype=None) (softmax.int; TorchScript gives the dtype positionally or as None). */
function softmax(ctx: LowerContext): void {
  const dt = dtypeArg(ctx, [2, 'dtype']);
  const x = ctx.tensor(0);
  const axis = ctx.int([1, 'dim']);
  if (ctx.shape(x)?.length === 0) ctx.unsupported('softmax of a 0-dim tensor');
  ctx.output(0, ctx.op('Softmax', [dt === undefined ? x : castTo(ctx, x, dt)], { axis }));
}

/** aten::dropout(input, p, train): the identity in eval mode (and with p = 0); training-mode dropout is refused. */
function dropout(ctx: LowerContext): void {
  const p = ctx.float([1, 'p'], 0.5);
  if (ctx.bool([2, 'train'], true) && p > 0) ctx.unsupported('dropout with train=True (export the model in eval mode)');
  passThrough(ctx, 0, ctx.tensor(0));
}

/**
 * aten::relu. ONNX Relu takes integers since opset 14, but onnxruntime 1.30 found no kernel for an INT64
 * Relu in our op tables (at opsets 17 and 21); integers take max(x, 0), the same thing.
 */
function relu(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const dt = ctx.dtype(x);
  ctx.output(0, isFloatType(dt) ? ctx.op('Relu', [x]) : ctx.op('Max', [x, scalarOf(ctx, dt, 0)]));
}

atenTable.register({
  'aten::relu': relu,
  'aten::relu_': relu,
  'aten::sigmoid': unaryFloat((ctx, x) => ctx.op('Sigmoid', [x])),
  'aten::sigmoid_': unaryFloat((ctx, x) => ctx.op('Sigmoid', [x])),
  'aten::tanh': unaryFloat((ctx, x) => ctx.op('Tanh', [x])),
  'aten::tanh_': unaryFloat((ctx, x) => ctx.op('Tanh', [x])),
  'aten::gelu': gelu,
  'aten::hardswish': unary('HardSwish'),
  'aten::hardswish_': unary('HardSwish'),
  'aten::hardtanh': hardtanh,
  'aten::hardtanh_': hardtanh,
  'aten::clamp': clamp,
  'aten::clamp_': clamp,
  'aten::softmax': softmax,
  'aten::dropout': dropout,
  'aten::dropout_': dropout,
});
