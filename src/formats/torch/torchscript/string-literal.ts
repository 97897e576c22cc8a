/**
 * Decoding the body of a string literal (the text between the quotes).
 *
 * Note [string escapes are bytes]: TorchScript strings are C++ byte strings. Its printer writes `\\`,
 * `\'`, `\"`, `\n`, `\t` and friends, and any other non-printable byte as a three-digit octal escape
 * (`\001`), so an octal or `\x` escape stands for one byte, and a run of them may spell a UTF-8 character.
 * We therefore collect bytes and decode them as UTF-8. Python instead reads `\ooo`/`\xhh` as code points;
 * when the bytes are not valid UTF-8 we fall back to that reading, so nothing is lost or replaced.
 */
import { TorchScriptSyntaxError, type Loc } from './syntax-error.js';

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\': 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b,
};
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Decodes escapes in `body`; `loc` is the opening quote, for errors. */
export function decodeStringBody(body: string, loc: Loc): string {
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  // Code points as Python would read them, for the fallback in Note [string escapes are bytes].
  const points: number[] = [];
  const fail = (message: string): never => {
    throw new TorchScriptSyntaxError(message, loc);
  };
  const pushChar = (cp: number): void => {
    points.push(cp);
    for (const b of encoder.encode(String.fromCodePoint(cp))) bytes.push(b);
  };
  const pushByte = (b: number): void => {
    points.push(b);
    bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      pushChar(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return fail('string literal ends in a lone backslash');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      pushByte(simple);
      i += 2;
    } else if (e === '\n' || e === '\r') {
      i += e === '\r' && body[i + 2] === '\n' ? 3 : 2; // an escaped newline joins lines
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1)) as RegExpExecArray;
      const v = parseInt(m[0], 8);
      if (v > 0xff) fail(`octal escape \\${m[0]} is larger than one byte`);
      pushByte(v);
      i += 1 + m[0].length;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`escape \\${e} needs ${n} hex digits`);
      const v = parseInt(hex, 16);
      if (e === 'x') pushByte(v);
      else if (v > 0x10ffff) fail(`escape \\${e}${hex} is not a Unicode code point`);
      else pushChar(v);
      i += 2 + n;
    } else {
      // Python keeps unknown escapes as they are: backslash and character.
      pushChar(0x5c);
      i += 1;
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return String.fromCodePoint(...points);
  }
}
