import { DataType, dataTypeName } from './dtype.js';
import { formatShape, type Shape } from './shape.js';

/**
 * The type of a value, mirroring ONNX's TypeProto. `shape: undefined` means unknown rank.
 * `denotation` fields exist so that a model round-trips without loss; nothing in the core reads them.
 */
export type ValueType =
  | TensorType
  | SparseTensorType
  | SequenceType
  | MapType
  | OptionalType
  | OpaqueType;

export interface TensorType {
  readonly kind: 'tensor';
  /** UNDEFINED when the file left elem_type unset. */
  readonly dtype: DataType;
  readonly shape?: Shape;
  /** Per-dim denotation strings, parallel to `shape` (rare; kept for round trips). */
  readonly dimDenotations?: readonly (string | undefined)[];
  readonly denotation?: string;
}

export interface SparseTensorType {
  readonly kind: 'sparse_tensor';
  readonly dtype: DataType;
  readonly shape?: Shape;
  readonly dimDenotations?: readonly (string | undefined)[];
  readonly denotation?: string;
}

export interface SequenceType {
  readonly kind: 'sequence';
  readonly elem?: ValueType;
  readonly denotation?: string;
}

export interface MapType {
  readonly kind: 'map';
  readonly key: DataType;
  readonly value?: ValueType;
  readonly denotation?: string;
}

export interface OptionalType {
  readonly kind: 'optional';
  readonly elem?: ValueType;
  readonly denotation?: string;
}

export interface OpaqueType {
  readonly kind: 'opaque';
  readonly domain?: string;
  readonly name?: string;
  readonly denotation?: string;
}

export function tensorType(dtype: DataType, shape?: Shape): TensorType {
  return shape === undefined ? { kind: 'tensor', dtype } : { kind: 'tensor', dtype, shape };
}

/** The schema spelling (`tensor(float)`, `seq(tensor(int64))`, `optional(seq(tensor(float)))`). */
export function typeString(t: ValueType): string {
  switch (t.kind) {
    case 'tensor':
      return `tensor(${dataTypeName(t.dtype).toLowerCase()})`;
    case 'sparse_tensor':
      return `sparse_tensor(${dataTypeName(t.dtype).toLowerCase()})`;
    case 'sequence':
      return `seq(${t.elem === undefined ? '?' : typeString(t.elem)})`;
    case 'map':
      return `map(${dataTypeName(t.key).toLowerCase()},${t.value === undefined ? '?' : typeString(t.value)})`;
    case 'optional':
      return `optional(${t.elem === undefined ? '?' : typeString(t.elem)})`;
    case 'opaque':
      return `opaque(${t.domain ?? ''},${t.name ?? ''})`;
  }
}

/** A short human form: `float32[N,3,224,224]`, `seq(int64[?])`. */
export function formatType(t: ValueType | undefined): string {
  if (t === undefined) return '?';
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const base = `${dataTypeName(t.dtype).toLowerCase()}${formatShape(t.shape)}`;
      return t.kind === 'tensor' ? base : `sparse(${base})`;
    }
    case 'sequence':
      return `seq(${formatType(t.elem)})`;
    case 'map':
      return `map(${dataTypeName(t.key).toLowerCase()},${formatType(t.value)})`;
    case 'optional':
      return `optional(${formatType(t.elem)})`;
    case 'opaque':
      return `opaque(${t.domain ?? ''}.${t.name ?? ''})`;
  }
}
