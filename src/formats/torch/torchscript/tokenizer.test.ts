import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../ir/errors.js';
import { TorchScriptSyntaxError } from './syntax-error.js';
import { tokenize, type Token } from './tokenizer.js';

const F = 'archive/code/__torch__.py';
const kinds = (src: string): string[] =>
  tokenize(src, F).map((t) => (t.kind === 'op' || t.kind === 'name' || t.kind === 'keyword' ? t.text : t.kind.toUpperCase()));
const only = (src: string): Token => {
  const t = tokenize(src, F)[0];
  if (t === undefined) throw new Error('no token');
  return t;
};
function syntaxError(src: string): TorchScriptSyntaxError {
  try {
    tokenize(src, F);
  } catch (e) {
    expect(e).toBeInstanceOf(TorchScriptSyntaxError);
    expect(e).toBeInstanceOf(FormatError);
    return e as TorchScriptSyntaxError;
  }
  throw new Error(`no error for ${JSON.stringify(src)}`);
}

describe('tokenize: layout', () => {
  it('makes INDENT/DEDENT from indentation and one NEWLINE per logical line', () => {
    const src = 'class A(Module):\n  x : int\n  def f(self):\n    return 1\nclass B:\n  pass\n';
    expect(kinds(src)).toEqual([
      'class', 'A', '(', 'Module', ')', ':', 'NEWLINE',
      'INDENT', 'x', ':', 'int', 'NEWLINE',
      'def', 'f', '(', 'self', ')', ':', 'NEWLINE',
      'INDENT', 'return', 'INT', 'NEWLINE',
      'DEDENT', 'DEDENT', 'class', 'B', ':', 'NEWLINE',
      'INDENT', 'pass', 'NEWLINE', 'DEDENT', 'EOF',
    ]);
  });

  it('ignores newlines inside brackets, as in a def signature printed over several lines', () => {
    const src = 'def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n  return x\n';
    expect(kinds(src)).toEqual([
      'def', 'forward', '(', 'self', ':', '__torch__', '.', 'M', ',', 'x', ':', 'Tensor', ')', '->', 'Tensor', ':', 'NEWLINE',
      'INDENT', 'return', 'x', 'NEWLINE', 'DEDENT', 'EOF',
    ]);
  });

  it('skips comments, blank lines and comment-only lines of any indentation; joins backslash continuations', () => {
    const src = '# header\n\nx = 1  # trailing\n      # odd indent\n\ny = \\\n  2\n';
    expect(kinds(src)).toEqual(['x', '=', 'INT', 'NEWLINE', 'y', '=', 'INT', 'NEWLINE', 'EOF']);
  });

  it('adds the final NEWLINE and DEDENTs when the file has no trailing newline; accepts CRLF', () => {
    expect(kinds('if a:\r\n  b')).toEqual(['if', 'a', ':', 'NEWLINE', 'INDENT', 'b', 'NEWLINE', 'DEDENT', 'EOF']);
    expect(kinds('')).toEqual(['EOF']);
  });

  it('records 1-based lines and columns', () => {
    const toks = tokenize('a = 1\nif b:\n  c = "x"\n', F);
    const c = toks.find((t) => t.text === 'c');
    const s = toks.find((t) => t.kind === 'string');
    expect([c?.line, c?.column]).toEqual([3, 3]);
    expect([s?.line, s?.column]).toEqual([3, 7]);
  });

  it('reads the longest operator and tells keywords from names', () => {
    expect(kinds('a **= b // c -> d ... e != f')).toEqual(['a', '**=', 'b', '//', 'c', '->', 'd', '...', 'e', '!=', 'f', 'NEWLINE', 'EOF']);
    const toks = tokenize('not_ is None', F);
    expect(toks.map((t) => t.kind).slice(0, 3)).toEqual(['name', 'keyword', 'keyword']);
  });
});

describe('tokenize: literals', () => {
  it('keeps ints exact: numbers up to 2^53 - 1, bigints beyond', () => {
    expect(only('9223372036854775807').value).toBe(9223372036854775807n);
    expect(only('9007199254740991').value).toBe(9007199254740991);
    expect(only('9007199254740992').value).toBe(9007199254740992n);
    expect(only('0').value).toBe(0);
    expect(only('0x1F').value).toBe(31);
    expect(only('1_000').value).toBe(1000);
  });

  it('reads floats in repr form, keeping the spelling', () => {
    const cases: [string, number][] = [
      ['2.', 2], ['0.', 0], ['.5', 0.5], ['0.10000000000000001', 0.1], ['1e-05', 1e-5],
      ['1.0000000000000001e-05', 1e-5], ['9.2233720368547758e+18', 9223372036854775807], ['3.5E20', 3.5e20],
    ];
    for (const [text, value] of cases) {
      const t = only(text);
      expect([t.kind, t.text, t.value]).toEqual(['float', text, value]);
    }
    // `inf` and `nan` are names; the parser makes them floats.
    expect(only('inf').kind).toBe('name');
  });

  it('decodes string escapes in either quote style', () => {
    expect(only(String.raw`"it\'s \"bad\"\n\ttab \\ done \001"`).value).toBe('it\'s "bad"\n\ttab \\ done \x01');
    expect(only(`'say "hi"'`).value).toBe('say "hi"');
    expect(only(String.raw`"\x41\u20ac\a\b\f\v\0"`).value).toBe('A\u20ac\x07\b\f\v\0');
    expect(only(String.raw`"\q"`).value).toBe('\\q'); // unknown escapes keep their backslash, as in Python
    expect(only('"é€"').value).toBe('é€');
    expect(only('"""multi\nline"""').value).toBe('multi\nline');
  });

  it('reads octal escapes as bytes of UTF-8 (TorchScript strings are byte strings)', () => {
    expect(only(String.raw`"\303\251"`).value).toBe('é');
    // Not valid UTF-8: falls back to Python's reading (one code point per escape).
    expect(only(String.raw`"\200x"`).value).toBe('\x80x');
  });

  it('keeps line numbers right after a triple-quoted string spanning lines', () => {
    const toks = tokenize('a = """x\ny"""\nb = 1\n', F);
    expect(toks.find((t) => t.text === 'b')?.line).toBe(3);
  });
});

describe('tokenize: errors name the entry, line and column', () => {
  it('rejects an unterminated string', () => {
    const e = syntaxError('x = 1\ny = "abc\n');
    expect([e.line, e.column, e.file]).toEqual([2, 5, F]);
    expect(e.message).toBe(`${F}: line 2, column 5: unterminated string literal`);
  });

  it('rejects unbalanced and mismatched brackets', () => {
    expect(syntaxError('f(a, [b)\n').message).toContain("line 1, column 8: ')' does not match '[' opened at line 1, column 6");
    expect(syntaxError('f(a\n\n').message).toContain("line 1, column 2: '(' was never closed");
    expect(syntaxError('a)\n').message).toContain("line 1, column 2: unmatched ')'");
  });

  it('rejects a dedent to a level never opened', () => {
    const e = syntaxError('if a:\n    b\n  c\n');
    expect([e.line, e.column]).toEqual([3, 3]);
    expect(e.detail).toContain('unindent does not match any outer indentation level');
  });

  it('rejects stray characters, complex numbers, string prefixes and bad escapes', () => {
    expect(syntaxError('a = $b\n').detail).toBe('line 1, column 5: unexpected character "$"');
    expect(syntaxError('x = 1j\n').detail).toContain('complex literal 1j is not supported');
    expect(syntaxError('x = 1e+\n').detail).toContain('malformed exponent');
    expect(syntaxError('x = r"a"\n').detail).toContain("string prefix 'r' is not supported");
    expect(syntaxError(String.raw`x = "\x4"` + '\n').detail).toContain('escape \\x needs 2 hex digits');
    expect(syntaxError(String.raw`x = "\777"` + '\n').detail).toContain('larger than one byte');
    expect(syntaxError('x = a \\ b\n').detail).toContain('line continuation must end the line');
  });
});
