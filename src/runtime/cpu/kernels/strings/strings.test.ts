/** String kernels against onnxruntime-node: one-node models, our outputs compared with onnxruntime's. */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { attr } from '../../../../ir/attribute.js';
import { Tensor } from '../../../tensor.js';

const S = (xs: string[], dims?: number[]) => new Tensor('string', xs, dims);

describe('string kernels match onnxruntime', () => {
  it('StringNormalizer: stopwords, case, empty output', async () => {
    const x = S(['Monday', 'tuesday', 'WEDNESDAY', 'monday']);
    await matchOrt('StringNormalizer', [x], ['string'], [attr.string('case_change_action', 'UPPER'), attr.strings('stopwords', ['monday']), attr.string('locale', 'C')]);
    await matchOrt('StringNormalizer', [x], ['string'], [attr.string('case_change_action', 'LOWER'), attr.int('is_case_sensitive', 1), attr.strings('stopwords', ['monday']), attr.string('locale', 'C')]);
    await matchOrt('StringNormalizer', [S(['a', 'B'], [1, 2])], ['string'], [attr.strings('stopwords', ['a', 'b']), attr.string('locale', 'C')]);
  });

  it('StringConcat broadcasts', async () => {
    await matchOrt('StringConcat', [S(['a', 'bé'], [2, 1]), S(['x', '', 'z'], [3])], ['string'], []);
  });

  it('StringSplit: delimiter, whitespace, maxsplit', async () => {
    const x = S(['a,,b', '', 'c,d,e,f'], [3]);
    await matchOrt('StringSplit', [x], ['string', 'int64'], [attr.string('delimiter', ',')]);
    await matchOrt('StringSplit', [x], ['string', 'int64'], [attr.string('delimiter', ','), attr.int('maxsplit', 1)]);
    await matchOrt('StringSplit', [S(['  hello   world ', 'one', ' '], [1, 3])], ['string', 'int64'], []);
    await matchOrt('StringSplit', [S(['a b  c d '])], ['string', 'int64'], [attr.int('maxsplit', 2)]);
  });

  it('RegexFullMatch anchors the whole string', async () => {
    await matchOrt('RegexFullMatch', [S(['www.google.com', 'google.com', 'www.x.org', ''], [2, 2])], ['bool'], [attr.string('pattern', 'www\\.[\\w.-]+\\.\\bcom')]);
    await matchOrt('RegexFullMatch', [S(['abc', 'ab', 'abcabc'])], ['bool'], [attr.string('pattern', '(abc)+|a[bc]')]);
  });

  it('TfIdfVectorizer: TF, IDF and TFIDF with skips', async () => {
    const pool = [2, 3, 5, 4, 5, 6, 7, 8, 6, 7];
    const common = [
      attr.int('min_gram_length', 1), attr.int('max_gram_length', 2), attr.int('max_skip_count', 1),
      attr.ints('ngram_counts', [0, 4]), attr.ints('ngram_indexes', [0, 1, 2, 3, 4, 5, 6]), attr.ints('pool_int64s', pool),
    ];
    const x = new Tensor('int64', [1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8], [2, 6]);
    await matchOrt('TfIdfVectorizer', [x], ['float32'], [...common, attr.string('mode', 'TF')], '', 9);
    await matchOrt('TfIdfVectorizer', [x], ['float32'], [...common, attr.string('mode', 'IDF'), attr.floats('weights', [1, 2, 3, 4, 5, 6, 7])], '', 9);
    await matchOrt('TfIdfVectorizer', [x], ['float32'], [...common, attr.string('mode', 'TFIDF'), attr.floats('weights', [1, 2, 3, 4, 5, 6, 7])], '', 9);
    const sp = ['a', 'b', 'c', 'a', 'b', 'b', 'c'];
    await matchOrt('TfIdfVectorizer', [S(['a', 'b', 'c', 'x', 'a', 'b', 'b', 'c'])], ['float32'], [
      attr.int('min_gram_length', 2), attr.int('max_gram_length', 2), attr.int('max_skip_count', 0), attr.string('mode', 'TF'),
      attr.ints('ngram_counts', [0, 3]), attr.ints('ngram_indexes', [0, 1, 2, 3, 4]), attr.strings('pool_strings', sp),
    ], '', 9);
  });
});
