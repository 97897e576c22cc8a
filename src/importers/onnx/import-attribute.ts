import { AttributeType, type Attribute, type AttrString } from '../../ir/attribute.js';
import type { Graph } from '../../ir/graph.js';
import type { Node } from '../../ir/node.js';
import type { ValueType } from '../../ir/types.js';
import type { AttributeProto } from '../../formats/onnx/generated/onnx-types.js';
import { ATTRIBUTE_VALUE_FIELD, LIST_VALUE_FIELDS, SCALAR_VALUE_FIELDS, type AttributeValueField } from './wire-fields.js';
import { noteAbsent, noteExtra, notePresentDefaults, noteUnknowns } from '../../ir/wire-hints.js';
import { has, toInt64, type ImportContext, type Scope } from './context.js';
import { importSubgraph } from './import-graph.js';
import { importSparse, importTensor } from './import-tensor.js';
import { importType } from './import-type.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Attribute bytes as text when they are valid UTF-8 (which then re-encodes to the same bytes), else bytes. */
export function attrString(bytes: Uint8Array): AttrString {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

const ALL_VALUE_FIELDS = Object.values(ATTRIBUTE_VALUE_FIELD);

/**
 * AttributeProto -> Attribute. `node` is the node that holds it (undefined for a function's attribute
 * defaults); its subgraphs see `scope`. Files before IR 4 may omit `type`; it is then taken from the one
 * value field that is set, and its absence is remembered (Note [wire hints]). Value fields that do not
 * belong to the type are kept verbatim rather than dropped.
 */
export function importAttribute(a: AttributeProto, ctx: ImportContext, scope: Scope, node: Node | undefined): Attribute {
  const name = a.name ?? '';
  const where = node ? { node: node.name, op: node.opType } : {};
  const setFields = ALL_VALUE_FIELDS.filter((f) => isSet(a, f));
  let code = a.type;
  if (code === undefined) code = inferType(setFields);
  const field = (ATTRIBUTE_VALUE_FIELD as Record<number, AttributeValueField | undefined>)[code];

  let attr: Attribute;
  if (has(a, 'ref_attr_name')) {
    attr = { name, type: code as AttributeType, ref: a.ref_attr_name! };
    keepFields(attr, a, setFields);
  } else if (field === undefined) {
    // An unknown kind: the IR holds it as UNDEFINED and everything but the name is written back verbatim.
    attr = { name, type: AttributeType.UNDEFINED };
    keepFields(attr, a, has(a, 'type') ? ['type', ...setFields] : setFields);
  } else {
    if (!isSet(a, field) && !isScalarField(field) && !isListField(field)) {
      throw ctx.formatError(`attribute ${JSON.stringify(name)} of type ${AttributeType[code]} has no value`, where);
    }
    const value = importValue(a, field, ctx, scope, node, name);
    attr = { name, type: code, value } as Attribute;
    if (isScalarField(field) && !has(a, field)) noteAbsent(attr, field);
    keepFields(attr, a, setFields.filter((f) => f !== field));
  }
  if (a.doc_string !== undefined) attr.docString = a.doc_string;
  if (!has(a, 'type')) noteAbsent(attr, 'type');
  notePresentDefaults(attr, a, ['name', 'type']);
  noteUnknowns(attr, a);
  return attr;
}

function importValue(a: AttributeProto, field: AttributeValueField, ctx: ImportContext, scope: Scope, node: Node | undefined, name: string): unknown {
  const label = `${node?.name ?? node?.opType ?? 'function'} attribute ${name}`;
  const graph = (g: NonNullable<AttributeProto['g']>): Graph => importSubgraph(g, ctx, scope, node);
  const type = (tp: NonNullable<AttributeProto['tp']>): ValueType => {
    const t = importType(tp, ctx);
    if (t === undefined) throw ctx.formatError(`attribute ${JSON.stringify(name)} holds a TypeProto with no type set`, node ? { node: node.name, op: node.opType } : {});
    return t;
  };
  switch (field) {
    case 'f':
      return a.f ?? 0;
    case 'i':
      return toInt64(a.i ?? 0);
    case 's':
      return attrString(a.s ?? new Uint8Array(0));
    case 't':
      return importTensor(a.t!, ctx, label);
    case 'g':
      return graph(a.g!);
    case 'sparse_tensor':
      return importSparse(a.sparse_tensor!, ctx, label);
    case 'tp':
      return type(a.tp!);
    case 'floats':
      return [...(a.floats ?? [])];
    case 'ints':
      return (a.ints ?? []).map(toInt64);
    case 'strings':
      return (a.strings ?? []).map(attrString);
    case 'tensors':
      return (a.tensors ?? []).map((t, i) => importTensor(t, ctx, `${label}[${i}]`));
    case 'graphs':
      return (a.graphs ?? []).map(graph);
    case 'sparse_tensors':
      return (a.sparse_tensors ?? []).map((s, i) => importSparse(s, ctx, `${label}[${i}]`));
    case 'type_protos':
      return (a.type_protos ?? []).map(type);
  }
}

/** Keeps `fields` of `a` verbatim for the exporter (fields the IR attribute does not hold). */
function keepFields(attr: Attribute, a: AttributeProto, fields: readonly string[]): void {
  if (fields.length === 0) return;
  const extra: Record<string, unknown> = {};
  for (const f of fields) extra[f] = (a as Record<string, unknown>)[f];
  noteExtra(attr, extra);
}

/** A singular field that is present, or a repeated one that is not empty (the wire cannot say more). */
function isSet(a: AttributeProto, field: string): boolean {
  const v = (a as Record<string, unknown>)[field];
  return Array.isArray(v) ? v.length > 0 : has(a, field);
}

function isScalarField(f: AttributeValueField): boolean {
  return SCALAR_VALUE_FIELDS.has(f);
}

function isListField(f: AttributeValueField): boolean {
  return LIST_VALUE_FIELDS.has(f);
}

/** The type of an attribute written without one: the kind of its single value field (UNDEFINED if none). */
function inferType(setFields: readonly AttributeValueField[]): number {
  if (setFields.length !== 1) return AttributeType.UNDEFINED;
  const entry = Object.entries(ATTRIBUTE_VALUE_FIELD).find(([, f]) => f === setFields[0]);
  return entry ? Number(entry[0]) : AttributeType.UNDEFINED;
}
