/**
 * IR types of program values from their TensorMeta: the ONNX element type and dims where a dynamic dim
 * stays a symbol (`s77`, or an expression such as `2*s77`), never the example size torch traced with.
 */
import { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import { tensorType, type TensorType } from '../../../ir/types.js';
import {
  type SymbolRange,
  type TensorMeta,
  dimSymbols,
  scalarTypeName,
  scalarTypeToDataType,
  tensorDims,
} from '../../../formats/torch/pt2/index.js';

/** A SymInt is an int64 scalar computed in the graph (Note [dynamic int arguments] in ops/util.ts). */
export const SYM_INT_TYPE: TensorType = tensorType(DataType.INT64, []);

/** The IR type of a TensorMeta; undefined when its element type has no ONNX counterpart (e.g. complex32). */
export function tensorMetaType(meta: TensorMeta): TensorType | undefined {
  const dtype = scalarTypeToDataType(meta.dtype);
  return dtype === undefined ? undefined : tensorType(dtype, tensorDims(meta));
}

/** The type of a graph input, which ONNX must be able to declare. */
export function inputType(meta: TensorMeta | undefined, name: string, file: string | undefined): TensorType {
  if (meta === undefined) throw new FormatError(`user input ${JSON.stringify(name)} has no tensor_values entry`, { file });
  const t = tensorMetaType(meta);
  if (t === undefined) throw new FormatError(`user input ${JSON.stringify(name)} has element type ${scalarTypeName(meta.dtype)}, which ONNX has no type for`, { file });
  return t;
}

/**
 * What range_constraints say about an input's symbolic dims, for its doc string (ONNX has no field for
 * dim bounds): `s77 in [1, 64]`, `s32 >= 0`. Undefined when every dim is static.
 */
export function symbolBounds(type: TensorType, ranges: ReadonlyMap<string, SymbolRange>): string | undefined {
  const symbols = [...new Set((type.shape ?? []).flatMap((d) => (d === null ? [] : dimSymbols(d))))];
  if (symbols.length === 0) return undefined;
  const describe = (s: string): string => {
    const r = ranges.get(s);
    if (r === undefined || (r.min === undefined && r.max === undefined)) return `${s} unbounded`;
    if (r.max === undefined) return `${s} >= ${r.min}`;
    if (r.min === undefined) return `${s} <= ${r.max}`;
    return `${s} in [${r.min}, ${r.max}]`;
  };
  return `dynamic dims: ${symbols.map(describe).join(', ')}`;
}
