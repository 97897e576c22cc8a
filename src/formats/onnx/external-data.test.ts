import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { decodeModelProto, encodeModelProto } from './codec.js';
import {
  ExternalDataWriter,
  markExternal,
  parseExternalData,
  readExternalBytes,
  type ExternalDataInfo,
} from './external-data.js';
import type { TensorProto } from './generated/onnx-types.js';

const ext = (entries: Record<string, string>, name = 'w'): TensorProto => ({
  name,
  data_location: 1,
  external_data: Object.entries(entries).map(([key, value]) => ({ key, value })),
});

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw new Error(`expected a FormatError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a FormatError');
}

describe('parseExternalData', () => {
  it('reads location, offset, length, checksum and keeps other keys in order', () => {
    const info = parseExternalData(ext({ location: 'sub/./w.bin', offset: '4096', length: '0012', checksum: 'AB', basepath: '.' }));
    expect(info).toEqual({
      tensorName: 'w',
      location: 'sub/w.bin',
      offset: 4096,
      length: 12,
      checksum: 'AB',
      extra: [['basepath', '.']],
    });
    expect(parseExternalData(ext({ location: 'a/../w.bin' }))).toMatchObject({ location: 'w.bin', offset: 0, length: undefined });
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['no location', { offset: '0' }, /has no "location" entry/],
    ['empty location', { location: '' }, /is empty/],
    ['absolute path', { location: '/etc/passwd' }, /is absolute/],
    ['.. escape', { location: '../secret.bin' }, /leaves the model's folder/],
    ['.. after a folder', { location: 'a/../../secret.bin' }, /leaves the model's folder/],
    ['bare ..', { location: '..' }, /leaves the model's folder/],
    ['backslash escape', { location: '..\\secret.bin' }, /backslash/],
    ['backslash inside', { location: 'a\\b.bin' }, /backslash/],
    ['drive letter', { location: 'C:/w.bin' }, /Windows drive/],
    ['the folder itself', { location: './' }, /names a folder/],
    ['NUL', { location: 'w.bin\0.txt' }, /NUL/],
    ['negative offset', { location: 'w.bin', offset: '-1' }, /offset "-1" is not a non-negative decimal integer/],
    ['exponent', { location: 'w.bin', length: '1e3' }, /length "1e3" is not/],
    ['hex', { location: 'w.bin', offset: '0x10' }, /offset "0x10" is not/],
    ['spaces', { location: 'w.bin', offset: ' 1' }, /offset " 1" is not/],
    ['empty number', { location: 'w.bin', length: '' }, /length "" is not/],
    ['beyond 2^53', { location: 'w.bin', offset: '18446744073709551616' }, /too large/],
  ];
  for (const [what, entries, message] of bad) {
    it(`rejects ${what}`, () => {
      const e = formatError(() => parseExternalData(ext(entries, 'conv.weight'), 'model.onnx'));
      expect(e.message).toMatch(/^model\.onnx: external data of tensor "conv\.weight": /);
      expect(e.message).toMatch(message);
    });
  }

  it('rejects duplicate keys and tensors not marked EXTERNAL', () => {
    const dup: TensorProto = { name: 'w', data_location: 1, external_data: [{ key: 'location', value: 'a' }, { key: 'location', value: 'b' }] };
    expect(formatError(() => parseExternalData(dup)).message).toMatch(/"location" appears twice/);
    expect(formatError(() => parseExternalData({ name: 'w', external_data: [{ key: 'location', value: 'a' }] })).message).toMatch(
      /not marked data_location = EXTERNAL/,
    );
  });
});

describe('reading and writing data files', () => {
  let dir: string; // the model's folder
  let outside: string; // a folder next to it
  const a = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
  const b = new Uint8Array([1, 2, 3]);
  let entriesA: ReturnType<ExternalDataWriter['append']>;
  let entriesB: ReturnType<ExternalDataWriter['append']>;

  beforeAll(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-ext-'));
    dir = path.join(root, 'model');
    outside = path.join(root, 'outside');
    fs.mkdirSync(dir);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(100));
    const w = ExternalDataWriter.open(dir, 'weights/data.bin');
    entriesA = w.append(a);
    entriesB = w.append((function* () { yield b.subarray(0, 1); yield b.subarray(1); })()); // streamed in chunks
    w.close();
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  const info = (entries: Record<string, string>): ExternalDataInfo => parseExternalData(ext(entries, 'w'), 'model.onnx');

  it('writes each tensor at a multiple of 4096 and reads it back into its own exact buffer', () => {
    expect(entriesA).toEqual([{ key: 'location', value: 'weights/data.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '5000' }]);
    expect(entriesB[1]).toEqual({ key: 'offset', value: '8192' });
    expect(fs.statSync(path.join(dir, 'weights/data.bin')).size).toBe(8195);
    const t: TensorProto = { name: 'b', dims: [3], data_type: 2, raw_data: b };
    markExternal(t, entriesB);
    const model = decodeModelProto(encodeModelProto({ ir_version: 10, graph: { initializer: [t] } }));
    const back = readExternalBytes(dir, parseExternalData(model.graph!.initializer![0]!), 3);
    expect(back).toEqual(b);
    expect([back.byteOffset, back.buffer.byteLength]).toEqual([0, 3]);
    expect(readExternalBytes(dir, info(Object.fromEntries(entriesA.map((e) => [e.key!, e.value!]))), 5000)).toEqual(a);
  });

  it('without a length entry reads the expected size, or else to the end of the file', () => {
    expect(readExternalBytes(dir, info({ location: 'weights/data.bin', offset: '8192' }), 2)).toEqual(new Uint8Array([1, 2]));
    expect(readExternalBytes(dir, info({ location: 'weights/data.bin', offset: '8192' }))).toEqual(b);
  });

  it('appends to an existing file at the next aligned offset', () => {
    const w = ExternalDataWriter.open(dir, 'more.bin', { alignment: 64 });
    w.append(new Uint8Array(10));
    w.close();
    const again = ExternalDataWriter.open(dir, 'more.bin', { alignment: 64, append: true });
    expect(again.append(new Uint8Array([7]))[1]).toEqual({ key: 'offset', value: '64' });
    again.close();
    expect(() => again.append(b)).toThrow(/closed/);
  });

  it('rejects offsets and lengths past the end of the file, and a length that disagrees with the tensor', () => {
    const loc = 'weights/data.bin';
    expect(formatError(() => readExternalBytes(dir, info({ location: loc, offset: '9000' }), 1)).message).toMatch(
      /offset 9000 is past the end of the 8195-byte data file "weights\/data.bin"/,
    );
    expect(formatError(() => readExternalBytes(dir, info({ location: loc, offset: '8192', length: '4' }), 4)).message).toMatch(
      /bytes 8192\.\.8196 run past the end of the 8195-byte data file/,
    );
    expect(formatError(() => readExternalBytes(dir, info({ location: loc, length: '4' }), 8)).message).toMatch(
      /length 4 differs from the 8 bytes/,
    );
  });

  it('rejects missing files, folders, and symlinks that lead out of the folder', () => {
    expect(formatError(() => readExternalBytes(dir, info({ location: 'nope.bin' }))).message).toMatch(/not found/);
    expect(formatError(() => readExternalBytes(dir, info({ location: 'weights' }))).message).toMatch(/not a regular file/);
    fs.symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin'));
    fs.symlinkSync(outside, path.join(dir, 'linkdir'));
    fs.symlinkSync('weights/data.bin', path.join(dir, 'inside-link.bin'));
    expect(formatError(() => readExternalBytes(dir, info({ location: 'link.bin' }))).message).toMatch(/outside the model's folder/);
    expect(formatError(() => readExternalBytes(dir, info({ location: 'linkdir/secret.bin' }))).message).toMatch(/outside/);
    expect(readExternalBytes(dir, info({ location: 'inside-link.bin', offset: '8192' }))).toEqual(b);
    expect(() => ExternalDataWriter.open(dir, 'linkdir/new.bin')).toThrow(/symlink out of the folder/);
    expect(() => ExternalDataWriter.open(dir, '../escape.bin')).toThrow(/leaves the model's folder/);
  });

  it('refuses a FIFO instead of blocking on it', () => {
    const r = spawnSync('mkfifo', [path.join(dir, 'fifo.bin')]);
    if (r.status !== 0) return; // no mkfifo on this system
    expect(formatError(() => readExternalBytes(dir, info({ location: 'fifo.bin' }))).message).toMatch(/not a regular file/);
  });

  it('verifies the SHA1 checksum of the whole file on request', () => {
    const sha1 = createHash('sha1').update(fs.readFileSync(path.join(dir, 'weights/data.bin'))).digest('hex');
    const good = info({ location: 'weights/data.bin', offset: '8192', length: '3', checksum: sha1.toUpperCase() });
    expect(readExternalBytes(dir, good, 3, { verifyChecksum: true })).toEqual(b);
    const whole = info({ location: 'weights/data.bin', checksum: sha1 });
    expect(readExternalBytes(dir, whole, undefined, { verifyChecksum: true }).length).toBe(8195);
    const wrong = info({ location: 'weights/data.bin', offset: '8192', length: '3', checksum: '0'.repeat(40) });
    expect(readExternalBytes(dir, wrong, 3)).toEqual(b); // not checked unless asked
    expect(formatError(() => readExternalBytes(dir, wrong, 3, { verifyChecksum: true, modelFile: 'm.onnx' })).message).toMatch(
      /^m\.onnx: external data of tensor "w": SHA1 of data file "weights\/data.bin" is [0-9a-f]{40}, but the checksum entry says 0{40}/,
    );
  });
});
