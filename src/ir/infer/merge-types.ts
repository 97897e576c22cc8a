import { DataType, dataTypeName } from '../dtype.js';
import type { Dim, Shape } from '../shape.js';
import { formatType, type ValueType } from '../types.js';

/** Two sources disagree about a value's type (e.g. a declared output and what inference found). */
export class TypeConflict extends Error {}

/**
 * Combines what the model declares about a value with what inference found. The result keeps every
 * known fact: a number beats a symbol, a symbol beats unknown; the declared symbol wins over an
 * inferred one. Contradictions (two different numbers, ranks, dtypes or kinds) throw TypeConflict.
 */
export function mergeTypes(declared: ValueType | undefined, inferred: ValueType | undefined): ValueType | undefined {
  if (declared === undefined) return inferred;
  if (inferred === undefined) return declared;
  if (declared.kind !== inferred.kind) {
    throw new TypeConflict(`declared ${formatType(declared)} but inferred ${formatType(inferred)}`);
  }
  switch (declared.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const inf = inferred as typeof declared;
      const dtype = mergeDtype(declared.dtype, inf.dtype, declared, inferred);
      const shape = mergeShape(declared.shape, inf.shape, declared, inferred);
      if (dtype === declared.dtype && shape === declared.shape) return declared;
      return { ...declared, dtype, ...(shape === undefined ? {} : { shape }) };
    }
    case 'sequence':
    case 'optional': {
      const elem = mergeTypes(declared.elem, (inferred as typeof declared).elem);
      return elem === declared.elem ? declared : { ...declared, ...(elem ? { elem } : {}) };
    }
    case 'map': {
      const inf = inferred as typeof declared;
      if (declared.key !== inf.key) throw new TypeConflict(`declared ${formatType(declared)} but inferred ${formatType(inferred)}`);
      const value = mergeTypes(declared.value, inf.value);
      return value === declared.value ? declared : { ...declared, ...(value ? { value } : {}) };
    }
    case 'opaque':
      return declared;
  }
}

function mergeDtype(a: DataType, b: DataType, da: ValueType, db: ValueType): DataType {
  if (a === DataType.UNDEFINED) return b;
  if (b === DataType.UNDEFINED || a === b) return a;
  throw new TypeConflict(`declared element type ${dataTypeName(a)} but inferred ${dataTypeName(b)} (${formatType(da)} vs ${formatType(db)})`);
}

function mergeShape(a: Shape | undefined, b: Shape | undefined, da: ValueType, db: ValueType): Shape | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.length !== b.length) throw new TypeConflict(`declared rank ${a.length} but inferred rank ${b.length} (${formatType(da)} vs ${formatType(db)})`);
  let changed = false;
  const out = a.map((d, i) => {
    const m = mergeDim(d, b[i] ?? null);
    if (m === undefined) throw new TypeConflict(`dim ${i}: declared ${d} but inferred ${b[i]} (${formatType(da)} vs ${formatType(db)})`);
    if (m !== d) changed = true;
    return m;
  });
  return changed ? out : a;
}

function mergeDim(a: Dim, b: Dim): Dim | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? a : undefined;
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a ?? b;
}
