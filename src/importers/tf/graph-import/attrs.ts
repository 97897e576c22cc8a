/**
 * NodeDef attributes (AttrValue) -> the TfAttr kinds of Note [TensorFlow source nodes]. Types become
 * ONNX DataType numbers here, once, so rules never see TF's numbering.
 */
import type { AttrValue, TensorShapeProto } from '../../../formats/tf/index.js';
import { mapEntries, safeInt, shapeDims, tensorFromProto } from '../../../formats/tf/index.js';
import { FormatError, type ErrorLocation } from '../../../ir/errors.js';
import { tfToOnnxDtype } from '../dtypes.js';
import type { TfAttr } from '../source-graph.js';

/**
 * Note [TF types without an ONNX type]: DT_RESOURCE and DT_VARIANT (variable handles, TensorLists) have no
 * ONNX DataType; a `type` attr holding one becomes 0 (UNDEFINED), so that list(type) attrs keep their
 * positions. The importer removes resource positions from control flow itself (variables are frozen);
 * variant ones are left for the rules of the ops that make and read them.
 */
export function onnxTypeOf(tf: number | undefined): number {
  return tfToOnnxDtype(tf ?? 0) ?? 0;
}

const decoder = new TextDecoder();

/** Bytes that are valid UTF-8 become a string (padding, data_format); anything else stays bytes. */
function text(b: Uint8Array): string | Uint8Array {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return b;
  }
}

function int(v: Parameters<typeof safeInt>[0], where: ErrorLocation, name: string): number {
  const n = safeInt(v);
  if (n !== undefined) return n;
  // INT64_MAX/MIN (e.g. "slice to the end") do not fit a double exactly; clamp to the nearest safe value.
  const s = typeof v === 'number' ? v : (v?.toNumber() ?? 0);
  if (!Number.isFinite(s)) throw new FormatError(`attr ${name} holds an integer out of range`, where);
  return s > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** A TensorShapeProto as the INTS of a `shape` attr: -1 for an unknown dim; undefined for an unknown rank. */
export function shapeAttr(shape: TensorShapeProto | undefined): number[] | undefined {
  return shapeDims(shape)?.map((d) => d ?? -1);
}

/**
 * One attr value as a TfAttr, or undefined for kinds the Note leaves out (list(shape), list(tensor),
 * list(func), placeholders of generic functions). `func` is the function's name; the graph importer puts
 * GRAPH values in place of the control-flow ones itself.
 */
export function convertAttr(name: string, a: AttrValue, where: ErrorLocation): TfAttr | undefined {
  if (a.s !== undefined) return { kind: 's', value: text(a.s) };
  if (a.i !== undefined) return { kind: 'i', value: int(a.i, where, name) };
  if (a.f !== undefined) return { kind: 'f', value: a.f };
  if (a.b !== undefined) return { kind: 'b', value: a.b };
  if (a.type !== undefined) return { kind: 'type', value: onnxTypeOf(a.type) };
  if (a.shape !== undefined) return { kind: 'shape', value: shapeAttr(a.shape) };
  if (a.tensor !== undefined) return { kind: 'tensor', value: tensorFromProto(a.tensor, { ...where, path: `attr ${name}` }) };
  if (a.func !== undefined) return { kind: 'func', value: a.func.name ?? '' };
  if (a.list !== undefined) return convertList(name, a.list, where);
  return undefined;
}

function convertList(name: string, l: NonNullable<AttrValue['list']>, where: ErrorLocation): TfAttr | undefined {
  if (l.s !== undefined && l.s.length > 0) return { kind: 'list_s', value: l.s.map(text) };
  if (l.i !== undefined && l.i.length > 0) return { kind: 'list_i', value: l.i.map((v) => int(v, where, name)) };
  if (l.f !== undefined && l.f.length > 0) return { kind: 'list_f', value: [...l.f] };
  if (l.b !== undefined && l.b.length > 0) return { kind: 'list_i', value: l.b.map((b) => (b ? 1 : 0)) };
  if (l.type !== undefined && l.type.length > 0) return { kind: 'list_type', value: l.type.map(onnxTypeOf) };
  if ((l.shape ?? []).length > 0 || (l.tensor ?? []).length > 0 || (l.func ?? []).length > 0) return undefined;
  // An empty list carries no kind on the wire; INTS [] reads as an empty list of any kind.
  return { kind: 'list_i', value: [] };
}

/** Every convertible attr of a node, by TF name. */
export function convertAttrs(attrs: Record<string, AttrValue> | undefined, where: ErrorLocation): Record<string, TfAttr> {
  const out: Record<string, TfAttr> = {};
  for (const [k, a] of mapEntries(attrs)) {
    const c = convertAttr(k, a, where);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** A string attr (e.g. `padding`), decoded. */
export function stringAttr(a: AttrValue | undefined): string | undefined {
  return a?.s === undefined ? undefined : decoder.decode(a.s);
}
