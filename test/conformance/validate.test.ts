/**
 * The checker and shape inference over every model of the ONNX backend test data: these are valid
 * models, so `validate` must report no error on any of them. Prints how many of how many pass.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/api/model-io.js';
import { validate } from '../../src/api/validate.js';
import { listBackendModels, listLightModels } from '../support/test-data.js';

const models = [...listBackendModels(), ...listLightModels()];
let passed = 0;
const missing = new Map<string, number>();

describe('every backend test model validates', () => {
  it.each(models.map((m) => [`${m.category}/${m.name}`, m] as const))('%s', async (_name, m) => {
    const model = await loadModel(m.modelPath);
    const report = validate(model);
    for (const [op, n] of Object.entries(report.shapes.missingRules)) missing.set(op, (missing.get(op) ?? 0) + n);
    expect(report.errors.map((e) => `${e.kind}: ${e.node ?? ''} ${e.op ?? ''}: ${e.message}`)).toEqual([]);
    passed++;
  });

  afterAll(() => {
    console.log(`validate: ${passed} of ${models.length} backend test models valid`);
    if (missing.size > 0) console.log(`ops without a shape rule: ${[...missing].map(([op, n]) => `${op} x${n}`).join(', ')}`);
  });
});
