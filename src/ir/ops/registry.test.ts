import { describe, expect, it } from 'vitest';
import {
  allOps,
  allowedTypes,
  formalIndex,
  getSchema,
  getSchemaVersions,
  isKnownDomain,
  latestOpset,
  SCHEMA_ONNX_VERSION,
} from './registry.js';
import { AttributeType } from './schema.js';

// Every expected number and version list below was printed from onnx 1.22.0 in .cache/py
// (onnx.defs.get_all_schemas_with_history(), get_schema(), schema_version_map()), not computed from our JSON.

describe('op schema registry', () => {
  it('holds onnx 1.22.0, with the op and version counts Python reports', () => {
    expect(SCHEMA_ONNX_VERSION).toBe('1.22.0');
    const count = (d: string) => {
      const ops = allOps(d);
      return [ops.length, ops.reduce((n, e) => n + e.versions.length, 0)];
    };
    expect(count('')).toEqual([202, 609]);
    expect(count('ai.onnx.ml')).toEqual([19, 25]);
    expect(count('ai.onnx.preview.training')).toEqual([4, 4]);
    expect(count('ai.onnx.preview')).toEqual([1, 1]);
    expect(allOps().reduce((n, e) => n + e.versions.length, 0)).toBe(639);
    const flags = allOps().flatMap((e) => e.versions);
    expect(flags.filter((s) => s.deprecated).map((s) => `${s.name}-${s.sinceVersion}`).sort()).toEqual([
      'GroupNormalization-18',
      'Scatter-11',
      'TreeEnsembleClassifier-5',
      'TreeEnsembleRegressor-5',
      'Upsample-10',
    ]);
    expect(flags.filter((s) => s.hasFunction).length).toBe(38);
    expect(flags.filter((s) => s.hasContextDependentFunction).length).toBe(31);
  });

  it('knows domains and their latest opsets; "ai.onnx" is ""', () => {
    expect(latestOpset('')).toBe(27);
    expect(latestOpset('ai.onnx')).toBe(27);
    expect(latestOpset('ai.onnx.ml')).toBe(5);
    expect(latestOpset('ai.onnx.preview.training')).toBe(1);
    expect(latestOpset('com.microsoft')).toBeUndefined();
    expect(isKnownDomain('ai.onnx')).toBe(true);
    expect(isKnownDomain('com.microsoft')).toBe(false);
    expect(getSchemaVersions('ai.onnx', 'Relu')).toBe(getSchemaVersions('', 'Relu'));
  });

  it('picks the newest version not newer than the opset', () => {
    expect(getSchemaVersions('', 'Reshape').map((s) => s.sinceVersion)).toEqual([1, 5, 13, 14, 19, 21, 23, 24, 25]);
    expect(getSchema('', 'Reshape', 12)?.sinceVersion).toBe(5);
    expect(getSchema('', 'Reshape', 5)?.sinceVersion).toBe(5);
    expect(getSchema('', 'Reshape', 27)?.sinceVersion).toBe(25);
    expect(getSchema('', 'Gemm', 10)?.sinceVersion).toBe(9);
    expect(getSchema('', 'Conv', 27)?.sinceVersion).toBe(22);
    expect(getSchema('', 'Reshape', 0)).toBeUndefined();
    expect(getSchema('', 'NoSuchOp', 27)).toBeUndefined();
    expect(getSchemaVersions('', 'NoSuchOp')).toEqual([]);
    expect(getSchema('ai.onnx.ml', 'LabelEncoder', 5)?.sinceVersion).toBe(4);
  });

  it('moves Squeeze axes from attribute to optional input at 13', () => {
    const s11 = getSchema('', 'Squeeze', 12)!;
    expect(s11.attributes.map((a) => a.name)).toEqual(['axes']);
    const s13 = getSchema('', 'Squeeze', 13)!;
    expect(s13.attributes).toEqual([]);
    expect(s13.inputs.map((p) => [p.name, p.typeStr, p.option])).toEqual([
      ['data', 'T', 'single'],
      ['axes', 'tensor(int64)', 'optional'],
    ]);
  });

  it("describes Conv-22's attributes, arity and type constraints", () => {
    const conv = getSchema('', 'Conv', 22)!;
    expect(conv.attributes.map((a) => [a.name, AttributeType[a.type], a.required, a.default])).toEqual([
      ['auto_pad', 'STRING', false, 'NOTSET'],
      ['dilations', 'INTS', false, undefined],
      ['group', 'INT', false, 1],
      ['kernel_shape', 'INTS', false, undefined],
      ['pads', 'INTS', false, undefined],
      ['strides', 'INTS', false, undefined],
    ]);
    expect([conv.minInput, conv.maxInput, conv.minOutput, conv.maxOutput]).toEqual([2, 3, 1, 1]);
    expect(conv.typeConstraints).toEqual([
      { typeParamStr: 'T', allowedTypeStrs: ['tensor(bfloat16)', 'tensor(float16)', 'tensor(float)', 'tensor(double)'] },
    ]);
    expect(conv.inputs[2]?.option).toBe('optional');
  });

  it('stores float defaults as their float32 spelling', () => {
    // Python: LeakyRelu-16 alpha default_value.f == 0.009999999776482582 (float32 of 0.01).
    const alpha = getSchema('', 'LeakyRelu', 16)!.attributes.find((a) => a.name === 'alpha')!;
    expect(alpha.type).toBe(AttributeType.FLOAT);
    expect(alpha.default).toBe(0.01);
    expect(Math.fround(alpha.default as number)).toBe(0.009999999776482582);
  });

  it('resolves formal parameters to allowed type sets, including variadic tails', () => {
    const concat = getSchema('', 'Concat', 27)!;
    expect(concat.sinceVersion).toBe(13);
    expect(concat.maxInput).toBe(2147483647);
    expect(concat.inputs[0]).toMatchObject({ option: 'variadic', minArity: 1, isHomogeneous: true });
    expect(formalIndex(concat, 'input', 7)).toBe(0);
    expect(allowedTypes(concat, 'input', 7)).toBe(allowedTypes(concat, 'input', 0));
    expect(allowedTypes(concat, 'input', 3)?.has('tensor(string)')).toBe(true);

    const reshape = getSchema('', 'Reshape', 25)!;
    expect([...allowedTypes(reshape, 'input', 1)!]).toEqual(['tensor(int64)']);
    expect(allowedTypes(reshape, 'input', 2)).toBeUndefined();
    expect(allowedTypes(reshape, 'input', 0)).toBe(allowedTypes(reshape, 'output', 0));

    // The ML schemas spell `map(int64, float)`; onnx resolves it to the canonical form a checker sees.
    const castMap = getSchema('ai.onnx.ml', 'CastMap', 1)!;
    expect([...allowedTypes(castMap, 'input', 0)!].sort()).toEqual([
      'map(int64,tensor(float))',
      'map(int64,tensor(string))',
    ]);
  });

  it('lists ops sorted, per domain or all', () => {
    const names = allOps('').map((e) => e.opType);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('Attention');
    expect(allOps('ai.onnx.preview.training').map((e) => e.opType)).toEqual(['Adagrad', 'Adam', 'Gradient', 'Momentum']);
    expect(allOps('com.microsoft')).toEqual([]);
    expect(allOps()[0]?.domain).toBe('');
  });
});
