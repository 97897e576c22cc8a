import fs from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { makeZip } from './testdata/make-zip.js';
import { openZipArchive } from './zip-archive.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const testdata = (name: string): Uint8Array => fs.readFileSync(path.join(here, 'testdata', name));
const expected = JSON.parse(fs.readFileSync(path.join(here, 'testdata', 'expected.json'), 'utf8')) as {
  archives: Record<string, string[]>;
};

async function formatError(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw new Error(`expected a FormatError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a FormatError, but it opened');
}

describe('real PyTorch archives (torch 2.13)', () => {
  it('lists a TorchScript archive from the central directory, relative to its top folder', async () => {
    const bytes = testdata('tiny.pt');
    const zip = await openZipArchive(bytes, 'tiny.pt');
    expect(zip.root).toBe('tiny/');
    expect(zip.list()).toEqual(expected.archives['tiny.pt']!.map((n) => n.slice('tiny/'.length)));
    expect(zip.has('data.pkl')).toBe(true);
    expect(zip.has('tiny/data.pkl')).toBe(false);
  });

  it('returns stored entries as 64-byte-aligned views of the file, without copying', async () => {
    const bytes = testdata('tiny.pt');
    const zip = await openZipArchive(bytes, 'tiny.pt');
    for (const rel of ['data/0', 'data/12', 'data.pkl', 'constants/0']) {
      const e = zip.entry(rel)!;
      expect(e.method).toBe(0);
      expect(e.dataOffset % 64).toBe(0); // the "FB" padding extra field at work
      const data = zip.read(rel);
      expect(data.buffer).toBe(bytes.buffer);
      expect(data.byteOffset).toBe(bytes.byteOffset + e.dataOffset);
      expect(data.byteLength).toBe(e.uncompressedSize);
    }
    expect(zip.read('data.pkl')[0]).toBe(0x80); // PROTO
  });

  it('inflates deflated code records and checks their CRC', async () => {
    const zip = await openZipArchive(testdata('tiny.pt'), 'tiny.pt');
    expect(zip.entry('code/__torch__.py')!.method).toBe(8);
    const code = zip.readText('code/__torch__.py');
    expect(code).toContain('class TinyNet(Module):');
    expect(code).toContain('def forward(self: __torch__.TinyNet,');
    expect(zip.readText('byteorder')).toBe('little');
  });

  it('opens a .pt2 package and a torch.save file', async () => {
    const pt2 = await openZipArchive(testdata('tiny.pt2'), 'tiny.pt2');
    expect(pt2.list()).toContain('models/model.json');
    expect(pt2.readText('archive_format')).toBe('pt2');
    expect(JSON.parse(pt2.readText('models/model.json'))).toHaveProperty('graph_module');
    const saved = await openZipArchive(testdata('state.pt'), 'state.pt');
    expect(saved.root).toBe('state/');
    expect(saved.readText('.storage_alignment')).toBe('64');
  });
});

describe('hand-made archives', () => {
  it('reads flat names, ZIP64 end records and deflated entries', async () => {
    const bytes = makeZip(
      [
        { name: 'a.txt', data: 'hello' },
        { name: 'b/c.txt', data: 'x'.repeat(1000), method: 8 },
      ],
      { zip64: true },
    );
    const zip = await openZipArchive(bytes, 'flat.zip');
    expect(zip.root).toBe('');
    expect(zip.list()).toEqual(['a.txt', 'b/c.txt']);
    expect(zip.readText('b/c.txt')).toBe('x'.repeat(1000));
  });

  it('skips folder records', async () => {
    const zip = await openZipArchive(makeZip([{ name: 'top/', data: '' }, { name: 'top/a', data: '1' }]), 'f.zip');
    expect(zip.list()).toEqual(['a']);
  });

  it('names a missing entry', () => {
    return openZipArchive(makeZip([{ name: 'top/a', data: '1' }]), 'f.zip').then((zip) => {
      expect(() => zip.read('b')).toThrow(/f\.zip: no entry "b" in the archive/);
    });
  });
});

describe('broken and hostile archives: a FormatError naming the file and the entry', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a ../ entry', makeZip([{ name: 'archive/data.pkl', data: '' }, { name: '../evil', data: 'x' }]), /evil\.zip: .*(relative path|\.\.).*\.\.\/evil/],
    ['a nested ../ entry', makeZip([{ name: 'archive/../../etc/passwd', data: 'x' }]), /evil\.zip: .*etc\/passwd/],
    ['an absolute name', makeZip([{ name: '/etc/passwd', data: 'x' }]), /evil\.zip: .*absolute path: \/etc\/passwd/],
    ['a drive-letter name', makeZip([{ name: 'C:/x', data: 'x' }]), /evil\.zip: .*absolute path/],
    ['a backslash', makeZip([{ name: 'archive\\..\\evil', data: 'x' }]), /evil\.zip: .*invalid characters/],
    ['a NUL byte', makeZip([{ name: 'archive/a\0b', data: 'x' }]), /evil\.zip, archive\/a\0b: entry name contains a NUL byte/],
    ['a duplicate name', makeZip([{ name: 'a/x', data: '1' }, { name: 'a/x', data: '2' }]), /evil\.zip, a\/x: duplicate entry name/],
    ['an unsupported method', makeZip([{ name: 'a/x', data: 'abc', method: 12 }]), /evil\.zip, a\/x: unsupported compression method 12/],
    ['a stored entry with two sizes', makeZip([{ name: 'a/x', data: 'abc', uncompressedSize: 99 }]), /evil\.zip, a\/x: stored entry with different sizes \(3 stored, 99 declared\)/],
    ['an encrypted entry', makeZip([{ name: 'a/x', data: 'abc', flags: 0x0801 }]), /evil\.zip, a\/x: encrypted entry/],
    [
      'data past the end of the file',
      makeZip([{ name: 'a/x', data: 'abc', compressedSize: 1 << 20, uncompressedSize: 1 << 20 }]),
      /evil\.zip, a\/x: .*past the end of the file.*overflows/,
    ],
    ['no end record', new TextEncoder().encode('not a zip at all, just text'), /evil\.zip: not a zip archive, or a truncated one/],
    ['an empty file', new Uint8Array(0), /evil\.zip: not a zip archive/],
    ['no entries', makeZip([]), /evil\.zip: the zip archive has no entries/],
    [
      'a legacy PYTORCH1 file',
      new TextEncoder().encode('PYTORCH1\0\0\0\0 and more'),
      /evil\.zip: a legacy PyTorch archive \(magic PYTORCH1/,
    ],
    [
      'a declared inflated size over 1 GiB',
      makeZip([{ name: 'a/x', data: 'abc', method: 8, uncompressedSize: 2 ** 31 }]),
      /evil\.zip, a\/x: declares 2147483648 inflated bytes/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, async () => {
      const err = await formatError(openZipArchive(bytes, 'evil.zip'));
      expect(err.message).toMatch(message);
      expect(err.file).toBe('evil.zip');
    });
  }

  it('rejects a truncated real archive', async () => {
    const bytes = testdata('tiny.pt');
    for (const keep of [bytes.length - 1, bytes.length - 30, Math.floor(bytes.length / 2), 100]) {
      const err = await formatError(openZipArchive(bytes.subarray(0, keep), 'cut.pt'));
      expect(err.message).toMatch(/^cut\.pt: not a zip archive, or a truncated one/);
    }
  });

  it('rejects entries whose total inflated size is out of proportion to the file (zip bomb)', async () => {
    const zeros = new Uint8Array(4 << 20);
    const bytes = makeZip([{ name: 'a/bomb', data: zeros, method: 8 }]);
    expect(bytes.length).toBeLessThan(zeros.length / 64);
    const limits = { maxEntryBytes: 1 << 30, maxRatio: 64, minTotalBytes: 0 };
    const err = await formatError(openZipArchive(bytes, 'bomb.zip', limits));
    expect(err.message).toMatch(/bomb\.zip, a\/bomb: .*refusing a likely zip bomb/);
  });

  it('never inflates past the declared size, and checks CRC-32', async () => {
    const data = new Uint8Array(100_000).fill(7);
    const lying = makeZip([{ name: 'a/x', data, method: 8, uncompressedSize: 1000 }]);
    const zip = await openZipArchive(lying, 'lie.zip');
    expect(() => zip.read('x')).toThrow(/lie\.zip, a\/x: corrupt deflated data/);

    const badCrc = await openZipArchive(makeZip([{ name: 'a/x', data: 'hello world', method: 8, crc: 1234 }]), 'crc.zip');
    expect(() => badCrc.read('x')).toThrow(/crc\.zip, a\/x: CRC-32 mismatch/);

    const garbage = deflateRawSync(Buffer.from('abc')).subarray(0, 1);
    const corrupt = makeZip([{ name: 'a/x', data: 'abc', method: 8 }]);
    corrupt.set(garbage, 30 + 3); // overwrite the start of the deflate stream
    corrupt[30 + 3] = 0xff;
    const c = await openZipArchive(corrupt, 'bad.zip');
    expect(() => c.read('x')).toThrow(FormatError);
  });
});
