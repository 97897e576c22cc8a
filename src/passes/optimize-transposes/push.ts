/**
 * Pushing a Transpose forward through the ops that read it (one, or several at once), and the rule for
 * when that is worth it: Note [transpose push cost].
 */
import type { Node } from '../../ir/node.js';
import type { Tensor } from '../../ir/tensor.js';
import type { Use, Value } from '../../ir/value.js';
import { constantOf, isPermutable, permutedKey, readOnlyBy, transposeTensor } from './constants.js';
import { newTranspose, permOf, removeIfDead, replaceUses, revisitReaders, transposesBeside, type TransposeContext } from './context.js';
import { BROADCASTING, PUSH_HANDLERS, RANK_PRESERVING, type PushPlan } from './handlers.js';
import { inversePerm, permuteType, samePerm, type Perm } from './perm.js';

/**
 * How a layout input v of a node gets its untransposed form u (with Transpose(perm)(u) == v):
 * undo: v is Transpose(perm)(u) already; keep: v has unit dims only, so it broadcasts the same either way;
 * fold: v is a constant, permuted now; reuse: a Transpose(inverse perm) of v exists; insert: add one
 * (`free` when v comes from a Transpose only this node reads, which the new one will merge into).
 */
export type Source =
  | { kind: 'undo'; transpose: Node }
  | { kind: 'keep' }
  | { kind: 'fold'; tensor: Tensor }
  | { kind: 'reuse'; transpose: Node }
  | { kind: 'insert'; free: boolean };

export function classify(node: Node, v: Value, perm: Perm, plan: PushPlan, layout: ReadonlySet<number>): Source | undefined {
  const graph = node.graph;
  const producer = v.producer?.graph === graph ? v.producer : undefined;
  const producerPerm = permOf(producer);
  if (producerPerm !== undefined && samePerm(producerPerm, perm)) return { kind: 'undo', transpose: producer! };
  const r = perm.length;
  const tensor = constantOf(v);
  // Inputs of ops other than the broadcasting ones have the output's rank, known or not.
  const rank = plan.broadcasts ? rankOf(v) : r;
  const shape = tensor?.dims ?? (v.type?.kind === 'tensor' ? v.type.shape : undefined) ?? (rank === undefined ? undefined : Array<null>(rank).fill(null));
  if (shape === undefined || shape.length > r) return undefined;
  if (shape.every((d) => d === 1)) return { kind: 'keep' };
  if (tensor !== undefined) return isPermutable(tensor) ? { kind: 'fold', tensor } : undefined;
  if (shape.length !== r) return undefined;
  const back = inversePerm(perm);
  for (const u of v.uses) {
    const p = u.node !== node && u.node.graph === graph ? permOf(u.node) : undefined;
    if (p !== undefined && samePerm(p, back)) return { kind: 'reuse', transpose: u.node };
  }
  return { kind: 'insert', free: producerPerm !== undefined && readOnlyBy(v, node, layout) };
}

/**
 * The rank of a value: from its type or constant, else through the layout-agnostic ops that made it
 * (a few levels up), so that graphs without shape inference still optimize.
 */
function rankOf(v: Value, depth = 4): number | undefined {
  const known = constantOf(v)?.dims.length ?? (v.type?.kind === 'tensor' ? v.type.shape?.length : undefined);
  const p = v.producer;
  if (known !== undefined || p === undefined || depth === 0) return known;
  const perm = permOf(p);
  if (perm !== undefined) return perm.length;
  if (p.domain !== '' || !RANK_PRESERVING.has(p.opType)) return undefined;
  const inputs = BROADCASTING.has(p.opType) || p.opType === 'Pow' ? p.inputs : p.inputs.slice(0, 1);
  let rank = 0;
  for (const u of inputs) {
    const r = u === null ? 0 : rankOf(u, depth - 1);
    if (r === undefined) return undefined;
    rank = Math.max(rank, r);
  }
  return rank;
}

/** A node taking part in a push, with how each of its layout inputs gets untransposed. */
interface Member {
  readonly node: Node;
  readonly plan: PushPlan;
  readonly layout: ReadonlySet<number>;
  readonly sources: Map<number, Source | 'internal'>;
}

export interface Push {
  readonly perm: Perm;
  readonly members: ReadonlyMap<Node, Member>;
  /** Change in the number of Transposes if the push is done (after the merges it enables). */
  readonly net: number;
  /** New Transposes put on inputs that had none. */
  readonly inserts: number;
}

/**
 * Note [transpose push cost]: pushing Transpose(perm) forward through a set of nodes (one node, or all
 * the readers of a Transpose and what they feed each other) removes each Transpose(perm) feeding them that
 * nothing else reads, adds one inverse Transpose per non-constant input from outside without one, and one
 * Transpose per output read outside the set, less those that cancel against an inverse Transpose already
 * reading it. The pass takes a push when it lowers the count, or keeps it without adding a Transpose to
 * another input (the Transposes then only move downstream, so the rewriting ends).
 */
export function planPush(nodes: readonly Node[], perm: Perm, ctx: TransposeContext): Push | undefined {
  const members = new Map<Node, Member>();
  for (const node of nodes) {
    const handler = node.domain === '' ? PUSH_HANDLERS.get(node.opType) : undefined;
    const plan = handler?.({ node, perm, opset: ctx.opset, strict: ctx.strict });
    if (plan === undefined || plan.outputPerms.length !== node.outputs.length) return undefined;
    members.set(node, { node, plan, layout: new Set(plan.layoutInputs.filter((i) => node.input(i) !== null)), sources: new Map() });
  }
  const internal = (v: Value): boolean | undefined => {
    const m = v.producer === undefined ? undefined : members.get(v.producer);
    if (m === undefined) return false;
    const q = m.plan.outputPerms[v.outputIndex];
    return q !== undefined && samePerm(q, perm) ? true : undefined;
  };
  const readOnlyHere = (v: Value): boolean => !v.isGraphOutput() && v.uses.every((u) => members.get(u.node)?.layout.has(u.index) === true);
  const undone = new Set<Node>();
  const inserted = new Set<Value>();
  for (const m of members.values()) {
    for (const i of m.layout) {
      const v = m.node.input(i)!;
      const inside = internal(v);
      // A value made inside in another layout, or a Transpose of one, would need the members in order.
      if (inside === undefined) return undefined;
      const s = inside ? 'internal' : classify(m.node, v, perm, m.plan, m.layout);
      if (s === undefined || (s !== 'internal' && s.kind === 'undo' && internal(s.transpose.input(0)!) !== false)) return undefined;
      if (s !== 'internal' && s.kind === 'insert') {
        const free = permOf(v.producer) !== undefined && readOnlyHere(v);
        m.sources.set(i, { kind: 'insert', free });
        if (!free) inserted.add(v);
        continue;
      }
      if (s !== 'internal' && s.kind === 'undo') undone.add(s.transpose);
      m.sources.set(i, s);
    }
  }
  if (undone.size === 0) return undefined;
  let net = inserted.size;
  for (const t of undone) if (readOnlyHere(t.output(0))) net--;
  for (const m of members.values()) {
    m.plan.outputPerms.forEach((q, k) => {
      if (q !== undefined) net += outputCost(m.node.output(k), q, (u) => isInternalUse(members, perm, q, u));
    });
  }
  return { perm, members, net, inserts: inserted.size };
}

/** Whether the reader `u` of an output (to be transposed by q) is a member reading it untransposed. */
function isInternalUse(members: ReadonlyMap<Node, Member>, perm: Perm, q: Perm, u: Use): boolean {
  return samePerm(q, perm) && members.get(u.node)?.layout.has(u.index) === true;
}

function outputCost(o: Value, q: Perm, internal: (u: Use) => boolean): number {
  const inv = inversePerm(q);
  let needed = o.isGraphOutput();
  let cancels = 0;
  for (const u of o.uses) {
    if (internal(u)) continue;
    const p = u.node.graph === o.graph ? permOf(u.node) : undefined;
    if (p === undefined) needed = true;
    else if (samePerm(p, inv)) cancels++;
  }
  return (needed ? 1 : 0) - cancels;
}

/**
 * The readers of Transpose `t` as one push, grown along their outputs while that does not cost more
 * (at most 16 nodes): how a Transpose gets through a diamond such as x * Sigmoid(x).
 */
export function planJointPush(readers: readonly Node[], perm: Perm, ctx: TransposeContext): Push | undefined {
  const nodes = [...readers];
  let best = planPush(nodes, perm, ctx);
  while (best !== undefined && nodes.length < 16) {
    let grown = false;
    for (const m of best.members.values()) {
      for (const [k, q] of m.plan.outputPerms.entries()) {
        if (q === undefined || !samePerm(q, perm)) continue;
        for (const { node } of m.node.output(k).uses) {
          if (best.members.has(node) || node.graph !== m.node.graph) continue;
          const trial = planPush([...nodes, node], perm, ctx);
          if (trial !== undefined && (trial.net < best.net || (trial.net === best.net && trial.inserts <= best.inserts))) {
            nodes.push(node);
            best = trial;
            grown = true;
            break;
          }
        }
        if (grown) break;
      }
      if (grown) break;
    }
    if (!grown) break;
  }
  return best;
}

/** Does the push; returns the Transposes it made or changed (to be looked at again). */
export function commitPush(push: Push, ctx: TransposeContext): Node[] {
  const { perm, members } = push;
  const back = inversePerm(perm);
  const touched: Node[] = [];
  const done = new Map<Value, Value>();
  const readOnlyHere = (v: Value): boolean => !v.isGraphOutput() && v.uses.every((u) => members.get(u.node)?.layout.has(u.index) === true);
  for (const { node, sources } of members.values()) {
    const graph = node.graph!;
    for (const [i, s] of sources) {
      if (s === 'internal') continue;
      const v = node.input(i)!;
      let u = done.get(v);
      if (u === undefined) {
        if (s.kind === 'undo') u = s.transpose.input(0)!;
        else if (s.kind === 'keep') u = v;
        else if (s.kind === 'fold') u = ctx.writer.replace(v, transposeTensor(s.tensor, perm.length, back), readOnlyHere(v), graph, permutedKey(perm.length, back));
        else if (s.kind === 'reuse') {
          u = s.transpose.output(0);
          ctx.needsSort = true;
        } else {
          const t = graph.insertBefore(node, newTranspose(v, back));
          u = t.output(0);
          u.type = permuteType(v.type, back);
          touched.push(t, ...transposesBeside(v));
        }
        done.set(v, u);
      }
      node.setInput(i, u);
    }
  }
  // Transposes that lost or gained a reader are looked at again.
  for (const { sources } of members.values()) {
    for (const s of sources.values()) if (s !== 'internal' && (s.kind === 'undo' || s.kind === 'reuse') && !removeIfDead(s.transpose)) touched.push(s.transpose);
  }
  for (const { plan } of members.values()) commitPlan(plan, ctx);
  for (const { node, plan } of members.values()) {
    plan.outputPerms.forEach((q, k) => q && touched.push(...transposeOutput(node, k, q, (u) => isInternalUse(members, perm, q, u))));
  }
  return touched;
}

/** Runs a plan's own rewrite, its new constant inputs written through the pass's ConstantWriter. */
export function commitPlan(plan: PushPlan, ctx: TransposeContext): void {
  plan.commit?.((n, index, tensor) => {
    const old = n.input(index);
    n.setInput(index, ctx.writer.replace(old, tensor, old !== null && readOnlyBy(old, n, new Set([index])), n.graph!));
  });
}

/**
 * Output k of `node` now holds the untransposed layout: put Transpose(q) after it for its readers, except
 * the `internal` ones (members of the same push, which read it untransposed).
 */
function transposeOutput(node: Node, k: number, q: Perm, internal: (u: Use) => boolean): Node[] {
  const o = node.output(k);
  const type = o.type;
  o.type = permuteType(type, inversePerm(q));
  const inside = o.uses.filter(internal);
  if (inside.length === o.uses.length && !o.isGraphOutput()) return [];
  const t = node.graph!.insertAfter(node, newTranspose(null, q));
  const w = t.output(0);
  w.type = type;
  replaceUses(o, w);
  for (const u of inside) u.node.setInput(u.index, o);
  t.setInput(0, o);
  return [t, ...revisitReaders(w)];
}

