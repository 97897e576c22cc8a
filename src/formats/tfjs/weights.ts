/**
 * TF.js weight shards -> IR tensors (FORMATS.md §4). A group's shard files are concatenated in order and
 * its weights follow one another in that stream, each `numel * element size` bytes (strings: a uint32 LE
 * byte length before each element). Quantized weights (uint8/uint16 affine, or float16) are dequantized to
 * float32 as the TF.js runtime does; uint8/uint16 weights of int32 models are rounded back to int32 with
 * Math.round, as that runtime does (tensorflowjs's Python reader rounds half to even instead).
 * Shard bytes come from a callback, so this file needs no node:fs.
 */
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { ArrayTensor, BytesTensor, StringTensor, type Tensor } from '../../ir/tensor.js';
import type { TfjsWeightEntry, TfjsWeightGroup } from './model-json.js';

const IR_TYPE: Record<TfjsWeightEntry['dtype'], DataType> = {
  float32: DataType.FLOAT,
  int32: DataType.INT32,
  bool: DataType.BOOL,
  string: DataType.STRING,
  complex64: DataType.COMPLEX64,
};
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * Every weight of every group, by name. `readShard(path)` returns a shard's bytes (paths as in the
 * manifest); `file` (model.json) names the manifest in errors.
 */
export function decodeWeights(manifest: readonly TfjsWeightGroup[], readShard: (path: string) => Uint8Array, file: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  manifest.forEach((group, g) => {
    const shards = group.paths.map(readShard);
    // One shard: views into it. Several: one copy, so that a weight may straddle two files.
    const data = shards.length === 1 ? shards[0]! : concat(shards);
    const where = `weightsManifest[${g}] (${group.paths.join(', ')})`;
    let offset = 0;
    group.weights.forEach((w, i) => {
      if (out.has(w.name)) throw new FormatError(`weight ${JSON.stringify(w.name)} appears twice in the manifest`, { file, path: `${where}.weights[${i}]` });
      const at = { file, path: `${where}.weights[${i}] ${JSON.stringify(w.name)}` };
      const [tensor, size] = decodeWeight(w, data, offset, at);
      tensor.name = w.name;
      out.set(w.name, tensor);
      offset += size;
    });
  });
  return out;
}

function decodeWeight(w: TfjsWeightEntry, data: Uint8Array, offset: number, at: { file: string; path: string }): [Tensor, number] {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const short = (need: number): never => {
    throw new FormatError(`needs bytes ${offset}..${offset + need} but the group's shards hold ${data.length} bytes; a shard is truncated or missing`, at);
  };
  if (w.dtype === 'string') {
    if (w.quantization !== undefined) throw new FormatError('string weights cannot be quantized', at);
    const strings: Uint8Array[] = [];
    let pos = offset;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < count; i++) {
      if (pos + 4 > data.length) short(pos + 4 - offset);
      const len = view.getUint32(pos, true);
      if (pos + 4 + len > data.length) short(pos + 4 + len - offset);
      strings.push(data.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    return [new StringTensor(w.shape, strings), pos - offset];
  }
  const q = w.quantization;
  const size = count * BYTES[q?.dtype ?? w.dtype]!;
  if (offset + size > data.length) short(size);
  const raw = data.subarray(offset, offset + size);
  if (q === undefined) return [new BytesTensor(IR_TYPE[w.dtype], w.shape, raw), size];
  if (w.dtype !== 'float32' && !(w.dtype === 'int32' && q.dtype !== 'float16')) {
    throw new FormatError(`${q.dtype} quantization of ${w.dtype} weights is not defined by TF.js`, at);
  }
  const copy = new Uint8Array(raw); // aligned, so the typed views below cannot fail
  if (q.dtype === 'float16') {
    const halves = new Uint16Array(copy.buffer, 0, count);
    return [new ArrayTensor(DataType.FLOAT, w.shape, Float32Array.from(halves, halfToFloat)), size];
  }
  const stored = q.dtype === 'uint8' ? copy : new Uint16Array(copy.buffer, 0, count);
  const scale = q.scale!;
  const min = q.min!;
  if (w.dtype === 'int32') return [new ArrayTensor(DataType.INT32, w.shape, Int32Array.from(stored, (v) => Math.round(v * scale + min))), size];
  return [new ArrayTensor(DataType.FLOAT, w.shape, Float32Array.from(stored, (v) => v * scale + min)), size];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** IEEE binary16 bits -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
