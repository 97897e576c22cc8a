/**
 * What the transpose rules share: the pass context, reading a Transpose's perm, and the small graph
 * edits every rule makes (replacing a value, dropping a dead node, choosing what to look at again).
 */
import { attr } from '../../ir/attribute.js';
import { Node } from '../../ir/node.js';
import type { Value } from '../../ir/value.js';
import type { ConstantWriter } from './constants.js';
import { isValidPerm, type Perm } from './perm.js';

export interface TransposeContext {
  readonly opset: number;
  readonly writer: ConstantWriter;
  /** See Note [reduction order]. */
  readonly strict: boolean;
  /** Set when a rewrite made a node read a value defined later in the list (reused or merged Transposes). */
  needsSort: boolean;
}

/** The perm of a default-domain Transpose (its attribute, or the reversal when the rank is known). */
export function permOf(node: Node | undefined): Perm | undefined {
  if (node === undefined || node.opType !== 'Transpose' || node.domain !== '') return undefined;
  const perm = node.attrInts('perm');
  if (perm !== undefined) return isValidPerm(perm) ? perm : undefined;
  const t = node.input(0)?.type;
  const rank = t?.kind === 'tensor' ? t.shape?.length : undefined;
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

export function newTranspose(input: Value | null, perm: Perm): Node {
  return new Node('Transpose', input === null ? [] : [input], { attributes: [attr.ints('perm', [...perm])] });
}

/**
 * Transposes feeding the readers of `v`: a push through one of those readers may reuse a Transpose just
 * put on `v`, so they are looked at again.
 */
export function transposesBeside(v: Value): Node[] {
  const out: Node[] = [];
  for (const u of v.uses) for (const w of u.node.inputs) if (w !== null && permOf(w.producer) !== undefined) out.push(w.producer!);
  return out;
}

/**
 * What to look at again once the readers of `v` changed (an input rewired, a reader fewer): each reader
 * that is a Transpose; for the others, the Transposes feeding them (a push through them may be cheaper
 * now) and the Transposes below them along single-reader chains (a hoist may reach further now).
 */
export function revisitReaders(v: Value): Node[] {
  const out: Node[] = [];
  for (const { node } of v.uses) {
    if (permOf(node) !== undefined) {
      out.push(node);
      continue;
    }
    for (const w of node.inputs) if (w !== null && permOf(w.producer) !== undefined) out.push(w.producer!);
    let cur: Node | undefined = node;
    for (let depth = 0; cur !== undefined && depth < 16; depth++) {
      const o: Value | undefined = cur.outputs.length === 1 ? cur.outputs[0] : undefined;
      const next: Node | undefined = o?.uses.length === 1 ? o.uses[0]!.node : undefined;
      if (next !== undefined && permOf(next) !== undefined) out.push(next);
      cur = next !== undefined && permOf(next) === undefined ? next : undefined;
    }
  }
  return out;
}

/**
 * Points every reader of `from` at `to`. A graph output moves with its name; otherwise names stay put.
 * (Value.replaceAllUsesWith also swaps names when `to` was a graph output already, which would rename it.)
 */
export function replaceUses(from: Value, to: Value): void {
  from.replaceAllUsesWith(to, from.isGraphOutput());
}

export function removeIfDead(node: Node): boolean {
  if (node.graph === undefined || node.outputs.some((o) => o.uses.length > 0 || o.isGraphOutput())) return false;
  node.graph.removeNode(node);
  return true;
}

