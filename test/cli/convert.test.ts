/**
 * `onnxbridge convert` end to end on the real PyTorch fixtures: parity tables and exit codes, and the
 * artifacts it must refuse with one clear line and exit code 2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../cli/io.js';
import { main } from '../../cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TORCH = path.join(ROOT, 'fixtures/torch');
const BAD = path.join(ROOT, 'fixtures/torch-bad/unsupported-ops');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-convert-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('onnxbridge convert --check', () => {
  it.each(['model.pt', 'model.pt2'])('converts the CNN fixture (%s) and prints a passing parity table', async (artifact) => {
    const out = path.join(tmp, `cnn-${artifact}.onnx`);
    const r = await run('convert', path.join(TORCH, 'cnn-bn-pool', artifact), '-o', out, '--check');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/test_data_set_0\n.*output.*max abs.*max rel.*mismatches.*cosine/);
    expect(r.stdout).toMatch(/test_data_set_1/);
    expect(r.stdout).toMatch(/parity: ok/);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('exits 1 and says which outputs fail when the tolerance is impossible', async () => {
    const r = await run('convert', path.join(TORCH, 'mlp', 'model.pt2'), '-o', path.join(tmp, 'mlp.onnx'), '--check', '--rtol', '0', '--atol', '0', '--json');
    const j = JSON.parse(r.stdout);
    // A float32 conversion that matches bit for bit would exit 0; the MLP's matmuls do not.
    if (j.parity.ok) expect(r.code).toBe(0);
    else {
      expect(r.code).toBe(1);
      expect(j.ok).toBe(false);
      expect(j.parity.sets[0].outputs[0]).toMatchObject({ rtol: 0, atol: 0, ok: false });
    }
  });
});

describe('convert refuses what it cannot do, with exit code 2', () => {
  it.each(['model.pt', 'model.pt2'])('lists every unsupported op of %s at once, with counts', async (artifact) => {
    const r = await run('convert', path.join(BAD, artifact), '-o', path.join(tmp, 'bad.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 unsupported ops:/);
    expect(r.stderr).toMatch(/aten::erfinv\S* x2/);
    expect(r.stderr).toMatch(/aten::lgamma\S* x1/);
    expect(r.stderr).toMatch(/aten::digamma\S* x1/);
    expect(fs.existsSync(path.join(tmp, 'bad.onnx'))).toBe(false);
  });

  it('a truncated archive', async () => {
    const bytes = fs.readFileSync(path.join(TORCH, 'mlp', 'model.pt2'));
    const cut = path.join(tmp, 'cut.pt2');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 200));
    const r = await run('convert', cut);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cut\.pt2/);
  });

  it('an unknown --input-shape name and a bad --opset', async () => {
    const pt2 = path.join(TORCH, 'mlp', 'model.pt2');
    const a = await run('convert', pt2, '-o', path.join(tmp, 'x.onnx'), '--input-shape', 'nope:1x16');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/no input "nope"/);
    const b = await run('convert', pt2, '-o', path.join(tmp, 'x.onnx'), '--opset', '99');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--opset must be between 13 and 23/);
  });

  it('never writes over its input', async () => {
    const onnx = path.join(ROOT, 'fixtures/onnx/small-cnn/model.onnx');
    const before = fs.readFileSync(onnx);
    const r = await run('convert', onnx, '-o', onnx);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(onnx).equals(before)).toBe(true);
  });
});
