import fs from 'node:fs';
import { rawByteLength, type DataType } from '../ir/dtype.js';
import { FormatError, UsageError } from '../ir/errors.js';
import { elementCount } from '../ir/shape.js';
import { ExternalTensor, type ExternalLocation } from '../ir/tensor.js';
import type { TensorProto } from '../formats/onnx/generated/onnx-types.js';
import {
  parseExternalData,
  readExternalBytes,
  resolveExternalPath,
  type ExternalDataInfo,
} from '../formats/onnx/external-data.js';
import type { ExternalOpener } from '../importers/onnx/context.js';

/**
 * The importer's hook for tensors in external data files. Everything that can be checked without
 * reading the bytes is checked now, at load (the location stays in the model's folder, the file exists,
 * offset and length lie inside it and agree with dims x data type), so a bad model fails when loaded,
 * naming the file and the tensor. The bytes are read on first use, and again after `release()`.
 */
export function externalOpener(baseDir: string | undefined, modelFile: string | undefined, verifyChecksum = false): ExternalOpener {
  const sizes = new Map<string, number>(); // data file -> size, as many tensors share one file
  return (proto: TensorProto, dtype: DataType, dims: readonly number[]) => {
    const name = proto.name ?? '';
    if (baseDir === undefined) {
      throw new UsageError(`tensor ${JSON.stringify(name)} keeps its values in an external data file; pass options.baseDir (the folder that holds it)`, { file: modelFile });
    }
    const info = parseExternalData(proto, modelFile);
    const expected = rawByteLength(dtype, elementCount(dims));
    checkRange(info, resolveExternalPath(baseDir, info, modelFile), expected, sizes, modelFile);
    const loc = locationOf(proto, info, baseDir);
    // The loader reads `loc` when called, so saveModel can point the tensor at a file that replaced its own.
    return new ExternalTensor(dtype, dims, loc, () =>
      readExternalBytes(loc.baseDir, infoOf(loc, name), expected, { modelFile, verifyChecksum }),
    );
  };
}

function checkRange(info: ExternalDataInfo, file: string, expected: number, sizes: Map<string, number>, modelFile?: string): void {
  const fail = (problem: string): FormatError =>
    new FormatError(`external data of tensor ${JSON.stringify(info.tensorName)}: ${problem}`, { file: modelFile });
  let size = sizes.get(file);
  if (size === undefined) {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw fail(`data file ${JSON.stringify(info.location)} is not a regular file`);
    sizes.set(file, (size = stat.size));
  }
  const where = `the ${size}-byte data file ${JSON.stringify(info.location)}`;
  if (info.offset > size) throw fail(`offset ${info.offset} is past the end of ${where}`);
  const length = info.length ?? expected;
  if (length !== expected) throw fail(`length ${length} differs from the ${expected} bytes its dims and data type need`);
  if (info.offset + length > size) throw fail(`bytes ${info.offset}..${info.offset + length} run past the end of ${where}`);
}

/** The IR's view of the entries; offset and length stay undefined when the file did not write them. */
function locationOf(proto: TensorProto, info: ExternalDataInfo, baseDir: string): ExternalLocation {
  const keys = new Set((proto.external_data ?? []).map((e) => e.key ?? ''));
  const loc: ExternalLocation = { location: info.location, baseDir };
  if (keys.has('offset')) loc.offset = info.offset;
  if (keys.has('length')) loc.length = info.length;
  if (info.checksum !== undefined) loc.checksum = info.checksum;
  if (info.extra.length > 0) loc.extra = info.extra;
  return loc;
}

export function infoOf(loc: ExternalLocation, tensorName: string): ExternalDataInfo {
  return {
    tensorName,
    location: loc.location,
    offset: loc.offset ?? 0,
    length: loc.length,
    checksum: loc.checksum,
    extra: loc.extra ?? [],
  };
}
