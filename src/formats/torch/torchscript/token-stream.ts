/**
 * A cursor over the token list with the checks the recursive-descent parser needs; every failure is a
 * TorchScriptSyntaxError saying what was expected and what was found, at the found token.
 */
import { TorchScriptSyntaxError, type Loc } from './syntax-error.js';
import type { Token, TokenKind } from './tokenizer.js';

export class TokenStream {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    readonly file: string,
  ) {}

  peek(ahead = 0): Token {
    // The list always ends in EOF; reading past it keeps returning EOF.
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index += 1;
    return t;
  }

  loc(t: Token = this.peek()): Loc {
    return { file: this.file, line: t.line, column: t.column };
  }

  /** True when the next token is the operator or keyword `text` (or of `kind` when no text is given). */
  at(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }

  atKind(kind: TokenKind, ahead = 0): boolean {
    return this.peek(ahead).kind === kind;
  }

  /** Consumes the operator or keyword `text` if it is next. */
  accept(text: string): Token | undefined {
    return this.at(text) ? this.next() : undefined;
  }

  /** Consumes the operator or keyword `text`, or fails naming `context` (e.g. "after the call arguments"). */
  expect(text: string, context: string): Token {
    if (!this.at(text)) this.fail(`'${text}' ${context}`);
    return this.next();
  }

  expectKind(kind: TokenKind, what: string): Token {
    if (this.peek().kind !== kind) this.fail(what);
    return this.next();
  }

  /** An identifier (keywords are refused). */
  expectName(context: string): string {
    if (this.peek().kind !== 'name') this.fail(`a name ${context}`);
    return this.next().text;
  }

  /** Throws "expected <expected>, found <the next token>" at the next token. */
  fail(expected: string, at: Token = this.peek()): never {
    throw new TorchScriptSyntaxError(`expected ${expected}, found ${describe(at)}`, this.loc(at));
  }

  /** Throws `message` at token `at`. */
  error(message: string, at: Token = this.peek()): never {
    throw new TorchScriptSyntaxError(message, this.loc(at));
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'name':
      return `name '${t.text}'`;
    case 'keyword':
      return `keyword '${t.text}'`;
    case 'int':
    case 'float':
      return `number ${t.text}`;
    case 'string':
      return `string ${JSON.stringify(t.value)}`;
    case 'op':
      return `'${t.text}'`;
    case 'newline':
      return 'end of line';
    case 'indent':
      return 'an indented block';
    case 'dedent':
      return 'the end of an indented block';
    case 'eof':
      return 'end of file';
  }
}
