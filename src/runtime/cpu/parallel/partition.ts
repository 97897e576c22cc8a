/**
 * How an output is cut into chunks for the threads: column ranges whose starts are multiples of 8 (sgemm's
 * panel width) or row ranges whose starts are multiples of 4 (its tile height), so each chunk runs the
 * tiles one thread would (any cut is bit-identical, Note [one summation order] in assembly/blocked.ts;
 * aligned ones waste no partial tile).
 */

/** One chunk of an m x n output: rows i0 .. i1, columns j0 .. j1. */
export interface Share {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/**
 * At most `parts` ranges covering [0, n), as even as possible, each start a multiple of `step`; the extra
 * steps go to the later ranges, which hold the last, partial step.
 */
export function splitRange(n: number, parts: number, step: number): [number, number][] {
  const units = Math.ceil(n / step);
  const p = Math.min(parts, units);
  const out: [number, number][] = [];
  let u = 0;
  for (let i = 0; i < p; i++) {
    const take = Math.floor(units / p) + (i >= p - (units % p) ? 1 : 0);
    out.push([u * step, Math.min(n, (u + take) * step)]);
    u += take;
  }
  return out;
}

/**
 * Up to `parts` chunks of an m x n output, or undefined when it has not room for two. Columns are
 * preferred: each chunk then packs only its own columns of B and reads all of the (smaller) A; rows when
 * the output is tall and narrow (each chunk packs all of B, which pays only with many rows each).
 */
export function splitOutput(m: number, n: number, parts: number): Share[] | undefined {
  const colUnits = Math.ceil(n / 8);
  const rowUnits = Math.ceil(m / 4);
  const cols = (): Share[] => splitRange(n, parts, 8).map(([j0, j1]) => ({ i0: 0, i1: m, j0, j1 }));
  const rows = (): Share[] => splitRange(m, parts, 4).map(([i0, i1]) => ({ i0, i1, j0: 0, j1: n }));
  if (colUnits >= parts && (n >= m || n >= 64 * parts || rowUnits < parts)) return cols();
  if (rowUnits >= 2 && rowUnits >= colUnits) return rows();
  if (colUnits >= 2) return cols();
  return undefined;
}
