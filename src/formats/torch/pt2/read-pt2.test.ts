import { describe, expect, it } from 'vitest';
import { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import { detectPt2Layout } from './archive-layout.js';
import { readPt2 } from './read-pt2.js';
import { graphInputRoles, constantInputs } from './signature.js';
import { MemoryArchive, standInPayload, testdataArchive, testdataModels } from './testing.js';

const WEIGHTS = 'data/weights/model_weights_config.json';
const CONSTANTS = 'data/constants/model_constants_config.json';

function readError(archive: MemoryArchive): FormatError {
  try {
    readPt2(archive, { file: 'x.pt2' });
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected readPt2 to fail');
}

describe('readPt2 on the programs torch 2.13 wrote', () => {
  it.each(testdataModels())('%s: every lifted input resolves to a payload', (model) => {
    const r = readPt2(testdataArchive(model).withPrefix(`${model}/`));
    expect(r.modelName).toBe('model');
    expect(r.root).toBe(`${model}/`);
    expect(r.archiveVersion).toBe(0);
    for (const [name, role] of graphInputRoles(r.program)) {
      if (role.fqn === undefined) continue;
      const t = r.tensors.get(role.fqn);
      expect(t, `${name} -> ${role.fqn}`).toBeDefined();
      // The graph's own TensorMeta of the lifted input agrees with the payload's.
      const meta = r.program.graph_module.graph.tensor_values[name];
      expect(meta?.sizes.map((s) => s.as_int)).toEqual(t?.sizes);
    }
  });

  it('describes parameters and buffers (dtype, sizes, strides, offset) over the payload bytes', () => {
    const r = readPt2(testdataArchive('cnn-bn'));
    const w = r.tensors.get('conv.weight')!;
    expect(w).toMatchObject({
      source: 'weights',
      entry: 'data/weights/weight_0',
      path_name: 'weight_0',
      is_param: true,
      use_pickle: false,
      dtype: DataType.FLOAT,
      sizes: [4, 3, 3, 3],
      strides: [27, 9, 3, 1],
      storage_offset: 0,
      zeroFilled: false,
    });
    expect(w.bytes).toEqual(standInPayload(4 * 27 * 4));
    const n = r.tensors.get('bn.num_batches_tracked')!;
    expect(n).toMatchObject({ dtype: DataType.INT64, sizes: [], strides: [], is_param: false });
    expect(n.bytes.length).toBe(8);
  });

  it('keeps tied weights on one payload and finds non-persistent buffers with the constants', () => {
    const r = readPt2(testdataArchive('lifted-constant'));
    const emb = r.tensors.get('emb.weight')!;
    const head = r.tensors.get('head.weight')!;
    expect(head.entry).toBe(emb.entry);
    expect(head.bytes).toBe(emb.bytes);
    expect(r.tensors.get('scale')).toMatchObject({ source: 'constants', entry: 'data/constants/tensor_1' });
    expect(r.tensors.get('table')).toMatchObject({ source: 'constants', sizes: [2, 3] });
    expect(graphInputRoles(r.program).get('b_scale')).toEqual({ kind: 'buffer', fqn: 'scale', persistent: false });
    expect(graphInputRoles(r.program).get('c_table')).toEqual({ kind: 'tensor_constant', fqn: 'table' });
  });

  it('reports int and float forward arguments as constant inputs', () => {
    const r = readPt2(testdataArchive('scalar-inputs'));
    expect(r.tensors.size).toBe(0);
    expect([...constantInputs(r.program)]).toEqual([
      ['n', { as_int: 3 }],
      ['alpha', { as_float: 0.5 }],
    ]);
  });

  it('accepts the older config names', () => {
    const a = testdataArchive('mlp');
    const renamed = a.with({
      [WEIGHTS]: undefined,
      'data/weights/model_model_param_config.json': a.read(WEIGHTS),
      [CONSTANTS]: undefined,
      'data/constants/model_model_constants_config.json': a.read(CONSTANTS),
    });
    expect(readPt2(renamed).tensors.get('fc2.bias')?.sizes).toEqual([4]);
  });

  it('loads an empty payload of a non-empty tensor as zeros, as torch does', () => {
    const r = readPt2(testdataArchive('mlp').with({ 'data/weights/weight_1': new Uint8Array(0) }));
    expect(r.tensors.get('fc1.bias')).toMatchObject({ zeroFilled: true, sizes: [16] });
  });

  it('reads through a reader that throws for absent entries (as ZipArchive does)', () => {
    const a = testdataArchive('mlp');
    const throwing = {
      list: () => a.list(),
      read: (p: string): Uint8Array => {
        const b = a.read(p);
        if (b === undefined) throw new Error(`no entry ${p}`);
        return b;
      },
    };
    expect(readPt2(throwing).tensors.size).toBe(4);
  });
});

describe('readPt2 errors', () => {
  const mlp = testdataArchive('mlp');
  const config = mlp.json(WEIGHTS) as { config: Record<string, Record<string, unknown>> };

  it('a pickled payload is unsupported, named with its entry', () => {
    const c = structuredClone(config);
    c.config['fc1.weight']!.use_pickle = true;
    const e = readError(mlp.with({ [WEIGHTS]: c }));
    expect(e.message).toContain('1 payload is pickled');
    expect(e.message).toContain('fc1.weight (data/weights/weight_0)');
    expect(e.path).toBe(WEIGHTS);
  });

  it('a truncated payload, a missing payload, a missing config', () => {
    expect(readError(mlp.with({ 'data/weights/weight_0': new Uint8Array(12) })).message).toMatch(
      /fc1\.weight: payload data\/weights\/weight_0 holds 12 bytes but sizes \[16,8\].* reach byte 512/,
    );
    expect(readError(mlp.with({ 'data/weights/weight_2': undefined })).message).toContain(
      'fc2.weight: payload entry data/weights/weight_2 is missing',
    );
    expect(readError(mlp.with({ [WEIGHTS]: undefined })).message).toMatch(
      /no payload for 4 lifted inputs .*: fc1\.weight, fc1\.bias, fc2\.weight, fc2\.bias/,
    );
  });

  it('a payload config that fails its schema names its entry', () => {
    const e = readError(mlp.with({ [WEIGHTS]: { config: { w: { path_name: 'weight_0' } } } }));
    expect(e.message).toContain(`x.pt2, ${WEIGHTS}: is not a payload config`);
    expect(e.message).toContain('$.config.w: missing "is_param"');
  });

  it('bad JSON, a dtype without ONNX counterpart, a symbolic weight size', () => {
    expect(readError(mlp.with({ 'models/model.json': '{"graph_module":' })).message).toContain('x.pt2, models/model.json: is not valid JSON');
    const c = structuredClone(config);
    (c.config['fc1.bias']!.tensor_meta as { dtype: number }).dtype = 9;
    expect(readError(mlp.with({ [WEIGHTS]: c })).message).toContain('fc1.bias: dtype COMPLEXHALF has no ONNX counterpart');
    const d = structuredClone(config);
    (d.config['fc1.bias']!.tensor_meta as { sizes: unknown[] }).sizes = [{ as_expr: { expr_str: 's0' } }];
    expect(readError(mlp.with({ [WEIGHTS]: d })).message).toContain('fc1.bias: sizes[0] is symbolic (s0)');
  });

  it('archive_format, archive_version and schema major it does not know', () => {
    expect(readError(mlp.with({ archive_format: 'pt3' })).message).toContain('archive_format is "pt3"');
    expect(readError(mlp.with({ archive_version: '1' })).message).toContain('archive_version "1"');
    const p = mlp.json('models/model.json') as { schema_version: { major: number } };
    p.schema_version.major = 9;
    expect(readError(mlp.with({ 'models/model.json': p })).message).toContain('program schema version 9.20');
    expect(readPt2(mlp.with({ archive_version: undefined })).archiveVersion).toBe(0); // absent means 0
  });

  it('several programs: lists them unless one is chosen', () => {
    const two = mlp.with({ 'models/other.json': mlp.read('models/model.json')! });
    expect(readError(two).message).toContain('holds 2 programs (model, other)');
    expect(readPt2(two, { model: 'model' }).modelName).toBe('model');
    expect(() => readPt2(two, { model: 'nope' })).toThrow(/no program named "nope"; the archive holds model, other/);
  });
});

describe('layout detection', () => {
  it('current PT2, with or without the top folder', () => {
    expect(detectPt2Layout(testdataArchive('mlp'))).toMatchObject({ kind: 'pt2', root: '', models: ['model'] });
    expect(detectPt2Layout(testdataArchive('mlp').withPrefix('mlp/'))).toMatchObject({ kind: 'pt2', root: 'mlp/' });
  });

  it('legacy PT2 (data/weights/<model>.pt) is named and refused', () => {
    const a = testdataArchive('mlp')
      .with({ [WEIGHTS]: undefined, 'data/weights/model.pt': new Uint8Array(8) })
      .withPrefix('archive/');
    expect(detectPt2Layout(a).kind).toBe('pt2-legacy');
    expect(readError(a).message).toMatch(/legacy layout of about torch 2\.8 .*data\/weights\/model\.pt/);
  });

  it('the pre-2.8 zipfile layout is named with its version', () => {
    const a = new MemoryArchive(new Map()).with({
      'serialized_exported_program.json': '{}',
      'serialized_state_dict.pt': new Uint8Array(4),
      version: '7.3',
    });
    expect(detectPt2Layout(a).kind).toBe('zipfile');
    expect(readError(a).message).toMatch(/pre-2\.8 zipfile layout .*schema version 7\.3\).*torch 2\.9 or later/);
  });

  it('a TorchScript archive and an unrelated zip', () => {
    const ts = new MemoryArchive(new Map()).with({ 'm/data.pkl': new Uint8Array(1), 'm/code/__torch__.py': 'x', 'm/version': '3' });
    expect(readError(ts).message).toContain('TorchScript archive (torch.jit.save), not a torch.export program');
    expect(readError(new MemoryArchive(new Map()).with({ 'a.txt': 'x' })).message).toContain('not a torch.export archive');
  });

  it('a PT2 archive without programs', () => {
    const a = new MemoryArchive(new Map()).with({ 'p/archive_format': 'pt2', 'p/data/aotinductor/model/x.so': new Uint8Array(1) });
    expect(readError(a).message).toContain('holds no program under models/');
  });
});
