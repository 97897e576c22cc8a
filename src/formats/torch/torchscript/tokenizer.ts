/**
 * Tokenizer for the Python subset that TorchScript's printer writes into `code/**.py`.
 *
 * It follows Python's rules where the printer relies on them: indentation makes INDENT/DEDENT tokens,
 * newlines inside (), [] and {} are ignored (the printer breaks `def` signatures over several lines), a
 * backslash at the end of a line joins lines, `#` starts a comment, blank lines do not count.
 * Token positions are 1-based line/column so the parser can name them in errors.
 */
import { TorchScriptSyntaxError, type Loc } from './syntax-error.js';
import { decodeStringBody } from './string-literal.js';

export type TokenKind = 'name' | 'keyword' | 'int' | 'float' | 'string' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text (for strings: the text between the quotes, undecoded). */
  text: string;
  /** The decoded value: string contents, or the exact int (a bigint beyond 2^53), or the float. */
  value?: string | number | bigint;
  line: number;
  column: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

// Longest first, so `**=` wins over `**` and `*`.
const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...',
  '->', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
  '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=',
];
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Splits `source` into tokens, ending with NEWLINE (if any line had tokens), the closing DEDENTs and EOF. */
export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  const indents: number[] = [0];
  const brackets: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const here = (at = pos): Loc => ({ file, line, column: at - lineStart + 1 });
  const fail = (message: string, at = pos): never => {
    throw new TorchScriptSyntaxError(message, here(at));
  };
  const push = (kind: TokenKind, text: string, at: number, value?: Token['value']): void => {
    tokens.push({ kind, text, value, line, column: at - lineStart + 1 });
  };
  const newline = (): void => {
    pos += source[pos] === '\r' && source[pos + 1] === '\n' ? 2 : 1;
    line += 1;
    lineStart = pos;
  };

  while (pos < source.length) {
    if (atLineStart && brackets.length === 0) {
      let width = 0;
      while (source[pos] === ' ' || source[pos] === '\t' || source[pos] === '\f') {
        width = source[pos] === '\t' ? width - (width % 8) + 8 : source[pos] === ' ' ? width + 1 : 0;
        pos += 1;
      }
      const c = source[pos];
      if (c === undefined) break;
      if (c === '\n' || c === '\r') {
        newline();
        continue;
      }
      if (c === '#') {
        while (pos < source.length && source[pos] !== '\n' && source[pos] !== '\r') pos += 1;
        continue;
      }
      atLineStart = false;
      const top = indents[indents.length - 1] ?? 0;
      if (width > top) {
        indents.push(width);
        push('indent', '', pos);
      } else if (width < top) {
        while (width < (indents[indents.length - 1] ?? 0)) {
          indents.pop();
          push('dedent', '', pos);
        }
        if (width !== indents[indents.length - 1]) fail('unindent does not match any outer indentation level');
      }
    }
    const c = source[pos] as string;
    const start = pos;
    if (c === ' ' || c === '\t' || c === '\f') {
      pos += 1;
    } else if (c === '#') {
      while (pos < source.length && source[pos] !== '\n' && source[pos] !== '\r') pos += 1;
    } else if (c === '\\') {
      const next = source[pos + 1];
      if (next !== '\n' && next !== '\r') fail("unexpected character '\\' (a line continuation must end the line)");
      pos += 1;
      newline();
    } else if (c === '\n' || c === '\r') {
      if (brackets.length === 0) {
        push('newline', '\n', pos);
        atLineStart = true;
      }
      newline();
    } else if (isNameStart(c)) {
      while (isNameChar(source[pos])) pos += 1;
      const word = source.slice(start, pos);
      if (source[pos] === '"' || source[pos] === "'") fail(`string prefix '${word}' is not supported`, start);
      push(KEYWORDS.has(word) ? 'keyword' : 'name', word, start);
    } else if (isDigit(c) || (c === '.' && isDigit(source[pos + 1]))) {
      pos = readNumber(source, pos, (kind, text, value) => push(kind, text, start, value), (m) => fail(m, start));
    } else if (c === '"' || c === "'") {
      pos = readString(source, pos, here(start), (text, value) => push('string', text, start, value));
      // A triple-quoted string may span lines; keep the line counter right.
      for (let i = start; i < pos; i++) {
        if (source[i] === '\n') {
          line += 1;
          lineStart = i + 1;
        }
      }
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, pos));
      if (op === undefined) fail(`unexpected character ${JSON.stringify(c)}`);
      const text = op as string;
      push('op', text, start);
      pos += text.length;
      if (text === '(' || text === '[' || text === '{') brackets.push(tokens[tokens.length - 1] as Token);
      const opener = CLOSERS[text];
      if (opener !== undefined) {
        const open = brackets.pop();
        if (open === undefined) fail(`unmatched '${text}'`, start);
        else if (open.text !== opener) {
          fail(`'${text}' does not match '${open.text}' opened at line ${open.line}, column ${open.column}`, start);
        }
      }
    }
  }
  const open = brackets[brackets.length - 1];
  if (open !== undefined) {
    throw new TorchScriptSyntaxError(`'${open.text}' was never closed`, { file, line: open.line, column: open.column });
  }
  const last = tokens[tokens.length - 1];
  if (last !== undefined && last.kind !== 'newline' && last.kind !== 'dedent') push('newline', '', pos);
  while (indents.length > 1) {
    indents.pop();
    push('dedent', '', pos);
  }
  push('eof', '', pos);
  return tokens;
}

/** Reads an int or float literal at `pos`; returns the position after it. */
function readNumber(
  source: string,
  pos: number,
  emit: (kind: 'int' | 'float', text: string, value: number | bigint) => void,
  fail: (message: string) => never,
): number {
  const start = pos;
  const radix = /^0[xXoObB]/.test(source.slice(pos, pos + 2));
  if (radix) {
    pos += 2;
    while (/[0-9a-fA-F_]/.test(source[pos] ?? '')) pos += 1;
  } else {
    while (isDigit(source[pos]) || source[pos] === '_') pos += 1;
  }
  let isFloat = false;
  if (!radix && source[pos] === '.' && !source.startsWith('...', pos)) {
    isFloat = true;
    pos += 1;
    while (isDigit(source[pos]) || source[pos] === '_') pos += 1;
  }
  if (!radix && (source[pos] === 'e' || source[pos] === 'E')) {
    pos += 1;
    if (source[pos] === '+' || source[pos] === '-') pos += 1;
    if (!isDigit(source[pos])) fail(`malformed exponent in number ${JSON.stringify(source.slice(start, pos))}`);
    isFloat = true;
    while (isDigit(source[pos])) pos += 1;
  }
  const text = source.slice(start, pos);
  if (isNameChar(source[pos])) {
    if (source[pos] === 'j' || source[pos] === 'J') fail(`complex literal ${text}${source[pos]} is not supported`);
    fail(`malformed number ${JSON.stringify(text + source[pos])}`);
  }
  const digits = text.replaceAll('_', '');
  if (isFloat) {
    emit('float', text, Number(digits));
  } else {
    let big: bigint;
    try {
      big = BigInt(digits);
    } catch {
      return fail(`malformed integer ${JSON.stringify(text)}`);
    }
    emit('int', text, intValue(big));
  }
  return pos;
}

/** An exact integer as a number where that is exact (|v| <= 2^53 - 1), else as a bigint. */
export function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Reads a '...' / "..." / triple-quoted string at `pos`; returns the position after the closing quote. */
function readString(source: string, pos: number, loc: Loc, emit: (text: string, value: string) => void): number {
  const quote = source[pos] as string;
  const triple = source.startsWith(quote.repeat(3), pos);
  const delim = triple ? quote.repeat(3) : quote;
  let i = pos + delim.length;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (!triple && (c === '\n' || c === '\r')) break;
    if (source.startsWith(delim, i)) {
      const body = source.slice(pos + delim.length, i);
      emit(body, decodeStringBody(body, loc));
      return i + delim.length;
    }
    i += 1;
  }
  throw new TorchScriptSyntaxError('unterminated string literal', loc);
}
