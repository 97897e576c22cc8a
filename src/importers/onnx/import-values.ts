import type { Graph } from '../../ir/graph.js';
import type { Value } from '../../ir/value.js';
import { keepValueInfoProto, unknownsOf, type ValueInfoSlot } from '../../ir/wire-hints.js';
import type { TypeProto, ValueInfoProto } from '../../formats/onnx/generated/onnx-types.js';
import { toPlainObject } from '../../formats/onnx/plain-object.js';
import type { ImportContext } from './context.js';
import { importMetadata } from './import-lists.js';
import { importType } from './import-type.js';

/**
 * Attaches a ValueInfoProto to the value it names. The first one seen for a value gives it its type, doc
 * string and metadata. A slot's message is kept verbatim (Note [wire hints]) where exporting the value
 * would not give it back: it disagrees with the value's first entry (two value_info entries for one
 * name, say), or the value cannot hold all it says (a TypeProto with no kind set, unknown fields, an
 * explicit empty name).
 */
export function describeValue(v: Value, vi: ValueInfoProto, graph: Graph, slot: ValueInfoSlot, index: number, ctx: ImportContext): void {
  // The canonical plain form puts fields in number order and int64 as text, so equal text is equal content.
  const text = JSON.stringify(toPlainObject('ValueInfoProto', vi));
  const first = ctx.described.get(v);
  if (first === undefined) {
    const complete = isComplete(vi);
    ctx.described.set(v, { text, complete });
    if (vi.type !== undefined) {
      const t = importType(vi.type, ctx);
      if (t !== undefined) v.type = t;
    }
    if (vi.doc_string !== undefined) v.docString = vi.doc_string;
    const meta = importMetadata(vi.metadata_props);
    if (meta !== undefined) v.metadataProps = meta;
    if (!complete) keepValueInfoProto(graph, slot, index, v, vi);
  } else if (text !== first.text || !first.complete) {
    keepValueInfoProto(graph, slot, index, v, vi);
  }
}

/** Whether a Value can carry everything `vi` says, so the exporter rebuilds it exactly. */
function isComplete(vi: ValueInfoProto): boolean {
  if (vi.name === '' || hasUnknowns(vi)) return false;
  return vi.type === undefined || typeIsComplete(vi.type);
}

function typeIsComplete(tp: TypeProto): boolean {
  if (tp.tensor_type || tp.sparse_tensor_type || tp.opaque_type) return true;
  if (tp.sequence_type) return tp.sequence_type.elem_type === undefined || typeIsComplete(tp.sequence_type.elem_type);
  if (tp.optional_type) return tp.optional_type.elem_type === undefined || typeIsComplete(tp.optional_type.elem_type);
  if (tp.map_type) return tp.map_type.value_type === undefined || typeIsComplete(tp.map_type.value_type);
  return false; // no kind set: the IR has no ValueType for it
}

/** Unknown fields anywhere inside a (small) message. */
function hasUnknowns(msg: object): boolean {
  if (unknownsOf(msg) !== undefined) return true;
  for (const v of Object.values(msg)) {
    if (Array.isArray(v)) {
      if (v.some((x) => typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && hasUnknowns(x as object))) return true;
    } else if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && hasUnknowns(v as object)) {
      return true;
    }
  }
  return false;
}
