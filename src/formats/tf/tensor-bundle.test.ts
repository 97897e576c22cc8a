import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { StringTensor, type Tensor } from '../../ir/tensor.js';
import { encodeTfMessage } from './codec.js';
import { crc32c, maskCrc32c } from './crc32c.js';
import { dataFileName, openTensorBundle, readSavedModelDir } from './files.js';
import { OBJECT_GRAPH_KEY, TensorBundle, variableValueKeys, type ShardSource } from './tensor-bundle.js';
import { copyOfTestdata, expected, plainValues, removeCopies, SAVED_MODEL, VARIABLES_PREFIX, writeTable } from './test-helpers.js';

afterAll(removeCopies);

function values(t: Tensor, tfDtype: number | string): (number | boolean | string)[] {
  if (t instanceof StringTensor) return t.texts();
  return plainValues(t.toArray() as ArrayLike<number>, tfDtype === 10);
}

describe('the variables bundle TF 2.21 wrote', () => {
  const bundle = openTensorBundle(VARIABLES_PREFIX);

  it('has the header and keys TF reported, over two data shards', () => {
    expect(bundle.header.num_shards).toBe(expected.data_files.length);
    expect(bundle.header.version?.producer).toBe(1);
    expect(bundle.keys).toEqual(Object.keys(expected.checkpoint).sort());
    const shards = new Set([...bundle.entries.values()].map((e) => e.shard_id ?? 0));
    expect(shards.size).toBe(2);
  });

  it('reads every tensor with the dtype, shape and values TF reported', () => {
    for (const [key, want] of Object.entries(expected.checkpoint)) {
      const entry = bundle.entries.get(key)!;
      expect(entry.dtype, key).toBe(want.dtype);
      const t = bundle.tensor(key);
      expect(t.dims, key).toEqual(want.shape);
      expect(t.name).toBe(key);
      if (want.values !== undefined) expect(values(t, want.dtype), key).toEqual(want.values);
    }
    expect(bundle.tensor('step/.ATTRIBUTES/VARIABLE_VALUE').dtype).toBe(DataType.INT64);
    expect(bundle.tensor('mask/.ATTRIBUTES/VARIABLE_VALUE').dtype).toBe(DataType.BOOL);
  });

  it('gives zero-copy views of the shard bytes', () => {
    const a = bundle.tensor('w/.ATTRIBUTES/VARIABLE_VALUE').bytes();
    const b = bundle.tensor('b/.ATTRIBUTES/VARIABLE_VALUE').bytes();
    const sameShard = bundle.entries.get('w/.ATTRIBUTES/VARIABLE_VALUE')!.shard_id === bundle.entries.get('b/.ATTRIBUTES/VARIABLE_VALUE')!.shard_id;
    expect(a.buffer === b.buffer).toBe(sameShard);
  });

  it('reads shards piecewise past the whole-file limit, with the same values', () => {
    const piecewise = openTensorBundle(VARIABLES_PREFIX, 0);
    for (const key of bundle.keys) {
      const [a, b] = [piecewise.tensor(key), bundle.tensor(key)];
      const hex = (t: Tensor) => (t instanceof StringTensor ? t.strings : [t.bytes()]).map((x) => Buffer.from(x).toString('hex'));
      expect(hex(a), key).toEqual(hex(b));
    }
  });

  it('maps every variable of the SavedModel to its checkpoint key through the object graph', () => {
    const og = bundle.objectGraph()!;
    const keys = variableValueKeys(og);
    const sm = readSavedModelDir(SAVED_MODEL).savedModel.meta_graphs![0]!.object_graph_def!;
    expect(og.nodes).toHaveLength(sm.nodes!.length); // node i of one is node i of the other
    const byName = new Map<string, string>();
    sm.nodes!.forEach((n, id) => {
      if (n.kind === 'variable') byName.set(n.variable!.name!, keys.get(id)!);
    });
    expect(Object.fromEntries(byName)).toEqual(
      Object.fromEntries(Object.keys(expected.saved_model.object_graph.variables).map((v) => [v, `${v}/.ATTRIBUTES/VARIABLE_VALUE`])),
    );
  });
});

describe('damaged bundles', () => {
  it('a corrupt variables.index is a FormatError naming the index file and the block', () => {
    const dir = copyOfTestdata('saved_model');
    const index = path.join(dir, 'variables', 'variables.index');
    const bytes = fs.readFileSync(index);
    bytes[30]! ^= 1;
    fs.writeFileSync(index, bytes);
    expect(() => readSavedModelDir(dir)).toThrow(FormatError);
    expect(() => readSavedModelDir(dir)).toThrow(new RegExp(`^${escape(index)}: data block 0 .*checksum mismatch`));
  });

  it('a missing data shard is a FormatError naming the missing file', () => {
    const dir = copyOfTestdata('saved_model');
    const prefix = path.join(dir, 'variables', 'variables');
    const missing = dataFileName(prefix, 1, 2);
    fs.rmSync(missing);
    expect(() => openTensorBundle(prefix)).toThrow(new RegExp(`^${escape(missing)}: data shard is missing`));
  });

  it('a flipped byte in a data shard fails that tensor\'s checksum, naming the shard and the key', () => {
    const dir = copyOfTestdata('saved_model');
    const prefix = path.join(dir, 'variables', 'variables');
    const fresh = openTensorBundle(prefix);
    const w = fresh.entries.get('w/.ATTRIBUTES/VARIABLE_VALUE')!;
    const shard = dataFileName(prefix, w.shard_id ?? 0, 2);
    const bytes = fs.readFileSync(shard);
    bytes[Number(w.offset ?? 0) + 3]! ^= 0x10;
    fs.writeFileSync(shard, bytes);
    const e = catchError(() => openTensorBundle(prefix).tensor('w/.ATTRIBUTES/VARIABLE_VALUE'));
    expect(e.file).toBe(shard);
    expect(e.message).toMatch(/tensor "w\/.ATTRIBUTES\/VARIABLE_VALUE" \(bytes \d+\.\.\d+\): checksum mismatch/);
  });

  it('a truncated data shard is a FormatError naming it', () => {
    const dir = copyOfTestdata('saved_model');
    const prefix = path.join(dir, 'variables', 'variables');
    const shard = dataFileName(prefix, 1, 2);
    fs.writeFileSync(shard, fs.readFileSync(shard).subarray(0, 10));
    const bundle = openTensorBundle(prefix);
    const key = bundle.keys.find((k) => bundle.entries.get(k)!.shard_id === 1 && Number(bundle.entries.get(k)!.offset) + Number(bundle.entries.get(k)!.size) > 10)!;
    expect(() => bundle.tensor(key)).toThrow(new RegExp(`^${escape(shard)}: bytes .* past the end`));
  });
});

describe('bundle fuzzing', () => {
  it('damaged index or data bytes give a FormatError or correct tensors, nothing else', () => {
    const index = fs.readFileSync(`${VARIABLES_PREFIX}.index`);
    const shards = expected.data_files.map((f) => fs.readFileSync(path.join(path.dirname(VARIABLES_PREFIX), f)));
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 400; round++) {
      const idx = new Uint8Array(index);
      const data = shards.map((s) => new Uint8Array(s));
      const target = round % 2 === 0 ? idx : data[rand(data.length)]!;
      target[rand(target.length)] = rand(256);
      const source: ShardSource = { names: expected.data_files, read: (id, o, n) => data[id]!.subarray(o, Math.min(o + n, data[id]!.length)) };
      try {
        const b = TensorBundle.fromIndex(idx, 'variables.index', () => source);
        for (const key of b.keys) b.tensor(key);
        b.objectGraph();
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`round ${round}: ${String(e)}`, { cause: e });
      }
    }
  });
});

/** A one-shard bundle from (key, entry, data) triples, read through an in-memory ShardSource. */
function syntheticBundle(tensors: { key: string; dtype: number; dims: number[]; data: Uint8Array; crc?: number; extra?: object }[], header: object = {}): TensorBundle {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const rows: [string, Uint8Array][] = [['', encodeTfMessage('BundleHeaderProto', { num_shards: 1, version: { producer: 1 }, ...header })]];
  for (const t of [...tensors].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const entry = { dtype: t.dtype, shape: { dim: t.dims.map((size) => ({ size })) }, offset, size: t.data.length, crc32c: t.crc ?? maskCrc32c(crc32c(t.data)), ...t.extra };
    rows.push([t.key, encodeTfMessage('BundleEntryProto', entry)]);
    chunks.push(t.data);
    offset += t.data.length;
  }
  const shard = Buffer.concat(chunks);
  const source: ShardSource = { names: ['mem.data-00000-of-00001'], read: (_id, o, n) => shard.subarray(o, o + n) };
  return TensorBundle.fromIndex(writeTable(rows), 'mem.index', () => source);
}

/** DT_STRING data as TF writes it: varint lengths, masked CRC of the lengths (as uint32), the bytes. */
function stringData(strings: string[]): { data: Uint8Array; crc: number } {
  const enc = strings.map((s) => new TextEncoder().encode(s));
  const lens: number[] = [];
  let crc = 0;
  for (const s of enc) {
    let n = s.length;
    while (n >= 0x80) {
      lens.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    lens.push(n);
    crc = crc32c(new Uint8Array(new Uint32Array([s.length]).buffer), crc);
  }
  const check = new Uint8Array(new Uint32Array([maskCrc32c(crc)]).buffer);
  crc = crc32c(check, crc);
  for (const s of enc) crc = crc32c(s, crc);
  return { data: Buffer.concat([Uint8Array.from(lens), check, ...enc]), crc: maskCrc32c(crc) };
}

describe('synthetic bundles', () => {
  it('reads string tensors with several elements, long strings included', () => {
    const strings = ['', 'a', 'x'.repeat(300), 'äöü'];
    const s = stringData(strings);
    const b = syntheticBundle([{ key: 's', dtype: 7, dims: [2, 2], data: s.data, crc: s.crc }]);
    expect((b.tensor('s') as StringTensor).texts()).toEqual(strings);
    const bad = syntheticBundle([{ key: 's', dtype: 7, dims: [2, 2], data: s.data, crc: s.crc ^ 1 }]);
    expect(() => bad.tensor('s')).toThrow(/checksum mismatch/);
    const broken = new Uint8Array(s.data);
    broken[1]! ^= 1; // a length
    expect(() => syntheticBundle([{ key: 's', dtype: 7, dims: [2, 2], data: broken, crc: s.crc }]).tensor('s')).toThrow(/checksum of the lengths mismatch/);
  });

  it('reads half, int4 (one element per byte) and complex tensors', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer);
    const int4 = Int8Array.from([-8, 7, 1]);
    const cplx = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const b = syntheticBundle([
      { key: 'h', dtype: 19, dims: [2], data: half },
      { key: 'i4', dtype: 29, dims: [3], data: new Uint8Array(int4.buffer) },
      { key: 'c', dtype: 8, dims: [2], data: cplx },
    ]);
    expect(b.tensor('h').dtype).toBe(DataType.FLOAT16);
    expect(Array.from(b.tensor('h').toArray() as Uint16Array)).toEqual([0x3c00, 0xc000]);
    expect(Array.from(b.tensor('i4').toArray() as Int8Array)).toEqual([-8, 7, 1]);
    expect(b.tensor('i4').bytes()).toEqual(Uint8Array.from([0x78, 0x01])); // packed two per byte in the IR
    expect(Array.from(b.tensor('c').toArray() as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('refuses what it cannot read, each with one clear FormatError', () => {
    const f = new Uint8Array(4);
    expect(() => syntheticBundle([{ key: 'v', dtype: 1, dims: [2], data: f }]).tensor('v')).toThrow(/has 4 bytes, but DT_FLOAT \[2\] needs 8/);
    expect(() => syntheticBundle([{ key: 'r', dtype: 20, dims: [], data: f }]).tensor('r')).toThrow(/DT_RESOURCE are not supported/);
    expect(() => syntheticBundle([{ key: 'p', dtype: 1, dims: [2], data: f, extra: { slices: [{ extent: [{ start: 0, length: 1 }] }] } }]).tensor('p')).toThrow(/partitioned variable/);
    expect(() => syntheticBundle([{ key: 'v', dtype: 1, dims: [1], data: f, extra: { shard_id: 3 } }]).tensor('v')).toThrow(/data shard 3, but the bundle has 1/);
    expect(() => syntheticBundle([], { endianness: 1 })).toThrow(/big-endian/);
    expect(() => syntheticBundle([], { version: { producer: 2, min_consumer: 2 } })).toThrow(/newer TensorFlow/);
    expect(() => syntheticBundle([{ key: 'v', dtype: 1, dims: [1], data: f }]).tensor('nope')).toThrow(/has no tensor "nope"/);
    expect(syntheticBundle([]).objectGraph()).toBeUndefined();
    expect(() => TensorBundle.fromIndex(writeTable([['a', new Uint8Array(0)]]), 'x.index', () => ({ names: [], read: () => new Uint8Array(0) }))).toThrow(/no bundle header/);
    const garbage = syntheticBundle([{ key: OBJECT_GRAPH_KEY, dtype: 1, dims: [1], data: f }]);
    expect(() => garbage.objectGraph()).toThrow(/not a string scalar/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function catchError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    return e as FormatError;
  }
  throw new Error('expected an error');
}
