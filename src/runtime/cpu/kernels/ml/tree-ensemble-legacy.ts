/**
 * TreeEnsembleRegressor (ai.onnx.ml 1 and 3): trees as parallel node arrays keyed by (tree id, node id),
 * string node modes, leaf weights listed apart by (tree id, node id, target). Each tree's leaf adds its
 * weights; trees are combined by aggregate_function, base_values added, then post_transform applies.
 */
import type { KernelContext } from '../../../kernel.js';
import { fromIrTensor } from '../../../tensor.js';
import { rowsOf } from './linear.js';
import { applyPostTransform, postTransformOf } from './post-transform.js';

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'LEAF'];
const LEAF = 6;

/** A float list attribute or its `_as_tensor` form (opset 3). */
function floatsOf(ctx: KernelContext, name: string): number[] {
  const t = ctx.attrs.tensor(`${name}_as_tensor`);
  if (t) return Array.from(fromIrTensor(t).data as ArrayLike<number>);
  return ctx.attrs.floats(name, []);
}

export interface Forest {
  roots: number[];
  /** Per node: mode index, feature, threshold, true/false child indices (-1 for leaves), NaN goes true. */
  mode: Uint8Array; feature: number[]; value: number[]; yes: Int32Array; no: Int32Array; nanTrue: Uint8Array;
  /** Per node: the [target, weight] pairs of a leaf. */
  weights: [number, number][][];
}

/** Reads the node arrays and the leaf weights under `prefix` ('target' or 'class'). */
export function readForest(ctx: KernelContext, prefix: 'target' | 'class'): Forest {
  const treeIds = ctx.attrs.ints('nodes_treeids');
  const nodeIds = ctx.attrs.ints('nodes_nodeids');
  const n = treeIds.length;
  const index = new Map<string, number>();
  const roots: number[] = [];
  treeIds.forEach((t, i) => {
    if (!roots.some((r) => treeIds[r] === t)) roots.push(i);
    index.set(`${t}:${nodeIds[i]}`, i);
  });
  const find = (t: number, id: number): number => {
    const i = index.get(`${t}:${id}`);
    if (i === undefined) throw ctx.error(`tree ${t} has no node ${id}`);
    return i;
  };
  const modeNames = ctx.attrs.strings('nodes_modes') ?? [];
  const mode = Uint8Array.from(modeNames, (m) => {
    const k = MODES.indexOf(m);
    if (k < 0) throw ctx.error(`unknown node mode ${JSON.stringify(m)}`);
    return k;
  });
  const trueIds = ctx.attrs.ints('nodes_truenodeids');
  const falseIds = ctx.attrs.ints('nodes_falsenodeids');
  const yes = new Int32Array(n).fill(-1);
  const no = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (mode[i] === LEAF) continue;
    yes[i] = find(treeIds[i]!, trueIds[i]!);
    no[i] = find(treeIds[i]!, falseIds[i]!);
  }
  const weights: [number, number][][] = Array.from({ length: n }, () => []);
  const wTrees = ctx.attrs.ints(`${prefix}_treeids`, []);
  const wNodes = ctx.attrs.ints(`${prefix}_nodeids`, []);
  const wIds = ctx.attrs.ints(`${prefix}_ids`, []);
  const w = floatsOf(ctx, `${prefix}_weights`);
  wTrees.forEach((t, k) => weights[find(t, wNodes[k]!)]!.push([wIds[k]!, w[k]!]));
  return {
    roots, mode, yes, no, weights,
    feature: ctx.attrs.ints('nodes_featureids'),
    value: floatsOf(ctx, 'nodes_values'),
    nanTrue: Uint8Array.from(ctx.attrs.ints('nodes_missing_value_tracks_true', [])),
  };
}

/** The leaf that row `x` (features at `at(base + f)`) reaches from `root`. */
export function leafOf(f: Forest, root: number, at: (i: number) => number, base: number): number {
  let i = root;
  for (let guard = 0; f.mode[i] !== LEAF; guard++) {
    if (guard > f.mode.length) throw new Error(`tree rooted at node ${root} has a cycle`);
    const v = at(base + f.feature[i]!);
    const th = f.value[i]!;
    let go: boolean;
    if (Number.isNaN(v) && f.nanTrue[i]) go = true;
    else switch (f.mode[i]) {
      case 0: go = v <= th; break;
      case 1: go = v < th; break;
      case 2: go = v >= th; break;
      case 3: go = v > th; break;
      case 4: go = v === th; break;
      default: go = v !== th;
    }
    i = go ? f.yes[i]! : f.no[i]!;
  }
  return i;
}

export function treeEnsembleRegressor(ctx: KernelContext): void {
  const { n, c, at } = rowsOf(ctx, ctx.input(0));
  const T = ctx.attrs.int('n_targets');
  const agg = ctx.attrs.string('aggregate_function', 'SUM');
  if (!['SUM', 'AVERAGE', 'MIN', 'MAX'].includes(agg)) throw ctx.error(`unknown aggregate_function ${JSON.stringify(agg)}`);
  const base = floatsOf(ctx, 'base_values');
  if (base.length !== 0 && base.length !== T) throw ctx.error(`base_values has ${base.length} values for ${T} targets`);
  const post = postTransformOf(ctx);
  const f = readForest(ctx, 'target');
  const y = ctx.output(0, [n, T], 'float32').data as Float32Array;
  const acc = new Float64Array(T);
  const seen = new Uint8Array(T);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    seen.fill(0);
    for (const root of f.roots) {
      for (const [t, w] of f.weights[leafOf(f, root, at, r * c)]!) {
        if (agg === 'MIN') acc[t] = seen[t] ? Math.min(acc[t]!, w) : w;
        else if (agg === 'MAX') acc[t] = seen[t] ? Math.max(acc[t]!, w) : w;
        else acc[t]! += w;
        seen[t] = 1;
      }
    }
    for (let t = 0; t < T; t++) y[r * T + t] = (agg === 'AVERAGE' ? acc[t]! / f.roots.length : acc[t]!) + (base[t] ?? 0);
    applyPostTransform(post, y, r * T, T);
  }
}
