/** ai.onnx.ml ops: LabelEncoder, Binarizer, ArrayFeatureExtractor (TreeEnsemble in tree-ensemble.ts). */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { allocData, fromIrTensor, Tensor, type TensorType } from '../../../tensor.js';
import { linearClassifier, linearRegressor } from './linear.js';
import { imputer, normalizer, scaler } from './preprocess.js';
import { treeEnsemble } from './tree-ensemble.js';
import { treeEnsembleRegressor } from './tree-ensemble-legacy.js';

type Key = string | number;

/**
 * A map key for one element: strings and integers tagged (int32 and int64 keys agree), floats as numbers
 * (a Map matches NaN with NaN, as LabelEncoder wants).
 */
function keyOf(v: unknown, integer: boolean): Key {
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'bigint' || integer) return `i:${String(v)}`;
  return v as number;
}

/** Keys and values of a LabelEncoder (opset 2+): list attributes or tensor attributes. */
function labelTable(ctx: KernelContext, prefix: 'keys' | 'values'): { type: TensorType; items: unknown[] } {
  const t = ctx.attrs.tensor(`${prefix}_tensor`);
  if (t) {
    const r = fromIrTensor(t);
    return { type: r.type, items: Array.from(r.data as ArrayLike<unknown>) };
  }
  if (ctx.attrs.has(`${prefix}_strings`)) return { type: 'string', items: ctx.attrs.strings(`${prefix}_strings`) ?? [] };
  if (ctx.attrs.has(`${prefix}_int64s`)) return { type: 'int64', items: ctx.attrs.ints(`${prefix}_int64s`).map((n) => BigInt(n)) };
  if (ctx.attrs.has(`${prefix}_floats`)) return { type: 'float32', items: ctx.attrs.floats(`${prefix}_floats`) };
  throw ctx.error(`one of ${prefix}_strings, ${prefix}_int64s, ${prefix}_floats, ${prefix}_tensor is required`);
}

function labelDefault(ctx: KernelContext, type: TensorType): unknown {
  const t = ctx.attrs.tensor('default_tensor');
  if (t) {
    const d = fromIrTensor(t).data[0];
    if (d !== undefined) return d;
  }
  if (type === 'string') return ctx.attrs.has('default_string') ? ctx.attrs.string('default_string') : '_Unused';
  if (type === 'int64') return ctx.attrs.has('default_int64') ? BigInt(ctx.attrs.int('default_int64')) : -1n;
  if (type === 'float32' || type === 'float64') return ctx.attrs.has('default_float') ? ctx.attrs.float('default_float') : -0;
  if (type === 'uint64') return 0n;
  return 0;
}

function labelEncoder(ctx: KernelContext): void {
  if (ctx.opset < 2) throw ctx.error('LabelEncoder-1 (classes_strings) is not supported; opset 2 and later only');
  const x = ctx.input(0);
  const keys = labelTable(ctx, 'keys');
  const values = labelTable(ctx, 'values');
  if (keys.items.length !== values.items.length) throw ctx.error(`${keys.items.length} keys but ${values.items.length} values`);
  const map = new Map<Key, unknown>();
  const integer = x.type !== 'string' && !isFloat(x.type);
  keys.items.forEach((k, i) => map.set(keyOf(k, integer), values.items[i]));
  const dflt = labelDefault(ctx, values.type);
  const out = ctx.output(0, x.dims, values.type);
  const src = x.data as ArrayLike<unknown>;
  const dst = out.data as unknown as unknown[];
  for (let i = 0; i < src.length; i++) {
    const v = map.get(keyOf(src[i], integer));
    dst[i] = v === undefined ? dflt : v;
  }
}

function isFloat(t: TensorType): boolean {
  return t === 'float32' || t === 'float64' || t === 'float16';
}

function binarizer(ctx: KernelContext): void {
  const x = ctx.input(0);
  if (!isFloat(x.type) || x.type === 'float16') throw ctx.error(`Binarizer on ${x.type} is not supported`);
  const th = ctx.attrs.float('threshold', 0);
  const src = x.data as Float32Array;
  const out = ctx.output(0, x.dims, x.type);
  const dst = out.data as Float32Array;
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! > th ? 1 : 0;
}

/** Picks `Y`'s indices along the last axis of `X`; a 1-D `X` gives [1, len(Y)], as onnxruntime. */
function arrayFeatureExtractor(ctx: KernelContext): void {
  const x = ctx.input(0);
  const idx = Array.from(ctx.input(1).data as ArrayLike<number | bigint>, Number);
  const n = x.dims[x.dims.length - 1] ?? 1;
  const k = idx.length;
  for (const i of idx) if (i < 0 || i >= n) throw ctx.error(`index ${i} is out of range for a last axis of ${n}`);
  const outer = x.size / Math.max(n, 1);
  const dims = x.dims.length <= 1 ? [1, k] : [...x.dims.slice(0, -1), k];
  const data = allocData(x.type, outer * k);
  const src = x.data as unknown as unknown[];
  const dst = data as unknown as unknown[];
  for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) dst[o * k + j] = src[o * n + idx[j]!];
  ctx.setOutput(0, new Tensor(x.type, data, dims));
}

export const mlKernels: KernelTable = {
  LabelEncoder: labelEncoder,
  Binarizer: binarizer,
  ArrayFeatureExtractor: arrayFeatureExtractor,
  TreeEnsemble: treeEnsemble,
  LinearRegressor: linearRegressor,
  LinearClassifier: linearClassifier,
  Normalizer: normalizer,
  Scaler: scaler,
  Imputer: imputer,
  TreeEnsembleRegressor: treeEnsembleRegressor,
};
