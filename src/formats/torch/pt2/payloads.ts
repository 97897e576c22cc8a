/**
 * Parameters, buffers and constants of a PT2 archive: each FQN of a payload config becomes a description
 * plus a view of its payload entry. A payload is the raw bytes of the whole untyped storage; the tensor is
 * `as_strided(sizes, strides, storage_offset)` over it read as `dtype`, so several FQNs may share one
 * payload (tied weights, views) and each keeps its own sizes/strides/offset.
 */
import type { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import type { ArchiveReader } from './archive-layout.js';
import { elementBytes, scalarTypeName, scalarTypeToDataType } from './scalar-type.js';
import type { PayloadConfig, PayloadMeta, SymInt } from './types.js';

/** Layout.Strided in the export numbering; the only layout stored as plain storage bytes. */
const STRIDED = 7;

export type PayloadSource = 'weights' | 'constants';

export interface Pt2Tensor {
  fqn: string;
  /** weights = parameters and persistent buffers; constants = lifted tensor constants and non-persistent buffers. */
  source: PayloadSource;
  /** Archive entry of the payload, e.g. `data/weights/weight_0`. */
  entry: string;
  path_name: string;
  is_param: boolean;
  /** Always false here: pickled payloads are rejected (see readPayloads). */
  use_pickle: boolean;
  /** Export ScalarType number as written. */
  scalarType: number;
  dtype: DataType;
  sizes: number[];
  /** In elements. */
  strides: number[];
  /** In elements. */
  storage_offset: number;
  requires_grad: boolean;
  /** The whole payload (shared by aliases); elements start at `storage_offset * elementBytes(dtype)`. */
  bytes: Uint8Array;
  /**
   * The payload is empty although the tensor has elements: torch writes no bytes for fake tensors and
   * loads zeros, so a consumer must too.
   */
  zeroFilled: boolean;
}

/** Reads every payload of one config; `dir` is `data/weights/` or `data/constants/`. */
export function readPayloads(
  archive: ArchiveReader,
  config: PayloadConfig,
  configEntry: string,
  dir: string,
  source: PayloadSource,
  file: string | undefined,
): Map<string, Pt2Tensor> {
  const out = new Map<string, Pt2Tensor>();
  const pickled: string[] = [];
  // Aliases (tied weights, views) share one payload: read it once, hand out the same view.
  const payloads = new Map<string, Uint8Array | undefined>();
  const payload = (entry: string): Uint8Array | undefined => {
    if (!payloads.has(entry)) payloads.set(entry, archive.read(entry));
    return payloads.get(entry);
  };
  for (const [fqn, meta] of Object.entries(config.config)) {
    const entry = dir + meta.path_name;
    if (meta.use_pickle) {
      pickled.push(`${fqn} (${entry})`);
      continue;
    }
    out.set(fqn, describe(payload, fqn, meta, entry, source, configEntry, file));
  }
  if (pickled.length > 0) {
    throw new FormatError(
      `${pickled.length} payload${pickled.length === 1 ? ' is' : 's are'} pickled (torch.save of a tensor subclass, ` +
        `or a custom object), which this reader does not support yet: ${pickled.join(', ')}`,
      { file, path: configEntry },
    );
  }
  return out;
}

function describe(
  payload: (entry: string) => Uint8Array | undefined,
  fqn: string,
  meta: PayloadMeta,
  entry: string,
  source: PayloadSource,
  configEntry: string,
  file: string | undefined,
): Pt2Tensor {
  const fail = (msg: string): FormatError => new FormatError(`${fqn}: ${msg}`, { file, path: configEntry });
  const tm = meta.tensor_meta;
  if (tm === null) throw fail('tensor_meta is null for a payload that is not pickled');
  const dtype = scalarTypeToDataType(tm.dtype);
  if (dtype === undefined) throw fail(`dtype ${scalarTypeName(tm.dtype)} has no ONNX counterpart`);
  if (tm.layout !== STRIDED) throw fail(`layout ${tm.layout} is not strided (sparse and mkldnn tensors are not supported)`);
  const sizes = tm.sizes.map((s, i) => concrete(s, `sizes[${i}]`, fail));
  const strides = tm.strides.map((s, i) => concrete(s, `strides[${i}]`, fail));
  const offset = concrete(tm.storage_offset, 'storage_offset', fail);
  if (sizes.length !== strides.length) throw fail(`${sizes.length} sizes but ${strides.length} strides`);
  if (sizes.some((d) => d < 0) || strides.some((d) => d < 0) || offset < 0) {
    throw fail(`negative size, stride or offset (sizes [${sizes}], strides [${strides}], offset ${offset})`);
  }
  const bytes = payload(entry);
  if (bytes === undefined) throw fail(`payload entry ${entry} is missing`);
  const width = elementBytes(dtype);
  if (bytes.length % width !== 0) {
    throw fail(`payload ${entry} holds ${bytes.length} bytes, not a multiple of ${width} (${scalarTypeName(tm.dtype)})`);
  }
  const numel = sizes.reduce((a, b) => a * b, 1);
  // One past the furthest element as_strided touches.
  const extent = numel === 0 ? 0 : offset + sizes.reduce((acc, d, i) => acc + (d - 1) * (strides[i] ?? 0), 0) + 1;
  const zeroFilled = bytes.length === 0 && numel > 0;
  if (!zeroFilled && extent * width > bytes.length) {
    throw fail(
      `payload ${entry} holds ${bytes.length} bytes but sizes [${sizes}], strides [${strides}] and offset ${offset} ` +
        `reach byte ${extent * width}`,
    );
  }
  return {
    fqn,
    source,
    entry,
    path_name: meta.path_name,
    is_param: meta.is_param,
    use_pickle: false,
    scalarType: tm.dtype,
    dtype,
    sizes,
    strides,
    storage_offset: offset,
    requires_grad: tm.requires_grad,
    bytes,
    zeroFilled,
  };
}

function concrete(s: SymInt, what: string, fail: (m: string) => FormatError): number {
  if (s.as_int === undefined) throw fail(`${what} is symbolic (${s.as_expr.expr_str}); a stored tensor needs concrete sizes`);
  return s.as_int;
}
