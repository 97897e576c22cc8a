import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType } from '../ir/dtype.js';
import { FormatError } from '../ir/errors.js';
import { ArrayTensor } from '../ir/tensor.js';
import { compare, compareTensors } from './compare.js';
import { validateReport } from './report.js';
import { runModel } from './run-model.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/onnx/small-cnn');
const CNN = path.join(DIR, 'model.onnx');
const tol = { rtol: 1e-4, atol: 1e-5 };

describe('compare', () => {
  it('checks the model against its reference folder and returns a report that fits its schema', async () => {
    const report = await compare(CNN, { against: DIR });
    expect(report.ok).toBe(true);
    expect(() => validateReport(JSON.parse(JSON.stringify(report)))).not.toThrow();
  });

  it('runs the bytes of a model against the unoptimised onnxruntime session on given tensors', async () => {
    const input = new ArrayTensor(DataType.FLOAT, [2, 3, 16, 16], Float32Array.from({ length: 1536 }, (_, i) => Math.sin(i)));
    const report = await compare(fs.readFileSync(CNN), { inputs: { input } });
    expect(report).toMatchObject({ model: '<bytes>', against: 'onnxruntime (optimization disabled)', inputs: { source: 'files' }, ok: true });
    expect(report.sets[0]!.outputs[0]).toMatchObject({ name: 'probs', shape: [2, 10], count: 20 });
  });

  it('gives the same outputs from run for one seed', async () => {
    const a = await runModel(CNN, { random: true, seed: 11 });
    const b = await runModel(CNN, { random: true, seed: 11 });
    expect(a.outputs[0]!.tensor.toArray()).toEqual(b.outputs[0]!.tensor.toArray());
  });
});

describe('compareTensors', () => {
  const f = (dims: number[], xs: number[]) => new ArrayTensor(DataType.FLOAT, dims, Float32Array.from(xs));

  it('fails with a reason on another shape, dtype, or a missing output', () => {
    expect(compareTensors('y', f([1, 2], [1, 2]), f([2, 1], [1, 2]), tol)).toMatchObject({ ok: false, problem: 'shape [1,2], the reference has [2,1]', mismatches: 2 });
    expect(compareTensors('y', new ArrayTensor(DataType.INT32, [2], Int32Array.of(1, 2)), f([2], [1, 2]), tol).problem).toMatch(/dtype int32/);
    expect(compareTensors('y', undefined, f([2], [1, 2]), tol)).toMatchObject({ ok: false, problem: 'the run under test has no such output' });
  });

  it('decodes float16 before comparing', () => {
    const h = (bits: number[]) => new ArrayTensor(DataType.FLOAT16, [bits.length], Uint16Array.from(bits));
    // 1.0 = 0x3c00, 1.0009765625 = 0x3c01: one ulp apart, inside rtol 1e-3.
    expect(compareTensors('h', h([0x3c01]), h([0x3c00]), { rtol: 1e-3, atol: 0 })).toMatchObject({ ok: true, maxAbsError: 2 ** -10 });
  });
});

describe('report.schema.json', () => {
  it('refuses a report with a missing field or a negative count, naming the path', () => {
    expect(() => validateReport({ version: 1 })).toThrow(FormatError);
    const bad = { version: 1, model: 'm', backend: 'onnxruntime', against: 'cpu', againstKind: 'cpu', inputs: { source: 'random', seed: 0 }, notes: [], ok: true, sets: [{ dir: 'd', inputs: [], ok: true, outputs: [{ name: 'y', dtype: 'float', shape: [1], referenceShape: [1], count: -1, maxAbsError: null, maxRelError: 0, mismatches: 0, cosine: 1, rtol: 0, atol: 0, ok: true }] }] };
    expect(() => validateReport(bad)).toThrow(/\$\.sets\[0\]\.outputs\[0\]\.count/);
  });
});
