/**
 * Parameters, buffers and constants of a .pt2 archive as IR tensors. A payload is a whole untyped storage;
 * the tensor is `as_strided(sizes, strides, storage_offset)` over it (FORMATS.md 2.2), so contiguous
 * tensors stay zero-copy views of the archive's bytes and other layouts are gathered into a new buffer
 * (storage.ts). Aliases (tied weights) share one storage object, so a big-endian payload is swapped once.
 */
import { rawByteLength } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import { BytesTensor, type Tensor } from '../../../ir/tensor.js';
import type { Pt2Tensor } from '../../../formats/torch/pt2/index.js';
import { dtypeInfoFor, rebuildTensor, TorchStorage, type ByteOrder } from '../../../formats/torch/storage.js';

export class WeightReader {
  private readonly storages = new Map<string, TorchStorage>();

  constructor(
    private readonly byteOrder: ByteOrder,
    private readonly file: string | undefined,
  ) {}

  tensor(t: Pt2Tensor): Tensor {
    const where = { file: this.file, path: t.entry };
    const info = dtypeInfoFor(t.dtype);
    if (info === undefined) throw new FormatError(`${t.fqn}: no storage reader for its element type`, where);
    if (t.zeroFilled) {
      // torch writes no bytes for fake tensors and loads zeros; so do we.
      const numel = t.sizes.reduce((a, b) => a * b, 1);
      return new BytesTensor(t.dtype, t.sizes, new Uint8Array(rawByteLength(t.dtype, numel)));
    }
    let storage = this.storages.get(t.entry);
    if (storage === undefined) {
      storage = new TorchStorage(t.entry, t.bytes, this.byteOrder, info);
      this.storages.set(t.entry, storage);
    }
    return rebuildTensor(storage, info, t.storage_offset, t.sizes, t.strides, where);
  }
}
