import type { Dim } from '../../ir/shape.js';
import type { ValueType } from '../../ir/types.js';
import type { TensorShapeProto, TypeProto } from '../../formats/onnx/generated/onnx-types.js';
import { notePresentDefaults, noteUnknowns } from '../../ir/wire-hints.js';
import { has, type ImportContext } from './context.js';

/**
 * TypeProto -> ValueType. Returns undefined for a TypeProto with no member of its oneof set (the IR has
 * no kind for "some type"); callers that keep whole ValueInfoProtos cover that case (see import-values).
 * elem_type / key_type written as 0 are remembered (Note [wire hints]) so they are written back.
 */
export function importType(tp: TypeProto, ctx: ImportContext): ValueType | undefined {
  const denotation = tp.denotation;
  let t: ValueType | undefined;
  if (tp.tensor_type) {
    const s = tp.tensor_type;
    t = { kind: 'tensor', dtype: s.elem_type ?? 0, ...importShape(s.shape, ctx), ...opt('denotation', denotation) };
    notePresentDefaults(t, s, ['elem_type']);
  } else if (tp.sparse_tensor_type) {
    const s = tp.sparse_tensor_type;
    t = { kind: 'sparse_tensor', dtype: s.elem_type ?? 0, ...importShape(s.shape, ctx), ...opt('denotation', denotation) };
    notePresentDefaults(t, s, ['elem_type']);
  } else if (tp.sequence_type) {
    const elem = tp.sequence_type.elem_type ? importType(tp.sequence_type.elem_type, ctx) : undefined;
    t = { kind: 'sequence', ...opt('elem', elem), ...opt('denotation', denotation) };
  } else if (tp.optional_type) {
    const elem = tp.optional_type.elem_type ? importType(tp.optional_type.elem_type, ctx) : undefined;
    t = { kind: 'optional', ...opt('elem', elem), ...opt('denotation', denotation) };
  } else if (tp.map_type) {
    const m = tp.map_type;
    const value = m.value_type ? importType(m.value_type, ctx) : undefined;
    t = { kind: 'map', key: m.key_type ?? 0, ...opt('value', value), ...opt('denotation', denotation) };
    notePresentDefaults(t, m, ['key_type']);
  } else if (tp.opaque_type) {
    const o = tp.opaque_type;
    t = { kind: 'opaque', ...opt('domain', o.domain), ...opt('name', o.name), ...opt('denotation', denotation) };
  }
  if (t !== undefined) noteUnknowns(t, tp);
  return t;
}

/** `shape` absent means unknown rank; a present shape with no dims is a scalar. */
function importShape(
  shape: TensorShapeProto | undefined,
  ctx: ImportContext,
): { shape?: Dim[]; dimDenotations?: (string | undefined)[] } {
  if (shape === undefined) return {};
  const dims: Dim[] = [];
  const denotations: (string | undefined)[] = [];
  for (const d of shape.dim ?? []) {
    if (has(d, 'dim_value')) {
      const v = d.dim_value!;
      const n = typeof v === 'number' ? v : v.toNumber();
      // Negative sizes are meaningless but some exporters write -1 for "unknown"; keep what the file says.
      if (!Number.isSafeInteger(n)) throw ctx.formatError(`type dim ${String(v)} is too large`);
      dims.push(n);
    } else if (has(d, 'dim_param')) {
      dims.push(d.dim_param!);
    } else {
      dims.push(null);
    }
    denotations.push(d.denotation);
  }
  const anyDenotation = denotations.some((x) => x !== undefined);
  return anyDenotation ? { shape: dims, dimDenotations: denotations } : { shape: dims };
}

/** `{key: value}` when value is defined, else `{}`: keeps optional IR fields truly absent. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
