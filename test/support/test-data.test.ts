import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBackendModels, onnxTestDataDir } from './test-data.js';

// Counts printed by `find -L <data>/<category> -name model.onnx | wc -l` on onnx 1.22.0's wheel.
describe('ONNX backend test data', () => {
  it('is where pretest put it, with every model.onnx directory listed', () => {
    expect(fs.existsSync(onnxTestDataDir())).toBe(true);
    const models = listBackendModels();
    const byCategory = new Map<string, number>();
    for (const m of models) byCategory.set(m.category, (byCategory.get(m.category) ?? 0) + 1);
    expect(Object.fromEntries(byCategory)).toEqual({
      node: 1765,
      simple: 23,
      'pytorch-converted': 82,
      'pytorch-operator': 35,
    });
    expect(models.length).toBe(1905);
  });

  it('gives each model its test_data_set_* directories in numeric order', () => {
    const abs = listBackendModels(['node']).find((m) => m.name === 'test_abs')!;
    expect(fs.existsSync(abs.modelPath)).toBe(true);
    expect(abs.dataSets.map((d) => d.split('/').pop())).toEqual(['test_data_set_0']);
  });

  it('honours ONNX_TEST_DATA', () => {
    const saved = process.env['ONNX_TEST_DATA'];
    process.env['ONNX_TEST_DATA'] = '/nonexistent/data';
    try {
      expect(onnxTestDataDir()).toBe('/nonexistent/data');
      expect(() => listBackendModels()).toThrow(/not found at \/nonexistent\/data/);
    } finally {
      if (saved === undefined) delete process.env['ONNX_TEST_DATA'];
      else process.env['ONNX_TEST_DATA'] = saved;
    }
  });
});
