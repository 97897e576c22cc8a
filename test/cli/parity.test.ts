/**
 * `onnxbridge run` and `onnxbridge parity` end to end: the ONNX fixture with its recorded reference, a
 * PyTorch fixture converted here, seeded random inputs, a perturbed reference (exit 1), the JSON report
 * against its published schema, and inputs that do not fit the model (exit 2, one line naming the input).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { convert } from '../../src/api/convert.js';
import { decodeTensorProto, encodeTensorProto } from '../../src/formats/onnx/codec.js';
import { validateReport } from '../../src/parity/report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CNN_DIR = path.join(ROOT, 'fixtures/onnx/small-cnn');
const CNN = path.join(CNN_DIR, 'model.onnx');
const SET0 = path.join(CNN_DIR, 'test_data_set_0');
const MLP_DIR = path.join(ROOT, 'fixtures/torch/mlp');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-parity-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** One line on stderr, naming what is wrong, no stack. */
function expectOneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('onnxbridge run', () => {
  it('runs the CNN on its recorded inputs and prints each output with stats', async () => {
    const r = await cli('run', CNN, '--inputs', SET0);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on onnxruntime \(inputs .*test_data_set_0\)/);
    expect(r.stdout).toMatch(/probs\s+float\s+\[2,10\]\s+min \S+\s+max \S+\s+mean \S+/);
  });

  it('gives identical random inputs and outputs for one seed, other ones for another, and says how it filled the symbolic batch dim', async () => {
    const a = JSON.parse((await cli('run', CNN, '--random', '--seed', '7', '--json')).stdout);
    const b = JSON.parse((await cli('run', CNN, '--random', '--seed', '7', '--json')).stdout);
    const c = JSON.parse((await cli('run', CNN, '--random', '--seed', '8', '--json')).stdout);
    expect(a).toEqual(b);
    expect(a.inputs).toEqual([{ name: 'input', dtype: 'float', shape: [1, 3, 16, 16] }]);
    expect(a.outputs[0]).toMatchObject({ name: 'probs', dtype: 'float', shape: [1, 10] });
    expect(a.outputs[0].stats).not.toEqual(c.outputs[0].stats);
    expect(a.notes.join('\n')).toMatch(/dim 0 \(N\) is symbolic; used 1/);
    const big = JSON.parse((await cli('run', CNN, '--random', '--input-shape', 'input:4x3x16x16', '--json')).stdout);
    expect(big.outputs[0].shape).toEqual([4, 10]);
    expect(big.notes).toEqual([]);
  });

  it('--threads on the cpu backend gives the one-thread outputs; --threads 0 is a usage error', async () => {
    const one = JSON.parse((await cli('run', CNN, '--backend', 'cpu', '--random', '--seed', '2', '--json')).stdout);
    const two = await cli('run', CNN, '--backend', 'cpu', '--threads', '2', '--random', '--seed', '2', '--json');
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout).outputs).toEqual(one.outputs);
    expectOneLine(await cli('run', CNN, '--backend', 'cpu', '--threads', '0'), /intra-op threads must be an integer >= 1, got 0/);
  });

  it('saves input_N.pb/output_N.pb that parity then accepts as a reference', async () => {
    const dir = path.join(tmp, 'saved');
    const r = await cli('run', CNN, '--random', '--seed', '3', '--save', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['input_0.pb', 'output_0.pb']);
    expect(decodeTensorProto(fs.readFileSync(path.join(dir, 'output_0.pb'))).name).toBe('probs');
    const p = await cli('parity', CNN, '--against', dir);
    expect(p.code, p.stdout + p.stderr).toBe(0);
  });
});

describe('onnxbridge parity', () => {
  it('matches the recorded PyTorch reference of the CNN and prints the table', async () => {
    const r = await cli('parity', CNN, '--against', CNN_DIR);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test_data_set_0\noutput\s+shape\s+max abs\s+max rel\s+mismatches\s+cosine/);
    expect(r.stdout).toMatch(/probs\s+\[2,10\]\s+\S+\s+\S+\s+0\/20\s+1\.0000\d+|probs\s+\[2,10\]\s+\S+\s+\S+\s+0\/20\s+0\.99999\d/);
    expect(r.stdout).toMatch(/1e-4\/0\.000001|0\.0001\/0\.000001|0\.0001\/1e-6/);
    expect(r.stdout).toMatch(/parity: ok against .*small-cnn/);
  });

  it('prints a JSON report that validates against report.schema.json', async () => {
    const r = await cli('parity', CNN, '--against', CNN_DIR, '--json');
    expect(r.code).toBe(0);
    const report = validateReport(JSON.parse(r.stdout));
    expect(report).toMatchObject({ version: 1, backend: 'onnxruntime', againstKind: 'reference', inputs: { source: 'reference' }, ok: true });
    expect(report.sets[0]!.inputs).toEqual([{ name: 'input', dtype: 'float', shape: [2, 3, 16, 16] }]);
    expect(report.sets[0]!.outputs[0]).toMatchObject({ name: 'probs', dtype: 'float', rtol: 1e-4, atol: 1e-6, mismatches: 0, ok: true });
  });

  it('exits 1 on a perturbed reference and counts the mismatches', async () => {
    const dir = path.join(tmp, 'perturbed');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(SET0, 'input_0.pb'), path.join(dir, 'input_0.pb'));
    const out = decodeTensorProto(fs.readFileSync(path.join(SET0, 'output_0.pb')));
    const raw = Buffer.from(out.raw_data!);
    raw.writeFloatLE(raw.readFloatLE(4) + 0.25, 4);
    out.raw_data = raw;
    fs.writeFileSync(path.join(dir, 'output_0.pb'), encodeTensorProto(out));
    const r = await cli('parity', CNN, '--against', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/probs\s+\[2,10\].*1\/20.*FAIL/);
    expect(r.stdout).toMatch(/parity: 1 output out of tolerance/);
    const j = validateReport(JSON.parse((await cli('parity', CNN, '--against', dir, '--json')).stdout));
    expect(j.ok).toBe(false);
    expect(j.sets[0]!.outputs[0]!.maxAbsError).toBeGreaterThan(0.24);
  });

  it('compares the optimised graph with the unoptimised one on seeded random inputs', async () => {
    const r = await cli('parity', CNN, '--random', '--seed', '5', '--input-shape', 'input:3x3x16x16', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = validateReport(JSON.parse(r.stdout));
    expect(j).toMatchObject({ against: 'onnxruntime (optimization disabled)', againstKind: 'onnxruntime', inputs: { source: 'random', seed: 5 }, ok: true });
    expect(j.sets[0]!.outputs[0]!.shape).toEqual([3, 10]);
    expect(j.sets[0]!.outputs[0]!.cosine).toBeGreaterThan(0.999999);
    const text = await cli('parity', CNN);
    expect(text.stdout).toMatch(/note: no --inputs given: random inputs, seed 0/);
    expect(text.stdout).toMatch(/random inputs \(seed 0\)/);
  });

  it('runs our CPU engine, or lists every op it cannot run yet (exit 2)', async () => {
    // The engine (src/runtime) grows op by op; until it covers the CNN this pins the refusal's form.
    for (const argv of [['parity', CNN, '--against', 'cpu', '--json'], ['run', CNN, '--backend', 'cpu']]) {
      const r = await cli(...argv);
      if (r.code === 2) expect(r.stderr).toMatch(/^error: \d+ unsupported ops?:\n {2}\w+ x\d+/);
      else expect([0, 1], r.stderr).toContain(r.code);
      if (argv.includes('--json') && r.code !== 2) expect(validateReport(JSON.parse(r.stdout)).againstKind).toBe('cpu');
    }
    expectOneLine(await cli('parity', CNN, '--against', 'cpu', '--backend', 'cpu'), /compares the CPU engine with itself/);
  });
});

describe('a PyTorch fixture converted here', () => {
  const onnx = path.join(tmp, 'mlp.onnx');
  beforeAll(async () => {
    await convert(path.join(MLP_DIR, 'model.pt2'), { output: onnx });
  });

  it.each(['test_data_set_0', 'test_data_set_1'])('matches PyTorch on %s', async (set) => {
    const r = await cli('parity', onnx, '--against', path.join(MLP_DIR, set), '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = validateReport(JSON.parse(r.stdout));
    expect(j.sets[0]!.outputs[0]).toMatchObject({ name: 'logits', ok: true });
  });

  it('survives onnxruntime\'s optimisations and reads inputs from name=path pairs', async () => {
    const r = await cli('parity', onnx, '--inputs', `x=${path.join(MLP_DIR, 'test_data_set_1/input_0.pb')}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[3,10\]\s+\S+\s+\S+\s+0\/30/);
  });
});

describe('inputs that do not fit the model exit 2 with one line naming the input', () => {
  const json = (name: string, body: unknown): string => {
    const f = path.join(tmp, `${name}.json`);
    fs.writeFileSync(f, JSON.stringify(body));
    return f;
  };
  const zeros = (n: number): number[] => new Array<number>(n).fill(0);

  it('a missing model', async () => {
    expectOneLine(await cli('parity', path.join(tmp, 'nope.onnx')), /nope\.onnx.*no such file/);
    expectOneLine(await cli('run', path.join(tmp, 'nope.onnx')), /nope\.onnx.*no such file/);
  });

  it('an unknown input name', async () => {
    expectOneLine(await cli('run', CNN, '--inputs', `image=${path.join(SET0, 'input_0.pb')}`), /the model has no input "image" \(inputs: input\)/);
  });

  it('another dtype', async () => {
    const f = json('int', { input: { shape: [1, 3, 16, 16], data: zeros(768), dtype: 'int64' } });
    expectOneLine(await cli('parity', CNN, '--inputs', f), /input "input" is int64, the model takes float/);
  });

  it('another rank, and a fixed dim of another size', async () => {
    expectOneLine(await cli('run', CNN, '--inputs', json('rank', { input: [[1, 2, 3]] })), /input "input" has rank 2 \(\[1,3\]\), the model takes rank 4 \(\[N,3,16,16\]\)/);
    const f = json('dim', { input: { shape: [1, 4, 16, 16], data: zeros(1024) } });
    expectOneLine(await cli('run', CNN, '--inputs', f), /input "input" has shape \[1,4,16,16\], the model fixes dim 1 at 3/);
    expectOneLine(await cli('run', CNN, '--random', '--input-shape', 'input:1x4x16x16'), /dim 1 of input "input" is fixed at 3, got 4/);
  });

  it('a reference folder whose inputs do not fit', async () => {
    const dir = path.join(tmp, 'bad-ref');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(MLP_DIR, 'test_data_set_0/input_0.pb'), path.join(dir, 'input_0.pb'));
    fs.copyFileSync(path.join(SET0, 'output_0.pb'), path.join(dir, 'output_0.pb'));
    expectOneLine(await cli('parity', CNN, '--against', dir), /bad-ref: .*input "input" has rank 2/);
  });

  it('a malformed inputs file, and options that exclude each other', async () => {
    const bad = await cli('run', CNN, '--inputs', json('malformed', { input: 'zeros' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/malformed\.json: is not an inputs JSON file:\n\s+\$\.input: /);
    expectOneLine(await cli('run', CNN, '--inputs', SET0, '--random'), /--inputs and --random exclude each other/);
    expectOneLine(await cli('parity', CNN, '--against', CNN_DIR, '--random'), /do not apply with a reference folder/);
  });
});
