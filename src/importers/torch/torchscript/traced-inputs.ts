/**
 * `traced_inputs.pkl`: torch 2.x's `torch.jit.trace` saves the example inputs of the trace as
 * `{"forward": [tensor, ...]}` (a `Dict[str, List[Any]]`), with storages under `traced_inputs/` that it
 * writes empty (0 bytes). Only the dtype and shape of each input matter here: they type the graph
 * inputs (the forward signature only says `Tensor`). The pickle goes through the same allow-list as
 * data.pkl; the tensor rebuilders are swapped for ones that keep the metadata and read no bytes.
 */
import { unpickle } from '../../../formats/torch/pickle/unpickler.js';
import { resolveTorchGlobal } from '../../../formats/torch/pickle/torch-globals.js';
import { PyCallable, PyDict, PyObject, PyTuple, TorchDType, TorchStorageType, type PickleValue } from '../../../formats/torch/pickle/values.js';
import { dtypeFromTorchName, TorchStorage } from '../../../formats/torch/storage.js';
import type { TorchArchive } from '../../../formats/torch/torch-archive.js';
import type { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';

export interface TracedInput {
  dtype: DataType;
  shape: number[];
}

const ENTRY = 'traced_inputs.pkl';
const META = '<tensor metadata>';

/** The example inputs of `forward`, one per argument (undefined where one is not a tensor); undefined without the record. */
export function readTracedInputs(archive: TorchArchive): (TracedInput | undefined)[] | undefined {
  if (!archive.has(ENTRY)) return undefined;
  const fail = (m: string): FormatError => new FormatError(m, { file: archive.file, path: ENTRY });
  const value = unpickle(archive.read(ENTRY), {
    file: archive.file,
    entry: ENTRY,
    resolveGlobal: (module, name) => {
      if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor_v3')) {
        return new PyCallable(`${module}.${name}`, (args) => tensorMeta(args, name === '_rebuild_tensor_v3', fail));
      }
      return resolveTorchGlobal(module, name);
    },
    // Storages stand empty: their records are written without data, and only the dtype is read.
    persistentLoad: (pid) => {
      const type = pid instanceof PyTuple ? pid.items[1] : undefined;
      if (!(type instanceof TorchStorageType)) throw fail('a persistent id that is not a storage');
      return new TorchStorage('traced input', new Uint8Array(0), 'little', type.dtype);
    },
  });
  if (!(value instanceof PyDict)) throw fail('expected a dict of example inputs per method');
  const forward = value.get('forward');
  if (forward === undefined) return undefined;
  const items = Array.isArray(forward) ? forward : forward instanceof PyTuple ? forward.items : undefined;
  if (items === undefined) throw fail('the example inputs of forward are not a list');
  return items.map((x) => {
    if (!(x instanceof PyObject) || x.className !== META) return undefined;
    const [dtypeName, shape] = x.args as [string, number[]];
    const info = dtypeFromTorchName(dtypeName);
    return info === undefined ? undefined : { dtype: info.dtype, shape };
  });
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, ...)` / `_v3(..., dtype)` -> the dtype name and size only. */
function tensorMeta(args: readonly PickleValue[], v3: boolean, fail: (m: string) => FormatError): PickleValue {
  const [storage, , size] = args;
  if (!(storage instanceof TorchStorage)) throw fail("a tensor's storage must come from a persistent id");
  const dtype = v3 ? (args[6] instanceof TorchDType ? args[6].info : undefined) : storage.dtype;
  if (dtype === undefined) throw fail('an example input without a dtype');
  const dims = size instanceof PyTuple ? size.items : Array.isArray(size) ? size : undefined;
  if (dims === undefined || !dims.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) throw fail('an example input with a bad size');
  return new PyObject(META, [dtype.name, dims as number[]]);
}
