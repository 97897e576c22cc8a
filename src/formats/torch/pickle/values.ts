/**
 * What an unpickled value can be. Python values map to plain JS where the meaning is the same (None ->
 * null, bool, str, list -> array, bytes -> Uint8Array, set -> Set) and to small classes where JS has no
 * twin (tuple, dict with non-string keys, objects of TorchScript classes). Integers are numbers while
 * they are safe integers and bigints beyond; floats are numbers too, so `1` and `1.0` look alike: the
 * declared types in a TorchScript class's code say which an attribute is.
 * Tensors are IR tensors (src/ir/tensor.ts); storages are whatever the caller's persistentLoad returns.
 */
import type { Tensor } from '../../../ir/tensor.js';
import type { TorchDTypeInfo, TorchStorage } from '../storage.js';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Set<PickleValue>
  | PyTuple
  | PyDict
  | PyObject
  | PyComplex
  | PySlice
  | PyCallable
  | PyClass
  | TorchDevice
  | TorchDType
  | TorchStorageType
  | TorchStorage
  | Tensor;

/** A Python tuple: immutable, and kept apart from lists because TorchScript types tell them apart. */
export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}

  get length(): number {
    return this.items.length;
  }
}

/** A Python dict (insertion-ordered, like Map). `className` marks e.g. `collections.OrderedDict`. */
export class PyDict extends Map<PickleValue, PickleValue> {
  /** The class a REDUCE made it with, e.g. `collections.OrderedDict`; undefined for a plain dict. */
  className?: string;
  /** The TorchScript static type from `torch.jit._pickle.restore_type_tag`, e.g. `Dict[str, int]`. */
  typeTag?: string;
  /** Attributes BUILD set on the dict object (a torch.save state dict carries `_metadata` this way). */
  readonly attributes = new Map<string, PickleValue>();
}

/**
 * An object of a TorchScript class (`__torch__.<qualifier>.<Class>`): modules and scripted classes.
 * Nothing of the class runs: NEWOBJ records its arguments and BUILD its state, usually a PyDict of
 * attributes (parameters, buffers, submodules), or whatever `__getstate__` returned.
 */
export class PyObject {
  state: PickleValue | undefined = undefined;
  constructor(
    readonly className: string,
    readonly args: readonly PickleValue[] = [],
  ) {}

  /** The attribute of that name when the state is a dict of attributes. */
  attr(name: string): PickleValue | undefined {
    return this.state instanceof PyDict ? this.state.get(name) : undefined;
  }
}

export class PyComplex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

export class PySlice {
  constructor(
    readonly start: PickleValue,
    readonly stop: PickleValue,
    readonly step: PickleValue,
  ) {}
}

/** `torch.device('cuda', 0)`. */
export class TorchDevice {
  constructor(
    readonly type: string,
    readonly index?: number,
  ) {}
}

/** A `torch.<dtype>` object such as `torch.float32` (GLOBAL 'torch float32'). */
export class TorchDType {
  constructor(readonly info: TorchDTypeInfo) {}
}

/** A storage class named in a persistent id: `torch.FloatStorage` (typed) or `torch.storage.UntypedStorage`. */
export class TorchStorageType {
  constructor(
    readonly name: string,
    /** The element type of a typed storage; undefined for UntypedStorage (the tensor says the dtype). */
    readonly dtype: TorchDTypeInfo | undefined,
  ) {}
}

/** Where a call happens, so allow-listed functions can name it in their errors. */
export interface CallSite {
  file: string;
  entry: string;
  offset: number;
}

/** An allow-listed function that REDUCE may call. It builds a value from plain data and does nothing else. */
export class PyCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly PickleValue[], site: CallSite) => PickleValue,
  ) {}
}

/** A class whose instances NEWOBJ/REDUCE may create as inert PyObjects (TorchScript classes only). */
export class PyClass {
  constructor(readonly qualifiedName: string) {}
}

/** A short description of a value's kind for error messages, e.g. `tuple`, `str`, `__torch__.M object`. */
export function kindOf(v: PickleValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Set) return 'set';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.className ?? 'dict';
  if (v instanceof PyObject) return `${v.className} object`;
  if (v instanceof PyCallable) return `function ${v.qualifiedName}`;
  if (v instanceof PyClass) return `class ${v.qualifiedName}`;
  return v.constructor.name;
}
