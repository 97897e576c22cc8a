import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTensorProto, decodeTensorProto } from '../formats/onnx/codec.js';
import { FormatError, UsageError } from '../ir/errors.js';
import { checkWithOnnxruntime } from './check.js';
import { loadReference } from './reference.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/onnx/small-cnn/model.onnx');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-parity-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('parity against reference outputs', () => {
  it('matches PyTorch on the shipped fixture within its meta.json tolerance', async () => {
    const ref = loadReference(FIXTURE);
    expect(ref.tolerance['probs']).toEqual({ rtol: 1e-4, atol: 1e-6 });
    const report = await checkWithOnnxruntime(FIXTURE, ref);
    expect(report.ok).toBe(true);
    const row = report.sets[0]!.outputs[0]!;
    expect(row).toMatchObject({ name: 'probs', shape: [2, 10], referenceShape: [2, 10], count: 20, mismatches: 0 });
    expect(row.maxRelError).toBeLessThan(1e-4);
    expect(row.cosine).toBeGreaterThan(0.999999);
  });

  it('fails, counting mismatches, when the reference is perturbed', async () => {
    const dir = path.join(tmp, 'perturbed');
    fs.mkdirSync(dir);
    const src = path.dirname(FIXTURE);
    fs.copyFileSync(path.join(src, 'test_data_set_0/input_0.pb'), path.join(dir, 'input_0.pb'));
    const out = decodeTensorProto(fs.readFileSync(path.join(src, 'test_data_set_0/output_0.pb')));
    const raw = Buffer.from(out.raw_data!);
    raw.writeFloatLE(raw.readFloatLE(0) * 1.01, 0);
    raw.writeFloatLE(raw.readFloatLE(12) + 0.5, 12);
    out.raw_data = raw;
    fs.writeFileSync(path.join(dir, 'output_0.pb'), encodeTensorProto(out));
    const report = await checkWithOnnxruntime(FIXTURE, loadReference(FIXTURE, dir));
    expect(report.ok).toBe(false);
    expect(report.sets[0]!.outputs[0]!.mismatches).toBe(2);
    expect(report.sets[0]!.outputs[0]!.maxAbsError).toBeGreaterThan(0.49);
  });

  it('reports a missing reference and a malformed meta.json clearly', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'model.onnx'), '');
    expect(() => loadReference(path.join(empty, 'model.onnx'))).toThrow(UsageError);
    fs.writeFileSync(path.join(empty, 'meta.json'), JSON.stringify({ tolerance: { y: { rtol: -1 } } }));
    expect(() => loadReference(path.join(empty, 'model.onnx'))).toThrow(FormatError);
    expect(() => loadReference(path.join(empty, 'model.onnx'))).toThrow(/meta\.json: is not a reference meta\.json:\n.*\$\.tolerance\.y/);
  });
});
