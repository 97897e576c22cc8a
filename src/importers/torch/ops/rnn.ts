import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import type { LoweringRule } from '../../common/lowering-table.js';
import { atenTable } from '../table.js';

/**
 * Note [torch RNN weights in ONNX]: aten::lstm / aten::gru take one flat list of parameters, per layer
 * and direction `w_ih [G*H, I], w_hh [G*H, H]` and, with biases, `b_ih [G*H], b_hh [G*H]` (forward
 * direction first). One ONNX LSTM/GRU node runs one layer (both directions), so the layers are stacked
 * here: the output of layer l, [T, B, dirs*H], is the input of layer l+1. ONNX wants
 * W [dirs, G*H, I], R [dirs, G*H, H], B [dirs, 2*G*H] (= Wb then Rb: b_ih then b_hh) with the gate
 * blocks in its own order, so each parameter is split into its G row blocks and put back in ONNX order.
 * The weights are usually constants, and the reordering then folds away.
 */
interface RnnKind {
  onnxOp: 'LSTM' | 'GRU';
  gates: number;
  /** Which torch gate block goes at each ONNX position. */
  order: readonly number[];
  /** Whether hx is a list [h0, c0] (LSTM) rather than one tensor h0 (GRU). */
  cellState: boolean;
  attrs: Record<string, number>;
}

const LSTM: RnnKind = {
  onnxOp: 'LSTM',
  gates: 4,
  // torch packs i,f,g,o; ONNX i,o,f,c (c is torch's g).
  order: [0, 3, 1, 2],
  cellState: true,
  attrs: {},
};

const GRU: RnnKind = {
  onnxOp: 'GRU',
  gates: 3,
  // torch packs r,z,n; ONNX z,r,h.
  order: [1, 0, 2],
  cellState: false,
  // torch computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): the reset gate multiplies after the
  // hidden matmul, which is ONNX's linear_before_reset=1 (the default 0 resets h before the matmul).
  attrs: { linear_before_reset: 1 },
};

/** Argument positions shared by lstm.input and gru.input (after input, hx, params). */
const ARG = { hasBiases: 3, numLayers: 4, dropout: 5, train: 6, bidirectional: 7, batchFirst: 8 } as const;

function recurrent(kind: RnnKind): LoweringRule {
  // `ctx` is annotated so that `ctx.unsupported(...)` (returns never) narrows types after it.
  return (ctx: LowerContext) => {
    // The `data` overload (a PackedSequence: data, batch_sizes, hx, params, ...) has as many arguments
    // as `input` and TorchScript code names no overload, so look at what follows the input: `input`
    // has lstm's hx list / gru's params list where `data` has the batch_sizes / hx tensor.
    const listAt = kind.cellState ? 1 : 2;
    if (ctx.node.overload === 'data' || ctx.arg(listAt)?.producer?.opType !== 'ListConstruct') {
      ctx.unsupported('packed sequences (the data overload)');
    }
    const params = ctx.tensorList(2);
    const hasBiases = ctx.bool(ARG.hasBiases);
    const numLayers = ctx.int(ARG.numLayers);
    const dirs = ctx.bool(ARG.bidirectional) ? 2 : 1;
    const batchFirst = ctx.bool(ARG.batchFirst);
    // Dropout applies between layers only in training; with train=False (or p=0) it is the identity.
    if (ctx.bool(ARG.train) && ctx.float(ARG.dropout) > 0) ctx.unsupported('dropout between layers in training mode');
    const perDir = hasBiases ? 4 : 2;
    if (params.length !== numLayers * dirs * perDir) {
      const why = kind.cellState ? ' (an LSTM with proj_size has a w_hr per layer: ONNX LSTM has no projection)' : '';
      ctx.unsupported(`${params.length} parameters for ${numLayers} layers x ${dirs} directions${why}`);
    }
    const param = (layer: number, dir: number, k: number): Value => {
      const p = params[(layer * dirs + dir) * perDir + k];
      if (!p) ctx.unsupported(`parameter ${k} of layer ${layer} is None`);
      return p;
    };
    // ORT needs the hidden_size attribute, so H must be known: w_hh is [G*H, H].
    const hidden = ctx.shape(param(0, 0, 1))?.[1];
    if (typeof hidden !== 'number') ctx.unsupported('the hidden size (w_hh dim 1) must be static');

    const initial = kind.cellState ? ctx.tensorList(1) : [ctx.tensor(1)];
    if (initial.length !== (kind.cellState ? 2 : 1) || initial.some((s) => !s)) ctx.unsupported('hx must hold the initial states');

    // ORT only runs layout 0 (time-major), so batch_first is a transpose on the way in and out.
    let x = batchFirst ? ctx.op('Transpose', [ctx.tensor(0)], { perm: [1, 0, 2] }) : ctx.tensor(0);
    const hN: Value[] = [];
    const cN: Value[] = [];
    for (let l = 0; l < numLayers; l++) {
      // One tensor per direction, stacked to [dirs, ...].
      const stack = (one: (d: number) => Value): Value => concat(ctx, range(dirs).map((d) => unsqueeze0(ctx, one(d))), 0);
      const gates = (d: number, k: number): Value => reorderGates(ctx, kind, param(l, d, k), hidden);
      const w = stack((d) => gates(d, 0));
      const r = stack((d) => gates(d, 1));
      const b = hasBiases ? stack((d) => concat(ctx, [gates(d, 2), gates(d, 3)], 0)) : null;
      const states = initial.map((s) => layerSlice(ctx, s!, l * dirs, dirs, numLayers * dirs));
      const outs = ctx.ops(
        kind.onnxOp,
        [x, w, r, b, null, ...states],
        { hidden_size: hidden, direction: dirs === 2 ? 'bidirectional' : 'forward', ...kind.attrs },
        kind.cellState ? 3 : 2,
      );
      x = mergeDirections(ctx, outs[0]!, dirs);
      hN.push(outs[1]!);
      if (kind.cellState) cN.push(outs[2]!);
    }
    ctx.output(0, batchFirst ? ctx.op('Transpose', [x], { perm: [1, 0, 2] }) : x);
    ctx.output(1, concat(ctx, hN, 0));
    if (kind.cellState) ctx.output(2, concat(ctx, cN, 0));
  };
}

/** A [G*H, ...] parameter with its G blocks of H rows moved from torch's gate order to ONNX's. */
function reorderGates(ctx: LowerContext, kind: RnnKind, v: Value, hidden: number): Value {
  const blocks = ctx.ops('Split', [v, ctx.int64s(Array<number>(kind.gates).fill(hidden))], { axis: 0 }, kind.gates);
  return ctx.op('Concat', kind.order.map((i) => blocks[i]!), { axis: 0 });
}

/** ONNX Y [T, dirs, B, H] as torch's [T, B, dirs*H] (forward features first, then reverse). */
function mergeDirections(ctx: LowerContext, y: Value, dirs: number): Value {
  if (dirs === 1) return ctx.op('Squeeze', [y, ctx.int64s([1])]);
  const t = ctx.op('Transpose', [y], { perm: [0, 2, 1, 3] });
  return ctx.op('Reshape', [t, ctx.int64s([0, 0, -1])]);
}

/** Rows [start, start+count) of a [layers*dirs, B, H] state (the whole tensor when that is all of it). */
function layerSlice(ctx: LowerContext, s: Value, start: number, count: number, total: number): Value {
  if (start === 0 && count === total) return s;
  return ctx.op('Slice', [s, ctx.int64s([start]), ctx.int64s([start + count]), ctx.int64s([0])]);
}

function unsqueeze0(ctx: LowerContext, v: Value): Value {
  return ctx.op('Unsqueeze', [v, ctx.int64s([0])]);
}

function concat(ctx: LowerContext, vs: readonly Value[], axis: number): Value {
  return vs.length === 1 ? vs[0]! : ctx.op('Concat', vs, { axis });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

atenTable.register({
  'aten::lstm': recurrent(LSTM),
  'aten::gru': recurrent(GRU),
});
