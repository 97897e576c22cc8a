import { AttributeType } from './ops/schema.js';
import type { Graph } from './graph.js';
import type { SparseTensor, Tensor } from './tensor.js';
import type { ValueType } from './types.js';

export { AttributeType };

/**
 * An int64 attribute value: a number when it is a safe integer, a bigint otherwise (INT64_MAX as a
 * Slice end, say), so that nothing is rounded on a round trip. `attrNumber` gives the number form.
 */
export type Int64 = number | bigint;

/** Attribute strings are bytes on the wire; text when they decode as UTF-8 and re-encode identically. */
export type AttrString = string | Uint8Array;

interface AttrBase {
  readonly name: string;
  docString?: string;
}

export type Attribute =
  | (AttrBase & { type: AttributeType.FLOAT; value: number })
  | (AttrBase & { type: AttributeType.INT; value: Int64 })
  | (AttrBase & { type: AttributeType.STRING; value: AttrString })
  | (AttrBase & { type: AttributeType.TENSOR; value: Tensor })
  | (AttrBase & { type: AttributeType.GRAPH; value: Graph })
  | (AttrBase & { type: AttributeType.SPARSE_TENSOR; value: SparseTensor })
  | (AttrBase & { type: AttributeType.TYPE_PROTO; value: ValueType })
  | (AttrBase & { type: AttributeType.FLOATS; value: number[] })
  | (AttrBase & { type: AttributeType.INTS; value: Int64[] })
  | (AttrBase & { type: AttributeType.STRINGS; value: AttrString[] })
  | (AttrBase & { type: AttributeType.TENSORS; value: Tensor[] })
  | (AttrBase & { type: AttributeType.GRAPHS; value: Graph[] })
  | (AttrBase & { type: AttributeType.SPARSE_TENSORS; value: SparseTensor[] })
  | (AttrBase & { type: AttributeType.TYPE_PROTOS; value: ValueType[] })
  /** Inside a function body: takes the value of the calling node's attribute `refAttrName`. */
  | (AttrBase & { type: AttributeType; ref: string; value?: undefined })
  /** A type the file gave that we do not know (kept so the error can name it). */
  | (AttrBase & { type: AttributeType.UNDEFINED; value?: undefined });

export type AttributeOf<T extends AttributeType> = Extract<Attribute, { type: T; value: unknown }>;

export function attrNumber(v: Int64): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

export function attrText(v: AttrString): string {
  return typeof v === 'string' ? v : new TextDecoder().decode(v);
}

export function isRefAttribute(a: Attribute): a is AttrBase & { type: AttributeType; ref: string } {
  return 'ref' in a && typeof a.ref === 'string';
}

/** Graphs held by an attribute (GRAPH or GRAPHS); empty for other kinds. */
export function attributeGraphs(a: Attribute): Graph[] {
  if (isRefAttribute(a)) return [];
  if (a.type === AttributeType.GRAPH) return [a.value as Graph];
  if (a.type === AttributeType.GRAPHS) return a.value as Graph[];
  return [];
}

export const attr = {
  float: (name: string, value: number): Attribute => ({ name, type: AttributeType.FLOAT, value }),
  int: (name: string, value: Int64): Attribute => ({ name, type: AttributeType.INT, value }),
  string: (name: string, value: AttrString): Attribute => ({ name, type: AttributeType.STRING, value }),
  tensor: (name: string, value: Tensor): Attribute => ({ name, type: AttributeType.TENSOR, value }),
  graph: (name: string, value: Graph): Attribute => ({ name, type: AttributeType.GRAPH, value }),
  floats: (name: string, value: number[]): Attribute => ({ name, type: AttributeType.FLOATS, value }),
  ints: (name: string, value: Int64[]): Attribute => ({ name, type: AttributeType.INTS, value }),
  strings: (name: string, value: AttrString[]): Attribute => ({ name, type: AttributeType.STRINGS, value }),
};
