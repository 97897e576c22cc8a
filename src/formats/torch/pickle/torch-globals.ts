/**
 * The allow-list: every Python global a PyTorch pickle may name, and what stands in for it. Nothing here
 * imports, evaluates or calls anything the file names; each entry is an inert value (a dtype, a storage
 * class, a TorchScript class) or a small builder that makes plain data from plain data (a tensor view,
 * a list, a dict). Any global not listed is refused by the machine at the GLOBAL opcode. Known torch
 * globals we cannot represent get their own "not supported" message instead of the generic refusal.
 * Checked against torch 2.13's torch.jit.save, torch.save and torch.export.save output (FORMATS.md §1.3).
 */
import { FormatError } from '../../../ir/errors.js';
import { dtypeFromStorageClass, dtypeFromTorchName, rebuildTensor, TorchStorage, UNSUPPORTED_TORCH_TYPES, type TorchDTypeInfo } from '../storage.js';
import {
  kindOf,
  PyCallable,
  PyClass,
  PyComplex,
  PyDict,
  PySlice,
  PyTuple,
  TorchDevice,
  TorchDType,
  TorchStorageType,
  type CallSite,
  type PickleValue,
} from './values.js';

type Builder = (args: readonly PickleValue[], site: CallSite) => PickleValue;

const BUILDERS = new Map<string, Builder>([
  ['torch._utils _rebuild_tensor', (a, s) => tensorFrom(a, 4, 4, s)],
  ['torch._utils _rebuild_tensor_v2', (a, s) => tensorFrom(a, 6, 7, s)],
  ['torch._utils _rebuild_tensor_v3', (a, s) => tensorFrom(a, 7, 8, s)],
  // nn.Parameter in torch.save pickles: the tensor is all we keep (TorchScript code lists parameters).
  ['torch._utils _rebuild_parameter', (a) => arity(a, 3, 3, '_rebuild_parameter')[0]!],
  ['torch._utils _rebuild_parameter_with_state', (a) => arity(a, 4, 4, '_rebuild_parameter_with_state')[0]!],
  ['collections OrderedDict', orderedDict],
  ['torch device', device],
  ['torch Size', (a) => new PyTuple(sequence(arity(a, 1, 1, 'torch.Size')[0]!, 'torch.Size'))],
  // TorchScript's typed containers: identity functions that tag a list or dict with its static type.
  ['torch.jit._pickle build_intlist', typedList],
  ['torch.jit._pickle build_doublelist', typedList],
  ['torch.jit._pickle build_boollist', typedList],
  ['torch.jit._pickle build_tensorlist', typedList],
  ['torch.jit._pickle build_genericlist', typedList],
  ['torch.jit._pickle restore_type_tag', restoreTypeTag],
  // Protocol 2 spells bytes as _codecs.encode(str, 'latin1'): safe to mimic for that one codec only.
  ['_codecs encode', encodeLatin1],
]);
for (const mod of ['builtins', '__builtin__']) {
  BUILDERS.set(`${mod} set`, (a) => new Set(sequence(arity(a, 0, 1, 'set')[0] ?? new PyTuple([]), 'set')));
  BUILDERS.set(`${mod} frozenset`, (a) => new Set(sequence(arity(a, 0, 1, 'frozenset')[0] ?? new PyTuple([]), 'frozenset')));
  BUILDERS.set(`${mod} slice`, (a) => {
    const [x, y, z] = arity(a, 1, 3, 'slice');
    return a.length === 1 ? new PySlice(null, x!, null) : new PySlice(x!, y!, z ?? null);
  });
  BUILDERS.set(`${mod} complex`, (a) => {
    const [re = 0, im = 0] = arity(a, 0, 2, 'complex');
    if (typeof re !== 'number' || typeof im !== 'number') throw new FormatError('complex() takes two floats');
    return new PyComplex(re, im);
  });
}

/** Known torch globals we refuse with a reason, rather than as "not allowed". */
const UNSUPPORTED = new Map<string, string>([
  ['torch.storage _load_from_bytes', 'unpickles nested bytes with the full Python unpickler; refused'],
  ['torch._utils _rebuild_qtensor', 'quantized tensors are not supported'],
  ['torch._utils _rebuild_sparse_tensor', 'sparse tensors are not supported'],
  ['torch._utils _rebuild_sparse_csr_tensor', 'sparse tensors are not supported'],
  ['torch._utils _rebuild_nested_tensor', 'nested tensors are not supported'],
  ['torch._utils _rebuild_wrapper_subclass', 'tensor subclasses are not supported'],
  ['torch._tensor _rebuild_from_type_v2', 'tensor subclasses are not supported'],
  ['torch._utils _rebuild_meta_tensor_no_storage', 'meta tensors (shapes without data) are not supported'],
  ['torch._utils _rebuild_device_tensor_from_numpy', 'tensors saved through numpy are not supported'],
  ['torch.jit._pickle build_tensor_from_id', 'tensors stored outside the pickle (RPC tensor tables) are not supported'],
  ['torch per_tensor_affine', 'quantized tensors are not supported'],
  ['torch per_channel_affine', 'quantized tensors are not supported'],
  ['torch per_channel_affine_float_qparams', 'quantized tensors are not supported'],
]);

/** The default resolver: the value standing in for `module.name`, or undefined when it is not allowed. */
export function resolveTorchGlobal(module: string, name: string): PickleValue | undefined {
  const key = `${module} ${name}`;
  const build = BUILDERS.get(key);
  if (build !== undefined) return new PyCallable(`${module}.${name}`, build);
  const reason = UNSUPPORTED.get(key) ?? (module === 'torch' && UNSUPPORTED_TORCH_TYPES.has(name) ? `torch.${name} is not supported (no ONNX element type)` : undefined);
  if (reason !== undefined) throw new FormatError(`pickle global ${module}.${name}: ${reason}`);
  // Classes of TorchScript modules and scripted classes: instances become inert PyObjects.
  if (module === '__torch__' || module.startsWith('__torch__.')) return new PyClass(`${module}.${name}`);
  if (module === 'torch') {
    const storage = dtypeFromStorageClass(name);
    if (storage !== undefined) return new TorchStorageType(name, storage);
    const dtype = dtypeFromTorchName(name);
    if (dtype !== undefined) return new TorchDType(dtype);
  }
  if (name === 'UntypedStorage' && (module === 'torch.storage' || module === 'torch')) return new TorchStorageType(name, undefined);
  return undefined;
}

// --- builders

function arity(args: readonly PickleValue[], min: number, max: number, what: string): readonly PickleValue[] {
  if (args.length < min || args.length > max) {
    throw new FormatError(`${what} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
  }
  return args;
}

/** _rebuild_tensor(storage, offset, size, stride), _v2 (+ requires_grad, hooks[, metadata]), _v3 (+ dtype[, metadata]). */
function tensorFrom(args: readonly PickleValue[], min: number, max: number, site: CallSite): PickleValue {
  const [storage, offset, size, stride] = arity(args, min, max, 'a tensor rebuild');
  if (!(storage instanceof TorchStorage)) throw new FormatError(`a tensor's storage must come from a persistent id, not a ${kindOf(storage)}`);
  let info: TorchDTypeInfo | undefined = storage.dtype;
  if (min === 7) {
    const dtype = args[6];
    if (!(dtype instanceof TorchDType)) throw new FormatError(`_rebuild_tensor_v3 expects a dtype, got a ${kindOf(dtype)}`);
    info = dtype.info;
  }
  if (info === undefined) throw new FormatError(`a tensor on the untyped storage ${storage.key} has no dtype`);
  const where = { file: site.file, path: `${site.entry} byte ${site.offset}` };
  return rebuildTensor(storage, info, index(offset!, 'storage_offset'), indices(size!, 'size'), indices(stride!, 'stride'), where);
}

function index(v: PickleValue, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new FormatError(`tensor ${what} must be an int, not ${kindOf(v)} ${typeof v === 'bigint' ? v : ''}`.trimEnd());
  return v;
}

function indices(v: PickleValue, what: string): number[] {
  return sequence(v, `tensor ${what}`).map((x) => index(x, what));
}

function sequence(v: PickleValue, what: string): readonly PickleValue[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  throw new FormatError(`${what} expects a tuple or list, got a ${kindOf(v)}`);
}

function orderedDict(args: readonly PickleValue[]): PickleValue {
  const dict = new PyDict();
  dict.className = 'collections.OrderedDict';
  const [items] = arity(args, 0, 1, 'OrderedDict');
  for (const pair of items === undefined ? [] : sequence(items, 'OrderedDict')) {
    const kv = sequence(pair, 'an OrderedDict item');
    if (kv.length !== 2) throw new FormatError('OrderedDict items must be (key, value) pairs');
    dict.set(kv[0]!, kv[1]!);
  }
  return dict;
}

function device(args: readonly PickleValue[]): PickleValue {
  const [spec, index] = arity(args, 1, 2, 'torch.device');
  if (typeof spec !== 'string') throw new FormatError(`torch.device expects a string, got a ${kindOf(spec)}`);
  const m = /^([A-Za-z_]+)(?::(\d+))?$/.exec(spec);
  if (m === null) throw new FormatError(`bad device ${JSON.stringify(spec)}`);
  if (index !== undefined && index !== null && typeof index !== 'number') throw new FormatError('torch.device index must be an int');
  const i = m[2] !== undefined ? Number(m[2]) : (index ?? undefined);
  return new TorchDevice(m[1]!, i === null ? undefined : i);
}

function typedList(args: readonly PickleValue[]): PickleValue {
  const [list] = arity(args, 1, 1, 'a typed list');
  if (!Array.isArray(list)) throw new FormatError(`a typed list builder expects a list, got a ${kindOf(list)}`);
  return list;
}

function restoreTypeTag(args: readonly PickleValue[]): PickleValue {
  const [value, tag] = arity(args, 2, 2, 'restore_type_tag');
  if (typeof tag !== 'string') throw new FormatError('restore_type_tag expects a type string');
  if (value instanceof PyDict) value.typeTag = tag;
  return value!;
}

function encodeLatin1(args: readonly PickleValue[]): PickleValue {
  const [text, codec = 'latin1'] = arity(args, 1, 2, '_codecs.encode');
  if (typeof text !== 'string' || (codec !== 'latin1' && codec !== 'latin-1')) {
    throw new FormatError(`_codecs.encode is only allowed for (str, 'latin1'), got codec ${JSON.stringify(codec)}`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new FormatError('_codecs.encode: a character outside latin-1');
    out[i] = c;
  }
  return out;
}
