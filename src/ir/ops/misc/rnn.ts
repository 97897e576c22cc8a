/**
 * The recurrent layers RNN, GRU and LSTM. They share one shape contract and differ only in how many gates
 * W and R pack (1, 3 and 4 blocks of hidden_size rows) and in LSTM's extra cell-state output Y_c.
 *
 * layout 0 (the only one before opset 14): X [seq, batch, input], Y [seq, dirs, batch, hidden],
 * Y_h/Y_c [dirs, batch, hidden]. layout 1: X [batch, seq, input], Y [batch, seq, dirs, hidden],
 * Y_h/Y_c [batch, dirs, hidden].
 */
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { checkRank, dimAt, divDim, unifyDim } from './util.js';

function numDirections(ctx: InferContext): number {
  const dir = ctx.attrString('direction', 'forward');
  if (dir === 'bidirectional') return 2;
  // 'foward' is GRU-1's misspelt schema default; it means forward.
  if (dir === 'forward' || dir === 'reverse' || dir === 'foward') return 1;
  return ctx.fail(`direction must be forward, reverse or bidirectional, got '${dir}'`);
}

/** hidden_size from the attribute, else from R [dirs, gates*hidden, hidden] or W [dirs, gates*hidden, input]. */
function hiddenSize(ctx: InferContext, gates: number): Dim {
  const w = ctx.inputTensor(1)?.shape;
  const r = ctx.inputTensor(2)?.shape;
  let hidden: Dim = ctx.attrInt('hidden_size') ?? null;
  if (typeof hidden === 'number' && hidden <= 0) ctx.fail(`hidden_size must be positive, got ${hidden}`);
  hidden = unifyDim(ctx, hidden, dimAt(r, 2), 'hidden_size vs R dim 2');
  const wRows = dimAt(w, 1);
  const rRows = dimAt(r, 1);
  hidden = unifyDim(ctx, hidden, divDim(ctx, wRows, gates, `W dim 1 (${gates} gates x hidden_size)`), 'hidden_size vs W dim 1');
  hidden = unifyDim(ctx, hidden, divDim(ctx, rRows, gates, `R dim 1 (${gates} gates x hidden_size)`), 'hidden_size vs R dim 1');
  return hidden;
}

function recurrentRule(gates: number, stateOutputs: number): ShapeRule {
  return (ctx) => {
    const x = ctx.inputTensor(0);
    const w = ctx.inputTensor(1);
    const r = ctx.inputTensor(2);
    checkRank(ctx, x?.shape, [3], 'X');
    checkRank(ctx, w?.shape, [3], 'W');
    checkRank(ctx, r?.shape, [3], 'R');
    const dirs = numDirections(ctx);
    unifyDim(ctx, dirs, dimAt(w?.shape, 0), 'num_directions vs W dim 0');
    unifyDim(ctx, dirs, dimAt(r?.shape, 0), 'num_directions vs R dim 0');
    unifyDim(ctx, dimAt(x?.shape, 2), dimAt(w?.shape, 2), 'input_size: X dim 2 vs W dim 2');
    const hidden = hiddenSize(ctx, gates);

    const layout = ctx.schema.sinceVersion >= 14 ? ctx.attrInt('layout', 0) : 0;
    if (layout !== 0 && layout !== 1) ctx.fail(`layout must be 0 or 1, got ${layout}`);
    const seq = dimAt(x?.shape, layout === 0 ? 0 : 1);
    let batch = dimAt(x?.shape, layout === 0 ? 1 : 0);
    // initial_h (and LSTM's initial_c) have the layout of Y_h, so they can name the batch size too.
    for (const i of [5, 6]) {
      const s = ctx.inputTensor(i)?.shape;
      if (s === undefined || i >= 5 + stateOutputs) continue;
      checkRank(ctx, s, [3], i === 5 ? 'initial_h' : 'initial_c');
      batch = unifyDim(ctx, batch, dimAt(s, layout === 0 ? 1 : 0), `batch size: X vs input ${i}`);
    }

    const dtype = x?.dtype ?? w?.dtype ?? r?.dtype;
    if (dtype === undefined) return;
    if (ctx.hasOutput(0)) {
      ctx.setOutputTensor(0, dtype, layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden]);
    }
    const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
    for (let o = 1; o <= stateOutputs; o++) {
      if (ctx.hasOutput(o)) ctx.setOutputTensor(o, dtype, state);
    }
  };
}

registerShapeRules({
  RNN: recurrentRule(1, 1),
  GRU: recurrentRule(3, 1),
  LSTM: recurrentRule(4, 2),
});
