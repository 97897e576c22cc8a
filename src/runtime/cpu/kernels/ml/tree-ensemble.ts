/**
 * TreeEnsemble (ai.onnx.ml opset 5): interior nodes in parallel arrays, leaves apart; each tree's leaf adds
 * its weight to its target, trees are combined by aggregate_function, then post_transform applies.
 * post_transform follows the spec's numbering (1 SOFTMAX, 2 LOGISTIC); onnxruntime 1.30 does not
 * (microsoft/onnxruntime#26596), so those two are checked against neither it nor the conformance data.
 */
import type { KernelContext } from '../../../kernel.js';
import { fromIrTensor } from '../../../tensor.js';

const LEQ = 0, LT = 1, GTE = 2, GT = 3, EQ = 4, NEQ = 5, MEMBER = 6;
const AVERAGE = 0, SUM = 1, MIN = 2, MAX = 3;

function numbers(ctx: KernelContext, name: string, required = true): number[] {
  const t = ctx.attrs.tensor(name);
  if (!t) {
    if (required) throw ctx.error(`attribute ${JSON.stringify(name)} (a tensor) is required`);
    return [];
  }
  return Array.from(fromIrTensor(t).data as ArrayLike<number | bigint>, Number);
}

function test(mode: number, x: number, split: number, set: Set<number> | undefined): boolean {
  switch (mode) {
    case LEQ: return x <= split;
    case LT: return x < split;
    case GTE: return x >= split;
    case GT: return x > split;
    case EQ: return x === split;
    case NEQ: return x !== split;
    case MEMBER: return set?.has(x) ?? false;
    default: throw new Error(`unknown node mode ${mode}`);
  }
}

export function treeEnsemble(ctx: KernelContext): void {
  const x = ctx.input(0);
  if (x.type !== 'float32' && x.type !== 'float64') throw ctx.error(`TreeEnsemble on ${x.type} is not supported`);
  const [N = 1, F = 1] = x.dims.length === 1 ? [1, x.dims[0]!] : x.dims;
  const T = ctx.attrs.int('n_targets');
  const agg = ctx.attrs.int('aggregate_function', SUM);
  const post = ctx.attrs.int('post_transform', 0);
  const roots = ctx.attrs.ints('tree_roots');
  const featureIds = ctx.attrs.ints('nodes_featureids');
  const splits = numbers(ctx, 'nodes_splits');
  const modes = numbers(ctx, 'nodes_modes');
  const trueIds = ctx.attrs.ints('nodes_truenodeids');
  const falseIds = ctx.attrs.ints('nodes_falsenodeids');
  const trueLeaf = ctx.attrs.ints('nodes_trueleafs');
  const falseLeaf = ctx.attrs.ints('nodes_falseleafs');
  const missingTrue = ctx.attrs.intsOpt('nodes_missing_value_tracks_true') ?? [];
  const leafTargets = ctx.attrs.ints('leaf_targetids');
  const leafWeights = numbers(ctx, 'leaf_weights');
  // BRANCH_MEMBER nodes, in node order, take the NaN-separated sets of membership_values in turn.
  const sets = new Map<number, Set<number>>();
  const members = numbers(ctx, 'membership_values', false);
  let cur = new Set<number>();
  const groups: Set<number>[] = [];
  for (const v of members) {
    if (Number.isNaN(v)) groups.push(cur), (cur = new Set());
    else cur.add(v);
  }
  if (cur.size > 0 || members.length > 0) groups.push(cur);
  let g = 0;
  modes.forEach((m, i) => m === MEMBER && sets.set(i, groups[g++] ?? new Set()));
  if (post !== 0 && post !== 2 && post !== 1) throw ctx.error(`post_transform ${post} is not supported (NONE, SOFTMAX, LOGISTIC only)`);

  const y = ctx.output(0, [N, T], x.type).data as Float32Array;
  const xs = x.data as Float32Array;
  const acc = new Float64Array(T);
  const seen = new Uint8Array(T);
  for (let r = 0; r < N; r++) {
    acc.fill(0);
    seen.fill(0);
    for (const root of roots) {
      let n = root;
      let leaf = -1;
      for (let guard = 0; leaf < 0; guard++) {
        if (guard > featureIds.length) throw ctx.error(`tree rooted at ${root} has a cycle`);
        const v = xs[r * F + featureIds[n]!]!;
        const go = (Number.isNaN(v) && (missingTrue[n] ?? 0) !== 0) || test(modes[n]!, v, splits[n]!, sets.get(n));
        const next = go ? trueIds[n]! : falseIds[n]!;
        if ((go ? trueLeaf[n] : falseLeaf[n]) !== 0) leaf = next;
        else n = next;
      }
      const t = leafTargets[leaf]!;
      const w = leafWeights[leaf]!;
      if (agg === MIN) acc[t] = seen[t] ? Math.min(acc[t]!, w) : w;
      else if (agg === MAX) acc[t] = seen[t] ? Math.max(acc[t]!, w) : w;
      else acc[t]! += w;
      seen[t] = 1;
    }
    if (agg === AVERAGE) for (let t = 0; t < T; t++) acc[t]! /= roots.length;
    if (post === 2) for (let t = 0; t < T; t++) acc[t] = 1 / (1 + Math.exp(-acc[t]!));
    if (post === 1) {
      let m = -Infinity;
      for (let t = 0; t < T; t++) m = Math.max(m, acc[t]!);
      let s = 0;
      for (let t = 0; t < T; t++) s += acc[t] = Math.exp(acc[t]! - m);
      for (let t = 0; t < T; t++) acc[t]! /= s;
    }
    for (let t = 0; t < T; t++) y[r * T + t] = acc[t]!;
  }
}
