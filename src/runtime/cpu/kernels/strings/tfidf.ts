/**
 * TfIdfVectorizer: counts the pool's n-grams (n in [min_gram_length, max_gram_length], tokens taken every
 * skip+1 positions for skip in [0, max_skip_count]; a unigram counts once per position) in each row of X,
 * then weighs the counts by mode (TF: counts; IDF: weight where the count is non-zero; TFIDF: count * weight).
 */
import type { KernelContext } from '../../../kernel.js';

const SEP = '\u0000';

function tokenKey(v: unknown): string {
  return typeof v === 'string' ? `s${v}` : `i${String(v)}`;
}

export function tfIdfVectorizer(ctx: KernelContext): void {
  const x = ctx.input(0);
  const minN = ctx.attrs.int('min_gram_length');
  const maxN = ctx.attrs.int('max_gram_length');
  const maxSkip = ctx.attrs.int('max_skip_count');
  const mode = ctx.attrs.string('mode');
  const counts = ctx.attrs.ints('ngram_counts');
  const indexes = ctx.attrs.ints('ngram_indexes');
  const pool: unknown[] = ctx.attrs.has('pool_strings')
    ? (ctx.attrs.strings('pool_strings') ?? [])
    : ctx.attrs.ints('pool_int64s');
  const weights = ctx.attrs.has('weights') ? ctx.attrs.floats('weights') : undefined;
  if (mode !== 'TF' && mode !== 'IDF' && mode !== 'TFIDF') throw ctx.error(`mode ${JSON.stringify(mode)} is not TF, IDF or TFIDF`);
  if (x.dims.length > 2) throw ctx.error(`input must be [C] or [N, C], got rank ${x.dims.length}`);

  // n-gram (tokens joined) -> output index.
  const table = new Map<string, number>();
  let id = 0;
  counts.forEach((start, g) => {
    const n = g + 1;
    const end = counts[g + 1] ?? pool.length;
    for (let p = start; p + n <= end; p += n) {
      const out = indexes[id++];
      if (out === undefined) throw ctx.error('ngram_indexes is shorter than the pool');
      table.set(pool.slice(p, p + n).map(tokenKey).join(SEP), out);
    }
  });
  const width = indexes.reduce((m, v) => Math.max(m, v + 1), 0);
  const rows = x.dims.length === 2 ? x.dims[0]! : 1;
  const C = x.dims.length === 0 ? 1 : x.dims[x.dims.length - 1]!;
  const dims = x.dims.length === 2 ? [rows, width] : [width];
  const y = ctx.output(0, dims, 'float32').data as Float32Array;
  const tokens = Array.from(x.data as ArrayLike<unknown>, tokenKey);

  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const row = y.subarray(r * width, (r + 1) * width);
    for (let s = 0; s < C; s++) {
      for (let n = Math.max(minN, 1); n <= maxN; n++) {
        for (let skip = 0; skip <= (n === 1 ? 0 : maxSkip); skip++) {
          const step = skip + 1;
          if (s + (n - 1) * step >= C) break;
          const parts: string[] = [];
          for (let j = 0; j < n; j++) parts.push(tokens[base + s + j * step]!);
          const out = table.get(parts.join(SEP));
          if (out !== undefined) row[out]!++;
        }
      }
    }
    for (let k = 0; k < width; k++) {
      const w = weights?.[k] ?? 1;
      if (mode === 'IDF') row[k] = row[k]! > 0 ? w : 0;
      else if (mode === 'TFIDF') row[k] = row[k]! * w;
    }
  }
}
