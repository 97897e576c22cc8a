/**
 * String ops: StringNormalizer, StringConcat, StringSplit, RegexFullMatch (TfIdfVectorizer in tfidf.ts). Strings are JS strings (UTF-16);
 * case changes use the locale-independent `toLowerCase`/`toUpperCase` (the `locale` attribute beyond en_US
 * is ignored).
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { broadcastIndex, broadcastShape } from '../../broadcast.js';
import { Tensor } from '../../../tensor.js';
import { tfIdfVectorizer } from './tfidf.js';

function strings(ctx: KernelContext, i: number): string[] {
  const t = ctx.input(i);
  if (t.type !== 'string') throw ctx.error(`input ${i} must be a string tensor, got ${t.type}`);
  return t.data as string[];
}

function stringNormalizer(ctx: KernelContext): void {
  const x = ctx.input(0);
  const xs = strings(ctx, 0);
  const action = ctx.attrs.string('case_change_action', 'NONE');
  const sensitive = ctx.attrs.int('is_case_sensitive', 0) !== 0;
  const stop = ctx.attrs.strings('stopwords') ?? [];
  const stopSet = new Set(sensitive ? stop : stop.map((s) => s.toLowerCase()));
  if (x.dims.length === 2 && x.dims[0] !== 1) throw ctx.error(`input of dims [${x.dims.join(',')}]: a 2-D input must be [1, C]`);
  if (x.dims.length > 2) throw ctx.error('input must be [C] or [1, C]');
  const kept = xs.filter((s) => !stopSet.has(sensitive ? s : s.toLowerCase()));
  const changed = kept.map((s) => (action === 'LOWER' ? s.toLowerCase() : action === 'UPPER' ? s.toUpperCase() : s));
  // All filtered out: one empty string, as onnxruntime does.
  const data = changed.length === 0 ? [''] : changed;
  const dims = x.dims.length === 2 ? [1, data.length] : [data.length];
  ctx.setOutput(0, new Tensor('string', data, dims));
}

function stringConcat(ctx: KernelContext): void {
  const a = ctx.input(0);
  const b = ctx.input(1);
  const as = strings(ctx, 0);
  const bs = strings(ctx, 1);
  const dims = broadcastShape(a.dims, b.dims);
  if (!dims) throw ctx.error(`cannot broadcast [${a.dims.join(',')}] with [${b.dims.join(',')}]`);
  const ia = broadcastIndex(dims, a.dims);
  const ib = broadcastIndex(dims, b.dims);
  const n = dims.reduce((p, d) => p * d, 1);
  const out: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) out[k] = as[ia ? ia[k]! : k]! + bs[ib ? ib[k]! : k]!;
  ctx.setOutput(0, new Tensor('string', out, dims));
}

const WS = /\s/;

/** Python's `s.split()` / `s.split(None, maxsplit)`: runs of whitespace separate, ends stripped. */
function splitWhitespace(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && WS.test(s[i]!)) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && parts.length === maxsplit) {
      // The remainder keeps its inner whitespace; onnxruntime drops its trailing whitespace (Python keeps it).
      parts.push(s.slice(i).trimEnd());
      return parts;
    }
    let j = i;
    while (j < n && !WS.test(s[j]!)) j++;
    parts.push(s.slice(i, j));
    i = j;
  }
  return parts;
}

/** Python's `s.split(delim, maxsplit)`: every delimiter separates, empty pieces kept; but an empty string gives no pieces, as onnxruntime. */
function splitDelimiter(s: string, delim: string, maxsplit: number): string[] {
  const parts: string[] = [];
  if (s === '') return parts;
  let from = 0;
  for (;;) {
    if (maxsplit >= 0 && parts.length === maxsplit) break;
    const at = s.indexOf(delim, from);
    if (at < 0) break;
    parts.push(s.slice(from, at));
    from = at + delim.length;
  }
  parts.push(s.slice(from));
  return parts;
}

function stringSplit(ctx: KernelContext): void {
  const x = ctx.input(0);
  const xs = strings(ctx, 0);
  const delim = ctx.attrs.has('delimiter') ? ctx.attrs.string('delimiter') : '';
  const maxsplit = ctx.attrs.has('maxsplit') ? ctx.attrs.int('maxsplit') : -1;
  const split = xs.map((s) => (delim === '' ? splitWhitespace(s, maxsplit) : splitDelimiter(s, delim, maxsplit)));
  const width = split.reduce((m, p) => Math.max(m, p.length), 0);
  const y: string[] = new Array<string>(xs.length * width).fill('');
  split.forEach((p, i) => p.forEach((s, j) => (y[i * width + j] = s)));
  ctx.setOutput(0, new Tensor('string', y, [...x.dims, width]));
  if (ctx.hasOutput(1)) ctx.setOutput(1, new Tensor('int64', BigInt64Array.from(split, (p) => BigInt(p.length)), x.dims));
}

/**
 * The pattern is RE2 syntax, run here as a JS RegExp anchored as `^(?:pattern)$` with the `u` flag. The
 * common subset (classes, quantifiers, groups, alternation, \d \w \s) agrees; RE2-only forms (`(?P<name>`,
 * `\C`, `\pN` without braces, `(?U)` flags) are not translated, and JS accepts lookarounds and
 * backreferences that RE2 rejects.
 */
function regexFullMatch(ctx: KernelContext): void {
  const x = ctx.input(0);
  const xs = strings(ctx, 0);
  const pattern = ctx.attrs.string('pattern');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'u');
  } catch (e) {
    throw ctx.error(`pattern ${JSON.stringify(pattern)} is not supported: ${(e as Error).message}`);
  }
  ctx.setOutput(0, new Tensor('bool', Uint8Array.from(xs, (s) => (re.test(s) ? 1 : 0)), x.dims));
}

export const stringKernels: KernelTable = {
  StringNormalizer: stringNormalizer,
  StringConcat: stringConcat,
  StringSplit: stringSplit,
  RegexFullMatch: regexFullMatch,
  TfIdfVectorizer: tfIdfVectorizer,
};
