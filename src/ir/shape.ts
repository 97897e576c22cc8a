/**
 * Shapes with symbolic dims. A dim is a non-negative integer, a symbol (a named unknown, shared by
 * every value that uses the same name), or `null` for an unknown without a name.
 * `Shape | undefined` on a value means the rank itself is unknown.
 */
export type Dim = number | string | null;
export type Shape = readonly Dim[];

export function isStaticShape(shape: Shape | undefined): shape is readonly number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number');
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

export function formatShape(shape: Shape | undefined): string {
  return shape === undefined ? '[*]' : `[${shape.map(formatDim).join(',')}]`;
}

/** Two dims agree when both are known and equal, or either is unknown (null or a symbol). */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

export function shapesEqual(a: Shape | undefined, b: Shape | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
