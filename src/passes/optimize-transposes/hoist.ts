/**
 * Note [hoisting to inputs]: Transpose(perm)(v), where v comes out of a chain of single-consumer
 * layout-agnostic ops whose other inputs are constants, is moved to the top of the chain when the top is a
 * graph input of the same graph (where it then stays: a push never moves a Transpose off a graph input
 * without lowering the count) or a Transpose (which it merges with). Each op of the chain is rewritten for
 * the transposed layout, as a push of the inverse perm whose output Transpose cancels the hoisted one.
 */
import type { Node } from '../../ir/node.js';
import type { Value } from '../../ir/value.js';
import { permutedKey, readOnlyBy, transposeTensor } from './constants.js';
import { newTranspose, permOf, removeIfDead, replaceUses, transposesBeside, type TransposeContext } from './context.js';
import { PUSH_HANDLERS, type PushPlan } from './handlers.js';
import { inversePerm, permuteType, samePerm, type Perm } from './perm.js';
import { classify, commitPlan, type Source } from './push.js';

interface HoistStep {
  readonly node: Node;
  readonly plan: PushPlan;
  readonly layout: ReadonlySet<number>;
  readonly sources: ReadonlyMap<number, Source>;
}

/** The chain above `transpose` that it can be hoisted through (Note [hoisting to inputs]), if any. */
export function planHoist(transpose: Node, perm: Perm, ctx: TransposeContext): HoistStep[] | undefined {
  const graph = transpose.graph!;
  const d = inversePerm(perm);
  const steps: HoistStep[] = [];
  let out = transpose.input(0);
  for (let depth = 0; depth < 64 && out !== null; depth++) {
    const node = out.producer;
    if (node === undefined || node.graph !== graph || permOf(node) !== undefined) return undefined;
    if (node.outputs.length !== 1 || out.uses.length !== 1 || out.isGraphOutput()) return undefined;
    const plan = node.domain === '' ? PUSH_HANDLERS.get(node.opType)?.({ node, perm: d, opset: ctx.opset, strict: ctx.strict }) : undefined;
    const q = plan?.outputPerms[0];
    if (plan === undefined || q === undefined || !samePerm(q, d)) return undefined;
    const layout = new Set(plan.layoutInputs.filter((i) => node.input(i) !== null));
    const sources = new Map<number, Source>();
    let chain: Value | undefined;
    for (const i of layout) {
      const v = node.input(i)!;
      const s = classify(node, v, d, plan, layout);
      if (s === undefined) return undefined;
      if (s.kind === 'reuse' || s.kind === 'insert') {
        if (chain !== undefined && chain !== v) return undefined;
        chain = v;
      } else sources.set(i, s);
    }
    steps.push({ node, plan, layout, sources });
    if (chain === undefined) return steps;
    // An input of an enclosing graph would not anchor it here (the push rule looks at its own graph).
    if (chain.isGraphInput()) return chain.graph === graph ? steps : undefined;
    const top = chain.producer;
    if (top === undefined || top.graph !== graph) return undefined;
    if (permOf(top) !== undefined) return chain.uses.length === 1 && !chain.isGraphOutput() ? steps : undefined;
    out = chain;
  }
  return undefined;
}

/** Does the hoist planned by planHoist; returns the Transposes it made or changed. */
export function commitHoist(transpose: Node, perm: Perm, steps: readonly HoistStep[], ctx: TransposeContext): Node[] {
  const graph = transpose.graph!;
  const touched: Node[] = [];
  for (const { node, plan, layout, sources } of steps) {
    const chain = new Map<Value, Value>();
    for (const i of layout) {
      const v = node.input(i)!;
      const s = sources.get(i);
      if (s === undefined) {
        // The chain input: only the top of the chain gets a Transpose; below, the producer is rewritten.
        if (node !== steps[steps.length - 1]!.node) continue;
        let u = chain.get(v);
        if (u === undefined) {
          const t = graph.insertBefore(node, newTranspose(v, perm));
          u = t.output(0);
          u.type = permuteType(v.type, perm);
          chain.set(v, u);
          touched.push(t, ...transposesBeside(v));
        }
        node.setInput(i, u);
      } else if (s.kind === 'undo') node.setInput(i, s.transpose.input(0)!);
      else if (s.kind === 'fold') node.setInput(i, ctx.writer.replace(v, transposeTensor(s.tensor, perm.length, perm), readOnlyBy(v, node, layout), graph, permutedKey(perm.length, perm)));
    }
    for (const s of sources.values()) if (s.kind === 'undo' && !removeIfDead(s.transpose)) touched.push(s.transpose);
    commitPlan(plan, ctx);
    node.output(0).type = permuteType(node.output(0).type, perm);
  }
  const v = transpose.input(0)!;
  const w = transpose.output(0);
  if (w.type !== undefined) v.type = w.type;
  replaceUses(w, v);
  graph.removeNode(transpose);
  touched.push(...v.uses.map((u) => u.node));
  return touched;
}
