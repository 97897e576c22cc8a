/**
 * optimize-transposes: removes the Transposes a layout change leaves behind. The TF importer lowers each
 * layout-sensitive op of an NHWC graph as Transpose(NHWC->NCHW) -> op -> Transpose(NCHW->NHWC); this pass
 * cancels inverse pairs, merges chains and duplicates, and moves Transposes through layout-agnostic ops
 * (elementwise, broadcasting, Concat/Split, reductions, Pad, Slice, Squeeze/Unsqueeze, Softmax, Resize:
 * the table in optimize-transposes/handlers.ts) until they meet. Transposes move forward (through one
 * reader, or through all readers at once) under Note [transpose push cost], and up to a graph input under
 * Note [hoisting to inputs]; what is left sits at graph inputs and outputs, or in front of ops that care
 * about the layout. A Transpose in front of a flatten into a dense layer goes into the dense weight's row
 * order instead (Note [flatten into a dense weight]), and Shape reads below a Transpose. It works on a
 * worklist of Transpose nodes, each rewrite local to a node and its neighbours. Values are bit-identical
 * for data movement and elementwise ops; Note [reduction order] says what a kernel may do differently on
 * another layout (a dense layer's sum over the reordered rows too), and Note [kernel fast paths] why Pow
 * is restricted.
 */
import { attr } from '../ir/attribute.js';
import type { Graph } from '../ir/graph.js';
import { opsetVersion, type Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { sortTopologically } from '../ir/topo-sort.js';
import type { Value } from '../ir/value.js';
import type { Pass, PassResult } from './infra/pass.js';
import { rewriteGraph, type RewriteRule } from './infra/rewrite.js';
import { ConstantWriter } from './optimize-transposes/constants.js';
import { composePerms, isIdentityPerm, samePerm } from './optimize-transposes/perm.js';
import { permOf, removeIfDead, replaceUses, revisitReaders, transposesBeside, type TransposeContext } from './optimize-transposes/context.js';
import { foldIntoDense } from './optimize-transposes/flatten-dense.js';
import { commitHoist, planHoist } from './optimize-transposes/hoist.js';
import { commitPush, planJointPush, planPush, type Push } from './optimize-transposes/push.js';
import { readShapeBelow } from './optimize-transposes/shape-of.js';

/** Whether readers of `from` may read `to` instead: graph outputs keep their own value and name. */
function canReplace(from: Value, to: Value): boolean {
  return !from.isGraphOutput() || (!to.isGraphOutput() && !to.isGraphInput() && !to.isInitializer() && to.graph === from.graph);
}

/** The readers of `v` that are Transposes, to look at again after `v` changed. */
function transposeReaders(v: Value): Node[] {
  return v.uses.map((u) => u.node).filter((n) => permOf(n) !== undefined);
}

const removeDead: RewriteRule<TransposeContext> = {
  name: 'remove-dead',
  apply(t) {
    const x = t.input(0)!;
    if (!removeIfDead(t)) return undefined;
    // x lost a reader: its producer and its other readers may be able to move now.
    return [...(x.producer ? [x.producer] : []), ...revisitReaders(x)];
  },
};

/** An identity Transpose goes; one that links a graph input (or another output) to an output becomes Identity. */
const dropIdentity: RewriteRule<TransposeContext> = {
  name: 'drop-identity',
  apply(t) {
    if (!isIdentityPerm(permOf(t)!)) return undefined;
    const x = t.input(0)!;
    const y = t.output(0);
    if (!canReplace(y, x)) {
      t.opType = 'Identity';
      t.attributes.delete('perm');
      return [];
    }
    replaceUses(y, x);
    t.graph!.removeNode(t);
    return [...revisitReaders(x), ...(x.producer ? [x.producer] : [])];
  },
};

/** Transpose(q)(Transpose(p)(x)) reads x directly with the composed perm. */
const mergeWithProducer: RewriteRule<TransposeContext> = {
  name: 'merge-with-producer',
  apply(t) {
    const producer = t.input(0)!.producer;
    const p = producer?.graph === t.graph ? permOf(producer) : undefined;
    if (p === undefined) return undefined;
    const x = producer!.input(0)!;
    t.setInput(0, x);
    t.setAttr(attr.ints('perm', composePerms(p, permOf(t)!)));
    // x has a new Transpose reader that pushes beside it may reuse; the producer lost a reader.
    return [...transposesBeside(x), ...(removeIfDead(producer!) ? [] : [producer!])];
  },
};

/** Two Transposes of one value with one perm become one. */
const dedupe: RewriteRule<TransposeContext> = {
  name: 'dedupe',
  apply(t, ctx) {
    const perm = permOf(t)!;
    const y = t.output(0);
    const twins = t.input(0)!.uses.map((u) => u.node).filter((n) => n !== t && n.graph === t.graph && samePerm(permOf(n) ?? [], perm));
    let merged = false;
    for (const twin of twins) {
      // Checked one by one: once y took over one graph output it cannot take another.
      if (!canReplace(twin.output(0), y)) continue;
      replaceUses(twin.output(0), y);
      twin.graph!.removeNode(twin);
      merged = true;
    }
    if (!merged) return undefined;
    ctx.needsSort = true;
    return transposeReaders(y);
  },
};

const hoist: RewriteRule<TransposeContext> = {
  name: 'hoist-to-input',
  apply(t, ctx) {
    const perm = permOf(t)!;
    const steps = planHoist(t, perm, ctx);
    return steps && commitHoist(t, perm, steps, ctx);
  },
};

/**
 * Pushes the Transpose forward through one of its readers when Note [transpose push cost] allows. A
 * Transpose sitting on a graph input moves only when that lowers the count, so what hoisting put there
 * stays there.
 */
const sink: RewriteRule<TransposeContext> = {
  name: 'push-through',
  apply(t, ctx) {
    const perm = permOf(t)!;
    const x = t.input(0)!;
    const y = t.output(0);
    const anchored = x.isGraphInput() && x.graph === t.graph;
    const worth = (push: Push | undefined): push is Push => push !== undefined && (push.net < 0 || (push.net === 0 && push.inserts === 0 && !anchored));
    const readers = [...new Set(y.uses.map((u) => u.node))];
    for (const node of readers) {
      const push = node.graph === t.graph ? planPush([node], perm, ctx) : undefined;
      if (worth(push)) return commitPush(push, ctx);
    }
    // Through all readers at once, when every one of them can take the Transpose.
    if (readers.length < 2 || y.isGraphOutput() || readers.some((n) => n.graph !== t.graph)) return undefined;
    const joint = planJointPush(readers, perm, ctx);
    return worth(joint) ? commitPush(joint, ctx) : undefined;
  },
};

const foldDense: RewriteRule<TransposeContext> = { name: 'fold-into-dense', apply: foldIntoDense };
const shapeBelow: RewriteRule<TransposeContext> = { name: 'read-shape-below', apply: readShapeBelow };

const RULES = [removeDead, dropIdentity, mergeWithProducer, dedupe, foldDense, shapeBelow, hoist, sink];

function optimizeGraph(graph: Graph, opset: number, writer: ConstantWriter, strict: boolean): boolean {
  const ctx: TransposeContext = { opset, writer, strict, needsSort: false };
  const stats = rewriteGraph(graph, (n) => permOf(n) !== undefined && n.input(0) !== null, RULES, ctx);
  if (ctx.needsSort) sortTopologically(graph);
  // value_info entries of values that left the graph would describe names nobody defines.
  if (stats.rewrites > 0) graph.valueInfo = graph.valueInfo.filter((v) => v.producer === undefined || v.producer.graph === graph);
  return stats.rewrites > 0;
}

/** Every graph of the model with the default-domain opset that applies to it (subgraphs before parents). */
function graphsOf(model: Model): [Graph, number | undefined][] {
  const out: [Graph, number | undefined][] = [];
  const walk = (g: Graph, opset: number | undefined): void => {
    for (const node of g) for (const sub of node.subgraphs()) walk(sub, opset);
    out.push([g, opset]);
  };
  walk(model.graph, model.opset(''));
  for (const f of model.functions) walk(f.graph, opsetVersion(f.opsetImports, '') ?? model.opset(''));
  return out;
}

export interface OptimizeTransposesOptions {
  /**
   * Only move Transposes across ops that compute every output element the same way on any layout,
   * leaving summing reductions and Softmax alone (Note [reduction order]), and keep the Transpose in
   * front of a flatten into a dense layer (Note [flatten into a dense weight]). Off by default: a Keras
   * CNN's global average pooling is a ReduceMean and its Flatten feeds a Dense, and neither should keep a
   * Transpose in front of it.
   */
  strict?: boolean;
}

export function createOptimizeTransposes(options: OptimizeTransposesOptions = {}): Pass {
  const strict = options.strict ?? false;
  return {
    name: 'optimize-transposes',
    summary: 'cancel, merge and push Transposes through layout-agnostic ops (NHWC <-> NCHW round trips)',
    inPlace: true,
    run(model: Model): PassResult {
      const writer = new ConstantWriter(model);
      let modified = false;
      for (const [graph, opset] of graphsOf(model)) if (opset !== undefined) modified = optimizeGraph(graph, opset, writer, strict) || modified;
      writer.sweep();
      return { model, modified };
    },
  };
}

export const optimizeTransposes: Pass = createOptimizeTransposes();
