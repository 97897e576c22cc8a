/**
 * Signature selection: `serving_default` unless asked otherwise; another signature of the same SavedModel
 * gives its own interface; a name the SavedModel lacks is a UsageError listing the ones it has.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../ir/errors.js';
import { verifyModel } from '../../../ir/verify.js';
import { importSavedModel } from './import-saved-model.js';

const DIR = path.resolve(import.meta.dirname, '../../../../fixtures/tf/tf-module-ops/saved_model');

describe('SavedModel signatures', () => {
  it('imports serving_default by default', () => {
    const model = importSavedModel(DIR);
    expect(model.graph.name).toBe('serving_default');
    expect(model.graph.inputs.map((v) => v.name)).toEqual(['image', 'steps', 'x']);
    expect(model.graph.outputs.map((v) => v.name)).toEqual(['iterations', 'looped', 'mixed', 'pooled']);
  });

  it('imports another signature by name, with the variables it captures', () => {
    const model = importSavedModel(DIR, { signature: 'summarize' });
    verifyModel(model);
    expect(model.graph.name).toBe('summarize');
    expect(model.graph.inputs.map((v) => v.name)).toEqual(['x']);
    expect(model.graph.outputs.map((v) => v.name)).toEqual(['projected', 'stats']);
    expect([...model.graph.initializers.keys()]).toEqual(['w']);
  });

  it('refuses a signature the SavedModel does not have, listing those it has', () => {
    expect(() => importSavedModel(DIR, { signature: 'predict' })).toThrow(UsageError);
    expect(() => importSavedModel(DIR, { signature: 'predict' })).toThrow(/no signature "predict"; its signatures are serving_default, summarize/);
  });
});
