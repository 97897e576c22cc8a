/**
 * encodeModelProtoChunks (Note [streaming encode]) gives exactly encodeModelProto's bytes, on every model
 * of the ONNX backend test data, the kitchen-sink model and a model of large tensors at every depth; with
 * the default threshold and with a threshold of 1 byte, which makes every bytes field at every depth a hole.
 */
import fs from 'node:fs';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { listBackendModels, listLightModels } from '../../../test/support/test-data.js';
import { FormatError } from '../../ir/errors.js';
import { ChunkWriter, LARGE_BYTES } from './chunk-writer.js';
import { decodeModelProto, encodeModelProto, encodeModelProtoChunks } from './codec.js';
import type { AttributeProto, ModelProto, TensorProto } from './generated/onnx-types.js';
import { kitchenSinkModel } from './kitchen-sink.js';

const MiB = 2 ** 20;

function concat(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));
}

/** Both thresholds give encodeModelProto's bytes; returns the default-threshold chunks. */
function expectSameBytes(m: ModelProto, what: string): Uint8Array[] {
  const whole = encodeModelProto(m);
  const chunks = encodeModelProtoChunks(m);
  expect(Buffer.compare(concat(chunks), whole), what).toBe(0);
  expect(Buffer.compare(concat(encodeModelProtoChunks(m, undefined, 1)), whole), `${what}, threshold 1`).toBe(0);
  return chunks;
}

/** Deterministic, non-constant bytes (so a misplaced chunk cannot compare equal by chance). */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17 + (i >> 8)) & 255;
  return b;
}

function floatTensor(name: string, raw: Uint8Array): TensorProto {
  return { name, data_type: 1, dims: [raw.length / 4], raw_data: raw };
}

/** An unknown length-delimited field (number 9999) of `n` bytes, as decode keeps it (Note [unknown fields]). */
function withUnknown<T extends object>(msg: T, n: number, seed: number): T {
  const head = [0xfa, 0xf0, 0x04]; // varint of 9999 << 3 | 2
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      head.push(v);
      break;
    }
    head.push((v % 128) | 128);
  }
  const field = new Uint8Array(head.length + n);
  field.set(head);
  field.set(pattern(n, seed), head.length);
  Object.defineProperty(msg, '$unknowns', { value: [field], enumerable: false, writable: true });
  return msg;
}

/** Large tensors (1 to 2.5 MiB) at the top, inside node attributes, in nested subgraphs, sparse, as strings. */
function largeModel(): { model: ModelProto; large: Uint8Array[] } {
  const file = Buffer.alloc(3 * MiB);
  file.set(pattern(file.length, 1));
  const fromFile = file.subarray(12345, 12345 + 2.5 * MiB); // a view at an odd offset, as a decoded file gives
  const large = [fromFile, pattern(1.5 * MiB, 2), pattern(MiB, 3), pattern(1.25 * MiB, 4), pattern(MiB + 4, 5), pattern(2 * MiB, 6)];
  const [a, b, c, d, e, f] = large as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const sub = (name: string, raw: Uint8Array, inner?: AttributeProto) => ({
    name,
    initializer: [floatTensor(`${name}_w`, raw), floatTensor(`${name}_small`, pattern(16, 9))],
    node: [{ op_type: 'Identity', input: [`${name}_w`], output: [`${name}_y`], attribute: inner ? [inner] : [] }],
    output: [{ name: `${name}_y` }],
  });
  const model: ModelProto = {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    producer_name: 'chunk-writer test',
    graph: {
      name: 'g',
      initializer: [floatTensor('a', a), floatTensor('tiny', pattern(8, 7)), floatTensor('b', b), floatTensor('empty', new Uint8Array(0))],
      sparse_initializer: [{ values: floatTensor('sv', c), indices: { data_type: 7, dims: [4], int64_data: [0, 1, 2, 3] }, dims: [1000] }],
      node: [
        {
          op_type: 'Constant',
          output: ['k'],
          attribute: [
            { name: 'value', type: 4, t: floatTensor('kt', d) },
            { name: 's', type: 3, s: pattern(LARGE_BYTES, 8) },
            { name: 'strings', type: 8, strings: [pattern(100, 10), pattern(LARGE_BYTES - 1, 11), pattern(LARGE_BYTES + 1, 12)] },
          ],
        },
        {
          op_type: 'If',
          input: ['cond'],
          output: ['y'],
          attribute: [
            { name: 'then_branch', type: 5, g: sub('then', e, { name: 'body', type: 5, g: sub('deeper', f) }) },
            { name: 'else_branch', type: 5, g: sub('else', pattern(300, 13)) },
          ],
        },
      ],
    },
    metadata_props: [{ key: 'k', value: 'v'.repeat(200) }],
  };
  withUnknown(model, 200 * 1024, 14);
  withUnknown(model.graph!.initializer![1]!, 70 * 1024, 15); // a large unknown field inside nested messages
  return { model, large };
}

describe('encodeModelProtoChunks', () => {
  it('gives the bytes of encodeModelProto on the kitchen-sink model', () => {
    expectSameBytes(kitchenSinkModel(), 'kitchen sink');
    expectSameBytes({}, 'empty model');
  });

  it('gives the same bytes on a model of large tensors at every depth, referencing them without a copy', () => {
    const { model, large } = largeModel();
    const chunks = expectSameBytes(model, 'large model');
    // Holes: the 6 tensors, AttributeProto.s, the string of LARGE_BYTES + 1, and the 2 unknown fields.
    const node = model.graph!.node![0]!;
    const holes = [...large, node.attribute![1]!.s!, node.attribute![2]!.strings![2]!, model.$unknowns![0]!];
    holes.push(model.graph!.initializer![1]!.$unknowns![0]!);
    for (const h of holes) expect(chunks.some((c) => c === h)).toBe(true); // the very arrays: zero copy
    const copied = chunks.filter((c) => !holes.includes(c)).reduce((n, c) => n + c.length, 0);
    expect(copied).toBeLessThan(LARGE_BYTES + 4096); // the small parts (one string of LARGE_BYTES - 1) only
    expect(chunks.length).toBeLessThan(2 * holes.length + 1 + 1);
    const back = decodeModelProto(concat(chunks));
    expect(Buffer.compare(back.graph!.node![1]!.attribute![0]!.g!.node![0]!.attribute![0]!.g!.initializer![0]!.raw_data!, large[5]!)).toBe(0);
  });

  it('gives the same bytes on every model of the ONNX backend test data', () => {
    // Their tensors are all under LARGE_BYTES; the threshold-1 run in expectSameBytes makes the holes.
    const models = [...listBackendModels(), ...listLightModels()];
    expect(models.length).toBeGreaterThan(1000);
    for (const { modelPath } of models) expectSameBytes(decodeModelProto(fs.readFileSync(modelPath), modelPath), modelPath);
  });

  it('keeps the checks of encodeModelProto: a wrong JS type or deep nesting is the same FormatError', () => {
    let deep: Record<string, unknown> = { tensor_type: { elem_type: 1 } };
    for (let i = 0; i < 200; i++) deep = { sequence_type: { elem_type: deep } };
    const bad = [
      { ir_version: 'nine' },
      { graph: { initializer: [{ raw_data: 5 }] } },
      { graph: { input: [{ name: 'x', type: deep }] } },
    ] as unknown as ModelProto[];
    for (const m of bad) {
      const expected = errorOf(() => encodeModelProto(m, 'out.onnx'));
      const got = errorOf(() => encodeModelProtoChunks(m, 'out.onnx'));
      expect(got).toBeInstanceOf(FormatError);
      expect(got.message).toBe(expected.message);
    }
    expect(errorOf(() => encodeModelProtoChunks(bad[1]!)).message).toMatch(/graph\.initializer\.raw_data: buffer expected/);
  });

  it('refuses a total over 2 GiB without copying the tensors', () => {
    const gib = new Uint8Array(2 ** 30); // never touched, so never paged in
    const m: ModelProto = { graph: { initializer: [floatTensor('a', gib), floatTensor('b', gib)] } };
    expect(() => encodeModelProtoChunks(m, 'big.onnx')).toThrowError(/big\.onnx: encoded ModelProto is \d+ bytes, over protobuf's 2 GiB limit/);
  });
});

describe('ChunkWriter', () => {
  it('refuses ldelim() without fork() and chunks() with an open fork()', () => {
    expect(() => new ChunkWriter().ldelim()).toThrow(/without fork/);
    const w = new ChunkWriter();
    w.fork();
    expect(() => w.chunks()).toThrow(/unclosed fork/);
  });

  it('grows its buffer when a length prefix outgrows its reserved byte and the buffer is full', () => {
    // Tag, fork and the hole's length prefix, then small bytes up to the end of the initial 128-byte
    // buffer; the hole makes the message need a 2- or 3-byte length, so ldelim must grow the buffer first.
    for (const hole of [1000, 20000, 70000]) {
      const w = new ChunkWriter(1000);
      w.uint32(10).fork().bytes(pattern(hole, 2));
      const fill = w.buf.length - w.pos;
      w.raw(pattern(fill, 1)).ldelim();
      const ref = protobuf.Writer.create();
      ref.uint32(10).fork().bytes(pattern(hole, 2)).raw(pattern(fill, 1)).ldelim();
      expect(Buffer.compare(concat(w.chunks()), ref.finish()), `${hole}`).toBe(0);
    }
  });
});

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
