/**
 * The CLI end to end: commands, --help, --json, exit codes and error messages, on the shipped
 * fixtures and on broken files made here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { decodeModelProto, encodeModelProto } from '../../src/formats/onnx/codec.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CNN = path.join(ROOT, 'fixtures/onnx/small-cnn/model.onnx');
const DYNAMO = path.join(ROOT, 'fixtures/onnx/small-cnn-dynamo/model.onnx');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('onnxbridge inspect', () => {
  it('summarises a PyTorch-exported model', async () => {
    const r = await run('inspect', CNN);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IR version \d+, producer pytorch 2\.13\.0/);
    expect(r.stdout).toMatch(/input\s+float\[N,3,16,16\]/);
    expect(r.stdout).toMatch(/Conv\s+2/);
    // The TorchScript exporter folds BatchNorm into conv1: 3*8*9+8 + 8*16*9+16 + 256*10+10 = 3962.
    expect(r.stdout).toMatch(/parameters: 3\.96 K \(15\.5 KiB\) in 6 tensors/);
  });

  it('prints JSON with the documented fields', async () => {
    const r = await run('inspect', DYNAMO, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inputs).toEqual([{ name: 'input', type: expect.any(String), dtype: 'float', shape: ['N', 3, 16, 16] }]);
    expect(j.opsets.find((o: { domain: string }) => o.domain === 'ai.onnx').version).toBe(18);
    expect(j.externalData).toEqual([{ location: 'model.onnx.data', tensors: expect.any(Number), bytes: expect.any(Number) }]);
    expect(j.externalData[0].bytes).toBeGreaterThan(10_000);
    expect(j.ops.map((o: { op: string }) => o.op)).toContain('Conv');
  });
});

describe('onnxbridge validate', () => {
  it('accepts both fixtures with every node output shape inferred', async () => {
    for (const file of [CNN, DYNAMO]) {
      const r = await run('validate', file, '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.ok).toBe(true);
      expect(j.shapes.unknown).toBe(0);
      expect(j.shapes.partial).toBe(0);
    }
  });

  it('exits 1 and names the node and op when a check fails', async () => {
    const m = decodeModelProto(fs.readFileSync(CNN));
    const conv = m.graph!.node!.find((n) => n.op_type === 'Conv')!;
    conv.attribute = [...(conv.attribute ?? []), { name: 'no_such_attr', type: 2, i: 1 }];
    const bad = path.join(tmp, 'bad-attr.onnx');
    fs.writeFileSync(bad, encodeModelProto(m));
    const r = await run('validate', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`node ${JSON.stringify(conv.name)}`);
    expect(r.stdout).toMatch(/op Conv: has attribute no_such_attr/);
  });
});

describe('bad input and usage exit 2 with one clear line', () => {
  it('a missing file', async () => {
    const r = await run('inspect', path.join(tmp, 'nope.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.onnx/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a truncated file', async () => {
    const bytes = fs.readFileSync(CNN);
    const cut = path.join(tmp, 'cut.onnx');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await run('validate', cut);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*cut\.onnx/);
  });

  it('with --json, the error also goes to stdout as JSON naming the file', async () => {
    const cut = path.join(tmp, 'cut2.onnx');
    fs.writeFileSync(cut, fs.readFileSync(CNN).subarray(0, 100));
    const r = await run('inspect', cut, '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: false, error: { kind: 'FormatError', file: cut } });
  });

  it('an unknown command or option, and a missing argument', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('inspect', CNN, '--no-such-flag')).code).toBe(2);
    expect((await run('inspect')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });
});

describe('--help', () => {
  it('lists the commands and exit codes', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/inspect <model>/);
    expect(r.stdout).toMatch(/validate <model>/);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 a check failed, 2 bad input or usage/);
  });

  it('describes a command and its options', async () => {
    const r = await run('validate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--json/);
  });
});

describe('the installed binary', () => {
  it('runs through bin/onnxbridge.js with real exit codes', () => {
    const bin = path.join(ROOT, 'bin/onnxbridge.js');
    const ok = spawnSync(process.execPath, [bin, 'validate', CNN], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^valid/);
    const bad = spawnSync(process.execPath, [bin, 'inspect', path.join(tmp, 'nope.onnx')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
