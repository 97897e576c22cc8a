/**
 * Permutation arithmetic for Transpose, in ONNX's convention: `Transpose(perm)` maps an input of shape `s`
 * to an output of shape `[s[perm[0]], s[perm[1]], ...]`, i.e. output dim i is input dim perm[i].
 */
import type { ValueType } from '../../ir/types.js';

export type Perm = readonly number[];

/** `xs` reordered the way Transpose(perm) reorders dims: out[i] = xs[perm[i]]. */
export function permute<T>(xs: readonly T[], perm: Perm): T[] {
  return perm.map((p) => xs[p]!);
}

export function inversePerm(perm: Perm): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** The single perm equal to Transpose(first) followed by Transpose(then). */
export function composePerms(first: Perm, then: Perm): number[] {
  return then.map((t) => first[t]!);
}

export function isIdentityPerm(perm: Perm): boolean {
  return perm.every((p, i) => p === i);
}

export function samePerm(a: Perm, b: Perm): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

export function isValidPerm(perm: readonly number[]): boolean {
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= perm.length || seen.has(p)) return false;
    seen.add(p);
  }
  return true;
}

/** An axis of a rank-`rank` tensor made non-negative; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

/** Axes made non-negative; undefined when one is out of range or repeated. */
export function normalizeAxes(axes: readonly number[], rank: number): number[] | undefined {
  const out: number[] = [];
  for (const axis of axes) {
    const a = normalizeAxis(axis, rank);
    if (a === undefined || out.includes(a)) return undefined;
    out.push(a);
  }
  return out;
}

/**
 * Note [perm after dropping dims]: y = Transpose(perm)(x). An op that drops the dims `dropped` of y
 * (a reduction with keepdims=0, Squeeze) runs on x instead with the dims perm[d] dropped. Output dim k of
 * the original is the k-th kept dim i of y, which is x dim perm[i]; in the new output that dim sits at its
 * rank among the kept dims of x. The result is the transpose the new output needs; undefined when it is
 * the identity (or nothing is left), so no Transpose is needed at all.
 */
export function permAfterDropping(perm: Perm, dropped: ReadonlySet<number>): number[] | undefined {
  const droppedX = new Set([...dropped].map((d) => perm[d]!));
  const keptX = perm.map((_, j) => j).filter((j) => !droppedX.has(j));
  const rankInX = new Map(keptX.map((j, k) => [j, k]));
  const out = perm.filter((_, i) => !dropped.has(i)).map((j) => rankInX.get(j)!);
  return out.length === 0 || isIdentityPerm(out) ? undefined : out;
}

/**
 * Unsqueeze(axes) of y = Transpose(perm)(x) equals Transpose(q)(Unsqueeze(axes)(x)): the new unit dims
 * stay where they are, and the other output positions take x's dims in perm's order. `axes` are
 * normalized against the output rank.
 */
export function permAfterInserting(perm: Perm, axes: readonly number[]): number[] {
  const outRank = perm.length + axes.length;
  const inserted = new Set(axes);
  const others = Array.from({ length: outRank }, (_, m) => m).filter((m) => !inserted.has(m));
  let i = 0;
  return Array.from({ length: outRank }, (_, m) => (inserted.has(m) ? m : others[perm[i++]!]!));
}

/** A tensor type with its shape reordered by `perm`; other types (and unknown shapes) unchanged. */
export function permuteType(t: ValueType | undefined, perm: Perm): ValueType | undefined {
  if (t === undefined || t.kind !== 'tensor' || t.shape === undefined || t.shape.length !== perm.length) return t;
  const out = { kind: 'tensor' as const, dtype: t.dtype, shape: permute(t.shape, perm) };
  return t.denotation === undefined ? out : { ...out, denotation: t.denotation };
}
