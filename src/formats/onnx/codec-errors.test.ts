/**
 * Bad input never escapes as a protobufjs Error or RangeError, never hangs, never overflows the stack:
 * it is one FormatError that says what is wrong and where.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxTestDataDir } from '../../../test/support/test-data.js';
import { FormatError } from '../../ir/errors.js';
import { decodeModelProto, decodeTensorProto, encodeModelProto } from './codec.js';
import { kitchenSinkModel } from './kitchen-sink.js';

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw new Error(`expected a FormatError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a FormatError, but decoding succeeded');
}

/** Offsets where a top-level field ends: cutting there leaves a valid, shorter message. */
function topLevelBoundaries(b: Uint8Array): Set<number> {
  const ends = new Set<number>();
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    for (let s = 1; ; s *= 128) {
      const x = b[pos++]!;
      v += (x & 0x7f) * s;
      if (x < 0x80) return v;
    }
  };
  while (pos < b.length) {
    const wt = varint() % 8;
    if (wt === 0) varint();
    else if (wt === 2) {
      const len = varint(); // not `pos += varint()`: that reads pos before varint() moves it
      pos += len;
    }
    else pos += wt === 1 ? 8 : 4;
    ends.add(pos);
  }
  return ends;
}

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A ModelProto whose graph input type nests `levels` Sequence types (about 2 messages per level). */
function deeplyNested(levels: number): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
    out.push(n);
    return out;
  };
  const inner = [0x0a, 0x02, 0x08, 0x01]; // TypeProto{tensor_type{elem_type: 1}}
  // Tags from the inside out: Sequence.elem_type (1), TypeProto.sequence_type (4), repeated.
  const tags: number[] = [];
  for (let i = 0; i < levels; i++) tags.push(0x0a, 0x22);
  tags.push(0x12, 0x5a, 0x3a); // ValueInfoProto.type, GraphProto.input, ModelProto.graph
  const headers: number[][] = [];
  let len = inner.length;
  for (const tag of tags) {
    const h = [tag, ...varint(len)];
    headers.push(h);
    len += h.length;
  }
  const out = new Uint8Array(len);
  let pos = 0;
  for (let i = headers.length - 1; i >= 0; i--) {
    out.set(headers[i]!, pos);
    pos += headers[i]!.length;
  }
  out.set(inner, pos);
  return out;
}

describe('decoding bad input', () => {
  it('truncated models: a FormatError at every cut point, unless the cut falls between top-level fields', () => {
    const files = [encodeModelProto(kitchenSinkModel())];
    const real = path.join(onnxTestDataDir(), 'pytorch-converted', 'test_Conv2d', 'model.onnx');
    if (fs.existsSync(real)) files.push(fs.readFileSync(real));
    let errors = 0;
    let prefixes = 0;
    const t0 = performance.now();
    for (const full of files) {
      const boundaries = topLevelBoundaries(full);
      const step = Math.max(1, Math.floor(full.length / 3000));
      for (let cut = 0; cut < full.length; cut += step) {
        const part = full.subarray(0, cut);
        if (boundaries.has(cut)) {
          expect(() => decodeModelProto(part)).not.toThrow();
          prefixes++;
        } else {
          expect(formatError(() => decodeModelProto(part, 'cut.onnx')).message).toMatch(/^cut\.onnx[:,]/);
          errors++;
        }
      }
    }
    console.log(`truncation: ${errors} cut points gave a FormatError, ${prefixes} fell on field boundaries`);
    expect(errors).toBeGreaterThan(1000);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('random bytes of 64 bytes or more are always a FormatError; shorter ones never throw anything else', () => {
    const rand = xorshift(20240531);
    let rejected = 0;
    for (let n = 0; n < 2000; n++) {
      const len = n < 500 ? 1 + Math.floor(rand() * 63) : 64 + Math.floor(rand() * 8192);
      const b = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
      try {
        decodeModelProto(b);
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        rejected++;
        continue;
      }
      expect(len).toBeLessThan(64);
    }
    console.log(`random bytes: ${rejected} of 2000 rejected`);
  });

  it('a huge length prefix fails fast and names the field', () => {
    const t0 = performance.now();
    const e = formatError(() => decodeModelProto(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07]), 'm.onnx'));
    expect(e.path).toBe('graph');
    expect(e.message).toBe(
      'm.onnx, graph: not a valid ONNX ModelProto: length 2147483647 runs past the end of its enclosing message ' +
        '(0 bytes remain) (at byte 0 of the 6-byte input)',
    );
    // raw_data of graph.initializer[0] claims 10000 bytes but has 3.
    const tensor = [0x4a, 0x90, 0x4e, 1, 2, 3];
    const graph = [0x2a, tensor.length, ...tensor];
    const model = new Uint8Array([0x08, 0x07, 0x3a, graph.length, ...graph]);
    expect(formatError(() => decodeModelProto(model)).path).toBe('graph.initializer[0].raw_data');
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('invalid wire types, field number 0, unclosed groups, bad packed data', () => {
    expect(formatError(() => decodeModelProto(new Uint8Array([0x0f]))).detail).toMatch(/invalid wire type 7/);
    expect(formatError(() => decodeModelProto(new Uint8Array([0x00, 0x01]))).detail).toMatch(/field number 0/);
    expect(formatError(() => decodeModelProto(new Uint8Array([0x9b, 0x06, 0x08, 0x01]))).detail).toMatch(/group not closed/);
    const packed = new Uint8Array([0x22, 0x03, 0, 0, 0]); // float_data of 3 bytes
    const e = formatError(() => decodeTensorProto(packed, 'input_0.pb'));
    expect(e.message).toMatch(/^input_0\.pb, float_data: .*not a multiple of 4/);
  });

  it('empty input, non-bytes input, and bytes that hold no ModelProto field', () => {
    expect(formatError(() => decodeModelProto(new Uint8Array(0))).detail).toBe('not an ONNX model: the input is empty');
    const notBytes = 'model.onnx' as unknown as Uint8Array;
    expect(formatError(() => decodeModelProto(notBytes)).detail).toMatch(/expected the bytes of an ONNX ModelProto, got string/);
    expect(formatError(() => decodeModelProto(new Uint8Array([0x98, 0x06, 0x01]))).detail).toMatch(/none of its 3 bytes/);
  });

  it('nesting: 90 levels decode, 150 levels are a FormatError, 100000 levels fail fast without a stack overflow', () => {
    expect(() => decodeModelProto(deeplyNested(45))).not.toThrow();
    const e = formatError(() => decodeModelProto(deeplyNested(75)));
    expect(e.detail).toMatch(/nested more than 100 levels deep/);
    expect(e.path).toMatch(/^graph\.input\[0\]\.type\.sequence_type\.elem_type\./);
    expect(e.message.length).toBeLessThan(600);
    const t0 = performance.now();
    const deep = deeplyNested(100_000);
    expect(formatError(() => decodeModelProto(deep)).detail).toMatch(/nested more than 100 levels deep/);
    // Unknown fields can nest too, as groups (start-group tags, wire type 3); the same limit applies.
    const groups = new Uint8Array(100_000).fill(0x0b); // field 1 with wire type 3: start group, never closed
    expect(formatError(() => decodeModelProto(groups)).detail).toMatch(/nested more than 100 levels deep/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
