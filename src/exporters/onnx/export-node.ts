import { AttributeType, isRefAttribute, type Attribute, type AttrString, type Int64 } from '../../ir/attribute.js';
import type { Graph } from '../../ir/graph.js';
import type { Node } from '../../ir/node.js';
import type { SparseTensor, Tensor } from '../../ir/tensor.js';
import type { ValueType } from '../../ir/types.js';
import { applyExtra, putScalar, wasAbsent } from '../../ir/wire-hints.js';
import type { AttributeProto, NodeProto } from '../../formats/onnx/generated/onnx-types.js';
import type { ExportContext } from './export-context.js';
import { int64Wire, sparseProto, tensorProto } from './export-tensor.js';
import { pairsProto, typeProto } from './export-type.js';

const encoder = new TextEncoder();

export function nodeProto(node: Node, ctx: ExportContext): NodeProto {
  const out: NodeProto = {
    input: node.inputs.map((v) => (v === null ? '' : ctx.nameOf(v))),
    output: node.outputs.map((v) => ctx.nameOf(v)),
  };
  if (node.name !== undefined) out.name = node.name;
  putScalar(out as Record<string, unknown>, 'op_type', node.opType, '', node);
  putScalar(out as Record<string, unknown>, 'domain', node.domain, '', node);
  if (node.overload !== undefined) out.overload = node.overload;
  out.attribute = [...node.attributes.values()].map((a) => attributeProto(a, ctx));
  if (node.docString !== undefined) out.doc_string = node.docString;
  if (node.metadataProps !== undefined && node.metadataProps.length > 0) out.metadata_props = pairsProto(node.metadataProps);
  if (node.deviceConfigurations !== undefined) out.device_configurations = node.deviceConfigurations as NodeProto['device_configurations'];
  applyExtra(node, out as Record<string, unknown>);
  return out;
}

/**
 * Attribute -> AttributeProto. A reference attribute (inside a function body) writes `ref_attr_name`
 * and no value; an UNDEFINED one writes only what the importer kept verbatim (Note [wire hints]).
 */
export function attributeProto(a: Attribute, ctx: ExportContext): AttributeProto {
  const out: Record<string, unknown> = {};
  putScalar(out, 'name', a.name, '', a);
  if (!wasAbsent(a, 'type')) putScalar(out, 'type', a.type, AttributeType.UNDEFINED, a);
  if (isRefAttribute(a)) {
    out['ref_attr_name'] = a.ref;
  } else if (a.type !== AttributeType.UNDEFINED) {
    const [field, value] = attributeValue(a, ctx);
    // A scalar the file left unset reads as 0 / ''; keep it unset while it still is.
    const keepUnset = wasAbsent(a, field) && isDefault(a.value);
    if (!keepUnset) out[field] = value;
  }
  if (a.docString !== undefined) out['doc_string'] = a.docString;
  applyExtra(a, out);
  return out as AttributeProto;
}

/** The AttributeProto field that holds the value of the attribute's type, and the value for it. */
function attributeValue(a: Attribute, ctx: ExportContext): [field: string, value: unknown] {
  const v = a.value;
  const tensor = (t: Tensor): unknown => tensorProto(t, t.name, ctx.place);
  const sparse = (s: SparseTensor): unknown => sparseProto(s, s.values.name, ctx.place);
  const graph = (g: Graph): unknown => ctx.graphProto(g);
  switch (a.type) {
    case AttributeType.FLOAT:
      return ['f', v];
    case AttributeType.INT:
      return ['i', int64Wire(v as Int64)];
    case AttributeType.STRING:
      return ['s', attrBytes(v as AttrString)];
    case AttributeType.TENSOR:
      return ['t', tensor(v as Tensor)];
    case AttributeType.GRAPH:
      return ['g', graph(v as Graph)];
    case AttributeType.SPARSE_TENSOR:
      return ['sparse_tensor', sparse(v as SparseTensor)];
    case AttributeType.TYPE_PROTO:
      return ['tp', typeProto(v as ValueType)];
    case AttributeType.FLOATS:
      return ['floats', [...(v as number[])]];
    case AttributeType.INTS:
      return ['ints', (v as Int64[]).map((x) => int64Wire(x))];
    case AttributeType.STRINGS:
      return ['strings', (v as AttrString[]).map(attrBytes)];
    case AttributeType.TENSORS:
      return ['tensors', (v as Tensor[]).map(tensor)];
    case AttributeType.GRAPHS:
      return ['graphs', (v as Graph[]).map(graph)];
    case AttributeType.SPARSE_TENSORS:
      return ['sparse_tensors', (v as SparseTensor[]).map(sparse)];
    case AttributeType.TYPE_PROTOS:
      return ['type_protos', (v as ValueType[]).map(typeProto)];
    default:
      throw new RangeError(`attribute ${JSON.stringify(a.name)} has unknown type ${String(a.type)}`);
  }
}

function attrBytes(s: AttrString): Uint8Array {
  return typeof s === 'string' ? encoder.encode(s) : s;
}

function isDefault(v: unknown): boolean {
  return v === 0 || v === 0n || v === '' || (v instanceof Uint8Array && v.length === 0);
}
