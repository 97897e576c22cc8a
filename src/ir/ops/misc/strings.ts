/**
 * Text ops: StringConcat, StringNormalizer, StringSplit, RegexFullMatch and TfIdfVectorizer (n-gram
 * counts of string or integer tokens).
 */
import { DataType } from '../../dtype.js';
import type { Dim } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { broadcastShapes } from '../shape-utils.js';
import { attrStrings, checkRank } from './util.js';

function stringConcat(ctx: InferContext): void {
  ctx.setOutputTensor(0, DataType.STRING, broadcastShapes(ctx, [ctx.inputTensor(0)?.shape, ctx.inputTensor(1)?.shape]));
}

/**
 * Only [C] and [1, C] inputs. Stopwords are removed, so the length is unknown unless there are none
 * (when every element is dropped the output keeps one empty string, so C = 0 is not preserved either).
 */
function stringNormalizer(ctx: InferContext): void {
  const x = ctx.inputTensor(0)?.shape;
  checkRank(ctx, x, [1, 2], 'X');
  if (x?.length === 2 && typeof x[0] === 'number' && x[0] !== 1) ctx.fail(`a 2-D X must be [1, C], got dim 0 = ${x[0]}`);
  const action = ctx.attrString('case_change_action', 'NONE');
  if (!['NONE', 'LOWER', 'UPPER'].includes(action)) ctx.fail(`case_change_action must be NONE, LOWER or UPPER, got '${action}'`);
  if (x === undefined) return ctx.setOutputTensor(0, DataType.STRING, undefined);
  const c = x[x.length - 1] ?? null;
  const keeps = attrStrings(ctx, 'stopwords').length === 0 && c !== 0 && c !== null;
  const len: Dim = keeps ? c : null;
  ctx.setOutputTensor(0, DataType.STRING, x.length === 2 ? [1, len] : [len]);
}

/** Y adds a trailing dim as long as the most substrings any element splits into; Z counts them per element. */
function stringSplit(ctx: InferContext): void {
  const x = ctx.inputTensor(0)?.shape;
  const maxsplit = ctx.attrInt('maxsplit');
  if (maxsplit !== undefined && maxsplit < 0) ctx.fail(`maxsplit must not be negative, got ${maxsplit}`);
  ctx.setOutputTensor(0, DataType.STRING, x === undefined ? undefined : [...x, null]);
  if (ctx.hasOutput(1)) ctx.setOutputTensor(1, DataType.INT64, x);
}

function regexFullMatch(ctx: InferContext): void {
  if (ctx.attrString('pattern') === undefined) ctx.fail('attribute pattern is required');
  ctx.setOutputTensor(0, DataType.BOOL, ctx.inputTensor(0)?.shape);
}

/** [C] -> [max(ngram_indexes)+1]; [N, C] -> [N, max(ngram_indexes)+1]. */
function tfIdfVectorizer(ctx: InferContext): void {
  const x = ctx.inputTensor(0)?.shape;
  checkRank(ctx, x, [1, 2], 'X');
  const mode = ctx.attrString('mode');
  if (mode !== undefined && !['TF', 'IDF', 'TFIDF'].includes(mode)) ctx.fail(`mode must be TF, IDF or TFIDF, got '${mode}'`);
  const minGram = ctx.attrInt('min_gram_length');
  const maxGram = ctx.attrInt('max_gram_length');
  if (minGram !== undefined && maxGram !== undefined && (minGram < 1 || minGram > maxGram)) {
    ctx.fail(`need 1 <= min_gram_length <= max_gram_length, got ${minGram} and ${maxGram}`);
  }
  const strings = attrStrings(ctx, 'pool_strings').length > 0;
  const ints = ctx.attrInts('pool_int64s', []).length > 0;
  if (strings && ints) ctx.fail('only one of pool_strings and pool_int64s may be set');
  const dtype = ctx.inputTensor(0)?.dtype;
  if (dtype !== undefined && dtype !== DataType.UNDEFINED && (strings ? dtype !== DataType.STRING : ints && dtype === DataType.STRING)) {
    ctx.fail(`X's element type must match the pool: ${strings ? 'pool_strings needs strings' : 'pool_int64s needs integers'}`);
  }
  const indexes = ctx.attrInts('ngram_indexes', []);
  if (indexes.some((i) => i < 0)) ctx.fail('ngram_indexes must not be negative');
  const width: Dim = indexes.length > 0 ? Math.max(...indexes) + 1 : null;
  if (x === undefined) return ctx.setOutputTensor(0, DataType.FLOAT, undefined);
  ctx.setOutputTensor(0, DataType.FLOAT, x.length === 2 ? [x[0] ?? null, width] : [width]);
}

registerShapeRules({
  StringConcat: stringConcat,
  StringNormalizer: stringNormalizer,
  StringSplit: stringSplit,
  RegexFullMatch: regexFullMatch,
  TfIdfVectorizer: tfIdfVectorizer,
});
