/**
 * ai.onnx.ml feature transforms: elementwise maps (Binarizer, Imputer, Scaler, Normalizer,
 * CategoryMapper, LabelEncoder), reshaping ones (ArrayFeatureExtractor, OneHotEncoder,
 * FeatureVectorizer) and the map converters (CastMap, DictVectorizer, ZipMap).
 */
import { AttributeType } from '../../attribute.js';
import { DataType, dataTypeName } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import { formatType } from '../../types.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { propagateTensor } from '../shape-utils.js';
import { attrStrings, checkRank, unifyDim } from './util.js';

/** Same shape, FLOAT output (Scaler, Normalizer: integer inputs come out as floats). */
function toFloat(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  ctx.setOutputTensor(0, DataType.FLOAT, x?.shape);
}

function normalizer(ctx: InferContext): void {
  const norm = ctx.attrString('norm', 'MAX');
  if (norm !== 'MAX' && norm !== 'L1' && norm !== 'L2') ctx.fail(`norm must be MAX, L1 or L2, got '${norm}'`);
  checkRank(ctx, ctx.inputTensor(0)?.shape, [1, 2], 'X');
  toFloat(ctx);
}

/** Strings map to int64 and int64 to strings. */
function swapStringInt(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const out = x.dtype === DataType.STRING ? DataType.INT64 : x.dtype === DataType.INT64 ? DataType.STRING : undefined;
  if (out === undefined) ctx.fail(`input must be string or int64, got ${dataTypeName(x.dtype)}`);
  ctx.setOutputTensor(0, out, x.shape);
}

/** Opset 1 swaps string/int64 like CategoryMapper; later the values_* attribute that is set gives the type. */
function labelEncoder(ctx: InferContext): void {
  if (ctx.schema.sinceVersion < 2) return swapStringInt(ctx);
  const values: [string, DataType | undefined][] = [
    ['values_strings', attrStrings(ctx, 'values_strings').length > 0 ? DataType.STRING : undefined],
    ['values_int64s', ctx.attrInts('values_int64s', []).length > 0 ? DataType.INT64 : undefined],
    ['values_floats', ctx.attrFloats('values_floats', []).length > 0 ? DataType.FLOAT : undefined],
    ['values_tensor', ctx.hasAttr('values_tensor') ? ctx.attr('values_tensor', AttributeType.TENSOR)?.dtype : undefined],
  ];
  const set = values.filter(([, d]) => d !== undefined);
  if (set.length > 1) ctx.fail(`only one values_* attribute may be set, got ${set.map(([n]) => n).join(' and ')}`);
  ctx.setOutputTensor(0, set[0]?.[1] ?? DataType.UNDEFINED, ctx.inputTensor(0)?.shape);
}

/** The number of indices Y selects, as a dim (a lone symbolic dim passes through). */
function indexCount(shape: readonly Dim[] | undefined): Dim {
  if (shape === undefined) return null;
  const dims = shape.filter((d) => d !== 1);
  if (dims.length === 0) return 1;
  if (dims.length === 1) return dims[0] ?? null;
  return dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a * b, 1) : null;
}

/** Z = X[..., Y] along the last axis; a 1-D X gives one row [1, k] (onnxruntime and ONNX's reference agree). */
function arrayFeatureExtractor(ctx: InferContext): void {
  const x = ctx.inputTensor(0);
  if (x === undefined) return;
  const k = indexCount(ctx.inputTensor(1)?.shape);
  if (x.shape === undefined) return ctx.setOutputTensor(0, x.dtype, undefined);
  if (x.shape.length === 0) ctx.fail('X must have rank >= 1');
  ctx.setOutputTensor(0, x.dtype, x.shape.length === 1 ? [1, k] : [...x.shape.slice(0, -1), k]);
}

function oneHotEncoder(ctx: InferContext): void {
  const ints = ctx.attrInts('cats_int64s', []).length;
  const strings = attrStrings(ctx, 'cats_strings').length;
  if ((ints > 0) === (strings > 0)) ctx.fail('exactly one of cats_int64s and cats_strings must be set');
  const x = ctx.inputTensor(0)?.shape;
  ctx.setOutputTensor(0, DataType.FLOAT, x === undefined ? undefined : [...x, ints + strings]);
}

/** Concatenates [N, C_i] inputs (a 1-D input counts as [1, C_i]) into FLOAT [N, sum(inputdimensions)]. */
function featureVectorizer(ctx: InferContext): void {
  const dims = ctx.attrInts('inputdimensions', []);
  if (dims.length !== 0 && dims.length !== ctx.inputCount) {
    ctx.fail(`inputdimensions has ${dims.length} values for ${ctx.inputCount} inputs`);
  }
  let n: Dim = null;
  for (let i = 0; i < ctx.inputCount; i++) {
    const s = ctx.inputTensor(i)?.shape;
    checkRank(ctx, s, [1, 2], `input ${i}`);
    if (s !== undefined) n = unifyDim(ctx, n, s.length === 1 ? 1 : (s[0] ?? null), `batch size of input ${i}`);
  }
  const width = dims.length > 0 ? dims.reduce((a, b) => a + b, 0) : null;
  ctx.setOutputTensor(0, DataType.FLOAT, [n, width]);
}

/** The input map's type, failing when it is something else. */
function inputMap(ctx: InferContext): { key: DataType; value: DataType | undefined } | undefined {
  const t = ctx.inputType(0);
  if (t === undefined) return undefined;
  if (t.kind !== 'map') ctx.fail(`input must be a map, got ${formatType(t)}`);
  return { key: t.key, value: t.value?.kind === 'tensor' ? t.value.dtype : undefined };
}

/*
 * CastMap and DictVectorizer: only the element type is stated. The spec leaves the output's rank open
 * (DictVectorizer's "1-D tensor" is [1, V] in onnxruntime), so no shape is claimed.
 */
function castMap(ctx: InferContext): void {
  const map = inputMap(ctx);
  if (map !== undefined && map.key !== DataType.INT64) ctx.fail(`CastMap needs int64 map keys, got ${dataTypeName(map.key)}`);
  const to = ctx.attrString('cast_to', 'TO_FLOAT');
  const casts: Record<string, DataType> = { TO_FLOAT: DataType.FLOAT, TO_STRING: DataType.STRING, TO_INT64: DataType.INT64 };
  const dtype = casts[to];
  if (dtype === undefined) ctx.fail(`cast_to must be TO_FLOAT, TO_STRING or TO_INT64, got '${to}'`);
  const form = ctx.attrString('map_form', 'DENSE');
  if (form !== 'DENSE' && form !== 'SPARSE') ctx.fail(`map_form must be DENSE or SPARSE, got '${form}'`);
  ctx.setOutputTensor(0, dtype, undefined);
}

function dictVectorizer(ctx: InferContext): void {
  const ints = ctx.attrInts('int64_vocabulary', []).length > 0;
  const strings = attrStrings(ctx, 'string_vocabulary').length > 0;
  if (ints === strings) ctx.fail('exactly one of int64_vocabulary and string_vocabulary must be set');
  const map = inputMap(ctx);
  if (map === undefined) return;
  if (map.key !== (ints ? DataType.INT64 : DataType.STRING)) {
    ctx.fail(`map keys are ${dataTypeName(map.key)} but the vocabulary is ${ints ? 'int64' : 'string'}`);
  }
  if (map.value !== undefined) ctx.setOutputTensor(0, map.value, undefined);
}

/** One map per row of X [N, C], from the C class labels to that row's scores: seq(map(label, float)). */
function zipMap(ctx: InferContext): void {
  const ints = ctx.attrInts('classlabels_int64s', []);
  const strings = attrStrings(ctx, 'classlabels_strings');
  if ((ints.length > 0) === (strings.length > 0)) ctx.fail('exactly one of classlabels_int64s and classlabels_strings must be set');
  const x = ctx.inputTensor(0)?.shape;
  checkRank(ctx, x, [1, 2], 'X');
  const c = x?.[x.length - 1];
  const labels = ints.length + strings.length;
  if (typeof c === 'number' && c !== labels) ctx.fail(`X has ${c} columns but there are ${labels} class labels`);
  ctx.setOutputType(0, {
    kind: 'sequence',
    elem: { kind: 'map', key: ints.length > 0 ? DataType.INT64 : DataType.STRING, value: { kind: 'tensor', dtype: DataType.FLOAT, shape: [] } },
  });
}

registerShapeRules(
  {
    ArrayFeatureExtractor: arrayFeatureExtractor,
    Binarizer: propagateTensor,
    CastMap: castMap,
    CategoryMapper: swapStringInt,
    DictVectorizer: dictVectorizer,
    FeatureVectorizer: featureVectorizer,
    Imputer: propagateTensor,
    LabelEncoder: labelEncoder,
    Normalizer: normalizer,
    OneHotEncoder: oneHotEncoder,
    Scaler: toFloat,
    ZipMap: zipMap,
  },
  'ai.onnx.ml',
);
