/**
 * Runtime values beyond tensors: a sequence of tensors (ONNX `seq(tensor(T))`) and an optional (ONNX
 * `optional(T)`, present or absent). The memory plan treats both as opaque: they never come from the arena,
 * and the tensors they hold are copies the kernel made itself, so no released buffer can alias them.
 */
import { Tensor, type TensorType } from './tensor.js';

export class TensorSequence {
  /** `elemType` is the element type when known (an empty sequence still has one). */
  constructor(
    readonly tensors: readonly Tensor[],
    readonly elemType?: TensorType,
  ) {}

  get length(): number {
    return this.tensors.length;
  }
}

export class OptionalValue {
  /** `value` undefined: the optional holds no value. */
  constructor(readonly value?: Tensor | TensorSequence) {}

  get hasValue(): boolean {
    return this.value !== undefined;
  }
}

export type RuntimeValue = Tensor | TensorSequence | OptionalValue;

/** `tensor`, `sequence` or `optional`, for messages. */
export function valueKindOf(v: RuntimeValue): string {
  return v instanceof Tensor ? 'tensor' : v instanceof TensorSequence ? 'sequence' : 'optional';
}

/** A fresh copy of `t` (never a view of an arena buffer). */
export function cloneTensor(t: Tensor): Tensor {
  return new Tensor(t.type, t.data.slice(), t.dims);
}
