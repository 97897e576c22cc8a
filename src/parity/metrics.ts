/** How two runs of one output compare, element by element. */
export interface OutputStats {
  /** Elements compared. */
  count: number;
  maxAbsError: number;
  /** max |a - e| / |e| over elements with e != 0 (0 when every expected element is 0). */
  maxRelError: number;
  /** Elements outside atol + rtol * |expected|; NaN matches NaN only. */
  mismatches: number;
  /** Cosine similarity of the two flattened tensors (1 for equal directions; 1 when both are all-zero). */
  cosine: number;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Compares `actual` with `expected` (same length, any numeric array kind; bigint and bool become numbers).
 * Linear in the element count, no allocation beyond the loop.
 */
export function compareArrays(actual: ArrayLike<number | bigint | boolean>, expected: ArrayLike<number | bigint | boolean>, tol: Tolerance): OutputStats {
  const n = Math.min(actual.length, expected.length);
  let maxAbs = 0;
  let maxRel = 0;
  let mismatches = Math.abs(actual.length - expected.length);
  let dot = 0;
  let na = 0;
  let ne = 0;
  for (let i = 0; i < n; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (!(Number.isNaN(a) && Number.isNaN(e))) mismatches++;
      continue;
    }
    if (a === e) {
      // Equal infinities land here too; they add nothing to the error.
      if (Number.isFinite(a)) {
        dot += a * e;
        na += a * a;
        ne += e * e;
      }
      continue;
    }
    const abs = Math.abs(a - e);
    if (abs > maxAbs) maxAbs = abs;
    if (e !== 0) maxRel = Math.max(maxRel, abs / Math.abs(e));
    if (!(abs <= tol.atol + tol.rtol * Math.abs(e))) mismatches++;
    dot += a * e;
    na += a * a;
    ne += e * e;
  }
  const cosine = na === 0 && ne === 0 ? 1 : na === 0 || ne === 0 ? 0 : dot / Math.sqrt(na * ne);
  return { count: n, maxAbsError: maxAbs, maxRelError: maxRel, mismatches, cosine };
}
