/**
 * Hostile and broken archives: each gives a typed error naming the file, and through the CLI
 * (`onnxbridge convert`) exit code 2 with one line on stderr. Built from the mlp fixture's own bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../../../cli/io.js';
import { main } from '../../../../cli/main.js';
import { openZipArchive } from '../../../formats/torch/zip-archive.js';
import { BridgeError, FormatError, UsageError } from '../../../ir/errors.js';
import { importTorchScript } from './index.js';
import { FIXTURES, mlpWith, rewriteFixture } from './test-archives.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ts-security-'));
const MLP = `${FIXTURES}/mlp/model.pt`;

function replaceBytes(data: Uint8Array, from: string, to: string): Uint8Array {
  const hay = Buffer.from(data);
  const at = hay.indexOf(from, 0, 'latin1');
  if (at < 0) throw new Error(`${JSON.stringify(from)} not found`);
  return Buffer.concat([hay.subarray(0, at), Buffer.from(to, 'latin1'), hay.subarray(at + from.length)]);
}

async function write(name: string, bytes: Uint8Array | Promise<Uint8Array>): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, await bytes);
  return file;
}

async function importError(file: string): Promise<BridgeError> {
  try {
    await importTorchScript(file);
  } catch (e) {
    if (e instanceof BridgeError) return e;
    throw e;
  }
  throw new Error(`${file} imported`);
}

/** Runs `onnxbridge convert <file>`; returns the exit code and stderr. */
async function cli(file: string): Promise<{ code: number; stderr: string }> {
  const io = bufferIO();
  const code = await main(['convert', file, '-o', path.join(dir, 'out.onnx')], io);
  return { code, stderr: io.stderr };
}

describe('hostile and broken TorchScript archives', async () => {
  const dataPkl = (await openZipArchive(readFileSync(MLP), MLP)).read('data.pkl');
  const cases: { name: string; bytes: Promise<Uint8Array> | Uint8Array; error: typeof BridgeError; message: RegExp }[] = [
    {
      // The root object's class global replaced by os.system: refused at the GLOBAL opcode, nothing runs.
      name: 'os-system.pt',
      bytes: rewriteFixture('mlp', { 'data.pkl': replaceBytes(dataPkl, 'c__torch__.nets_vision\nMlp\n', 'cos\nsystem\n') }),
      error: FormatError,
      message: /pickle global os\.system is not allowed/,
    },
    { name: 'truncated.pt', bytes: readFileSync(MLP).subarray(0, 9000), error: FormatError, message: /truncated/ },
    {
      name: 'truncated-pickle.pt',
      bytes: rewriteFixture('mlp', { 'data.pkl': dataPkl.subarray(0, dataPkl.length - 40) }),
      error: FormatError,
      message: /data\.pkl/,
    },
    {
      name: 'dot-dot.pt',
      bytes: rewriteFixture('mlp', {}, [{ name: 'model/../../evil.py', data: 'import os' }]),
      error: FormatError,
      message: /\.\.\//,
    },
  ];

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of cases) {
    it(`${c.name}: a ${c.error.name} naming the file, and exit code 2 with one line from the CLI`, async () => {
      const file = await write(c.name, c.bytes);
      const e = await importError(file);
      expect(e).toBeInstanceOf(c.error);
      expect(e.message).toMatch(c.message);
      expect(e.message.startsWith(file)).toBe(true);
      const { code, stderr } = await cli(file);
      expect(code).toBe(2);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(file);
    });
  }

  it('an op the ATen table does not map: every unsupported op at once, exit code 2', async () => {
    const file = await write('unmapped.pt', mlpWith('  def forward(self: __torch__.nets_vision.Mlp,\n    x: Tensor) -> Tensor:\n    return torch.frobnicate(torch.frobnicate(torch.twiddle(x)))'));
    const { code, stderr } = await cli(file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: 2 unsupported ops:`);
    expect(stderr).toMatch(/aten::frobnicate x2 .*\n.*aten::twiddle x1/);
  });

  it('a .pt2 archive or a missing file is not a TorchScript archive', async () => {
    const e = await importError(`${FIXTURES}/mlp/model.pt2`);
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/not a TorchScript archive: it is a torch\.export/);
    expect(await importError(path.join(dir, 'nope.pt'))).toBeInstanceOf(UsageError);
  });
});
