/**
 * How an output is split between threads: into column ranges whose starts are multiples of 8 (sgemm's
 * panel width) or row ranges whose starts are multiples of 4 (its tile height), so each share runs the same
 * tiles one thread would (any split is bit-identical, Note [one summation order] in assembly/blocked.ts;
 * aligned ones waste no partial tile).
 */

/** One thread's share of an m x n output: rows i0 .. i1, columns j0 .. j1. */
export interface Share {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/**
 * At most `parts` ranges covering [0, n), as even as possible, each start a multiple of `step`; the extra
 * steps go to the later ranges, which hold the last, partial step (the first is the caller's own share).
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
 * Up to `threads` shares of an m x n output, or undefined when it has not room for two. Columns are
 * preferred: each thread then packs only its own columns of B and reads all of the (smaller) A; rows when
 * the output is tall and narrow (each thread packs all of B, which pays only with many rows each).
 */
export function splitOutput(m: number, n: number, threads: number): Share[] | undefined {
  const colUnits = Math.ceil(n / 8);
  const rowUnits = Math.ceil(m / 4);
  const cols = (): Share[] => splitRange(n, threads, 8).map(([j0, j1]) => ({ i0: 0, i1: m, j0, j1 }));
  const rows = (): Share[] => splitRange(m, threads, 4).map(([i0, i1]) => ({ i0, i1, j0: 0, j1: n }));
  if (colUnits >= threads && (n >= m || n >= 64 * threads || rowUnits < threads)) return cols();
  if (rowUnits >= 2 && rowUnits >= colUnits) return rows();
  if (colUnits >= 2) return cols();
  return undefined;
}

/** `count` items (batches) split into up to `threads` contiguous runs [t0, t1). */
export function splitItems(count: number, threads: number): [number, number][] {
  return splitRange(count, threads, 1);
}
