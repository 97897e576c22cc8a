import type { TensorShapeProto } from '../../../formats/tf/index.js';
import { irDataTypeOf, shapeDims } from '../../../formats/tf/index.js';
import { tensorType, type ValueType } from '../../../ir/types.js';
import type { TfArg } from './tf-body.js';

export type ArgType = ValueType | undefined;

/**
 * The IR type of a TF tensor of `dtype` and `shape`: unknown dims stay unknown (null), an unknown rank
 * leaves the shape out, and types without an ONNX equivalent (resource, variant) give no type at all.
 */
export function tfValueType(dtype: number | undefined, shape: TensorShapeProto | undefined): ArgType {
  const ir = irDataTypeOf(dtype ?? 0);
  if (ir === undefined) return undefined;
  const dims = shape === undefined ? undefined : shapeDims(shape);
  return dims === undefined ? tensorType(ir) : tensorType(ir, dims);
}

/** The type of a function argument as its FunctionDef records it. */
export function argType(a: TfArg): ArgType {
  return tfValueType(a.type, a.shape);
}
