import type { Dim } from '../../ir/shape.js';
import type { ValueType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';
import type { MetadataProps } from '../../ir/tensor.js';
import { applyExtra, pairsSignature, putScalar, rawListFor } from '../../ir/wire-hints.js';
import type {
  StringStringEntryProto,
  TensorShapeProto_Dimension,
  TypeProto,
  TypeProto_Tensor,
  ValueInfoProto,
} from '../../formats/onnx/generated/onnx-types.js';

/** ValueType -> TypeProto. elem_type / key_type 0 are written only where the file had them. */
export function typeProto(t: ValueType): TypeProto {
  const out: TypeProto = {};
  switch (t.kind) {
    case 'tensor':
      out.tensor_type = tensorLike(t.dtype, t.shape, t.dimDenotations, t);
      break;
    case 'sparse_tensor':
      out.sparse_tensor_type = tensorLike(t.dtype, t.shape, t.dimDenotations, t);
      break;
    case 'sequence':
      out.sequence_type = t.elem !== undefined ? { elem_type: typeProto(t.elem) } : {};
      break;
    case 'optional':
      out.optional_type = t.elem !== undefined ? { elem_type: typeProto(t.elem) } : {};
      break;
    case 'map': {
      const m: Record<string, unknown> = {};
      putScalar(m, 'key_type', t.key, 0, t);
      if (t.value !== undefined) m['value_type'] = typeProto(t.value);
      out.map_type = m;
      break;
    }
    case 'opaque':
      out.opaque_type = {
        ...(t.domain !== undefined ? { domain: t.domain } : {}),
        ...(t.name !== undefined ? { name: t.name } : {}),
      };
      break;
  }
  if (t.denotation !== undefined) out.denotation = t.denotation;
  applyExtra(t, out as Record<string, unknown>);
  return out;
}

function tensorLike(
  dtype: number,
  shape: readonly Dim[] | undefined,
  denotations: readonly (string | undefined)[] | undefined,
  owner: object,
): TypeProto_Tensor {
  const out: Record<string, unknown> = {};
  putScalar(out, 'elem_type', dtype, 0, owner);
  if (shape !== undefined) out['shape'] = { dim: shape.map((d, i) => dimProto(d, denotations?.[i])) };
  return out as TypeProto_Tensor;
}

function dimProto(d: Dim, denotation: string | undefined): TensorShapeProto_Dimension {
  const out: { dim_value?: number; dim_param?: string; denotation?: string } = {};
  if (typeof d === 'number') out.dim_value = d;
  else if (typeof d === 'string') out.dim_param = d;
  if (denotation !== undefined) out.denotation = denotation;
  return out;
}

/** The ValueInfoProto a value gives under `name` (its type, doc string and metadata). */
export function valueInfoProto(v: Value, name: string): ValueInfoProto {
  const out: ValueInfoProto = {};
  if (name !== '') out.name = name;
  if (v.type !== undefined) out.type = typeProto(v.type);
  if (v.docString !== undefined) out.doc_string = v.docString;
  if (v.metadataProps !== undefined && v.metadataProps.length > 0) out.metadata_props = pairsProto(v.metadataProps);
  return out;
}

/** Key/value pairs as StringStringEntryProtos; the decoded entries while the pairs are unchanged. */
export function pairsProto(pairs: MetadataProps | readonly [string, string][]): StringStringEntryProto[] {
  return rawListFor<StringStringEntryProto[]>(pairs, pairsSignature(pairs)) ?? pairs.map(([key, value]) => ({ key, value }));
}
