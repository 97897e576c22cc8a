import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { Tensor } from '../../ir/tensor.js';
import { PyDict, PyObject, PySlice, PyTuple, TorchDevice, TorchDType, type PickleValue } from './pickle/values.js';
import { dtypeInfoFor, rebuildTensor, swapBytes, TorchStorage } from './storage.js';
import { makeZip } from './testdata/make-zip.js';
import { openTorchArchive } from './torch-archive.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const testdata = (name: string): Uint8Array => fs.readFileSync(path.join(here, 'testdata', name));

interface Described {
  dtype: string;
  shape: number[];
  stride: number[];
  storage_offset: number;
  values: number[];
}
const expected = JSON.parse(fs.readFileSync(path.join(here, 'testdata', 'expected.json'), 'utf8')) as {
  tensors: Record<string, Described>;
  constant: Described;
};

const DTYPES: Record<string, DataType> = {
  float32: DataType.FLOAT, float16: DataType.FLOAT16, bfloat16: DataType.BFLOAT16, int8: DataType.INT8,
  int64: DataType.INT64, bool: DataType.BOOL, uint16: DataType.UINT16,
};

/** A tensor matches what torch printed: type, shape and values (bit patterns for 16-bit floats). */
function expectTensor(v: PickleValue | undefined, want: Described, what: string): Tensor {
  expect(v, what).toBeInstanceOf(Tensor);
  const t = v as Tensor;
  expect(t.dtype, what).toBe(DTYPES[want.dtype]);
  expect(t.dims, what).toEqual(want.shape);
  const got = [...t.toArray()];
  expect(got, what).toEqual(want.dtype === 'int64' ? want.values.map(BigInt) : want.values);
  return t;
}

/** `a.b.c` on a module tree. */
function walk(root: PyObject, dotted: string): PickleValue | undefined {
  let v: PickleValue | undefined = root;
  for (const part of dotted.split('.')) v = v instanceof PyObject ? v.attr(part) : undefined;
  return v;
}

async function rejects(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

describe('TorchScript archive (torch.jit.trace + save, torch 2.13)', async () => {
  const archive = await openTorchArchive(testdata('tiny.pt'), 'tiny.pt');
  const root = archive.unpickle('data.pkl') as PyObject;

  it('is recognised, with its byte order and format version', () => {
    expect(archive.kind).toBe('torchscript');
    expect(archive.byteOrder).toBe('little');
    expect(archive.formatVersion).toBeGreaterThanOrEqual(3);
  });

  it('decodes data.pkl to module objects holding parameters, buffers and submodules', () => {
    expect(root).toBeInstanceOf(PyObject);
    expect(root.className).toBe('__torch__.TinyNet');
    expect(root.attr('training')).toBe(false);
    expect((root.attr('fc') as PyObject).className).toBe('__torch__.torch.nn.modules.linear.Linear');
    expect((root.attr('bn') as PyObject).className).toBe('__torch__.torch.nn.modules.batchnorm.BatchNorm1d');
  });

  it('rebuilds every tensor with the dtype, shape and values torch reported', () => {
    const names = Object.keys(expected.tensors).filter((k) => k.startsWith('tiny.pt:'));
    expect(names.length).toBe(14);
    for (const key of names) expectTensor(walk(root, key.slice('tiny.pt:'.length)), expected.tensors[key]!, key);
  });

  it('shares one storage between views, zero-copy into the file', () => {
    const window = walk(root, 'window') as Tensor;
    const grid = walk(root, 'grid') as Tensor;
    expect(window.bytes().buffer).toBe(grid.bytes().buffer);
    expect(window.bytes().byteOffset - grid.bytes().byteOffset).toBe(2 * 4); // storage_offset 2
    const file = archive.read('data.pkl');
    expect(grid.bytes().buffer).toBe(file.buffer);
  });

  it('materialises the non-contiguous (transposed) buffer', () => {
    const tr = expectTensor(walk(root, 'tr'), expected.tensors['tiny.pt:tr']!, 'tr');
    expect(expected.tensors['tiny.pt:tr']!.stride).toEqual([1, 3]);
    expect(tr.bytes().buffer).not.toBe(archive.read('data.pkl').buffer);
  });

  it('decodes constants.pkl against the constants/ records', () => {
    const constants = archive.unpickle('constants.pkl') as PyTuple;
    expect(constants).toBeInstanceOf(PyTuple);
    expectTensor(constants.items[0], expected.constant, 'CONSTANTS.c0');
  });

  it('names the empty storage torch 2.13 writes for traced_inputs.pkl (its example inputs are not kept)', () => {
    expect(archive.read('traced_inputs/0').byteLength).toBe(0);
    expect(() => archive.unpickle('traced_inputs.pkl')).toThrow(/tiny\.pt, traced_inputs\.pkl byte \d+: storage traced_inputs\/0 has 0 bytes, fewer than the 48/);
  });

  it('gives the generated code as text', () => {
    expect(archive.readText('code/__torch__.py')).toContain('CONSTANTS.c0');
  });
});

describe('.pt2 archive (torch.export.save, torch 2.13)', async () => {
  const archive = await openTorchArchive(testdata('tiny.pt2'), 'tiny.pt2');

  it('is recognised and lists its program and weights', () => {
    expect(archive.kind).toBe('pt2');
    expect(archive.list()).toEqual(expect.arrayContaining(['models/model.json', 'data/weights/model_weights_config.json', 'archive_version']));
    expect(archive.formatVersion).toBeGreaterThanOrEqual(6);
  });

  it('rebuilds weights from raw payloads with their tensor_meta (storage.ts serves the .pt2 importer too)', () => {
    type Meta = { sizes: { as_int: number }[]; strides: { as_int: number }[]; storage_offset: { as_int: number } };
    const config = JSON.parse(archive.readText('data/weights/model_weights_config.json')) as {
      config: Record<string, { path_name: string; tensor_meta: Meta }>;
    };
    const f32 = dtypeInfoFor(DataType.FLOAT)!;
    for (const [fqn, entry] of Object.entries(config.config)) {
      const rel = `data/weights/${entry.path_name}`;
      const storage = new TorchStorage(rel, archive.read(rel), archive.byteOrder, f32);
      const m = entry.tensor_meta;
      const t = rebuildTensor(storage, f32, m.storage_offset.as_int, m.sizes.map((s) => s.as_int), m.strides.map((s) => s.as_int), { file: 'tiny.pt2', path: rel });
      expectTensor(t, expected.tensors[`tiny.pt2:${fqn}`]!, fqn);
    }
  });

  it('opens the nested torch.save of the sample inputs', async () => {
    const inner = await openTorchArchive(archive.read('data/sample_inputs/model.pt'), 'tiny.pt2!data/sample_inputs/model.pt');
    expect(inner.kind).toBe('torch-save');
    const v = inner.unpickle('data.pkl') as PyTuple;
    const [args, kwargs] = v.items as [PyTuple, PyDict];
    expect((args.items[0] as Tensor).dims).toEqual([4, 3]);
    expect(kwargs.size).toBe(0);
  });
});

describe('torch.save file (torch 2.13)', async () => {
  const archive = await openTorchArchive(testdata('state.pt'), 'state.pt');
  const obj = archive.unpickle('data.pkl') as PyDict;

  it('decodes a state dict, parameters, _rebuild_tensor_v3 dtypes and plain Python values', () => {
    expect(archive.kind).toBe('torch-save');
    const state = obj.get('state') as PyDict;
    expect(state.className).toBe('collections.OrderedDict');
    expect(state.attributes.get('_metadata')).toBeInstanceOf(PyDict);
    expectTensor(state.get('fc.weight'), expected.tensors['tiny.pt:fc.weight']!, 'state.fc.weight');
    expectTensor(obj.get('param'), expected.tensors['state.pt:param']!, 'param');
    expectTensor(obj.get('u16'), expected.tensors['state.pt:u16']!, 'u16');
    const strided = expectTensor(obj.get('strided'), expected.tensors['state.pt:strided']!, 'strided');
    expect(strided.dtype).toBe(DataType.INT64);
    expect(obj.get('plain')).toEqual([1, 2.5, 's', null, true, new Uint8Array([0x61, 0x62]), 2n ** 70n, -(2 ** 40)]);
    expect((obj.get('pair') as PyTuple).items).toEqual([1, 2]);
    expect(obj.get('dev')).toEqual(new TorchDevice('cpu'));
    expect((obj.get('dtype') as TorchDType).info.dtype).toBe(DataType.FLOAT16);
    expect(obj.get('set')).toEqual(new Set([3]));
    expect(obj.get('slice')).toEqual(new PySlice(1, 5, 2));
  });
});

describe('hand-made archives', () => {
  const pickleWithStorage = (storageClass: string, numel: number): Uint8Array => {
    const s = (x: string): number[] => [...x].map((c) => c.charCodeAt(0));
    const u = (x: string): number[] => [0x58, x.length, 0, 0, 0, ...s(x)];
    return new Uint8Array([
      0x80, 2, ...s('ctorch._utils\n_rebuild_tensor_v2\n'), 0x28,
      0x28, ...u('storage'), ...s(`ctorch\n${storageClass}\n`), ...u('0'), ...u('cpu'), 0x4b, numel, 0x74, 0x51,
      0x4b, 0, 0x4b, numel, 0x85, 0x4b, 1, 0x85, 0x89, 0x4e, 0x74, 0x52, 0x2e,
    ]);
  };

  it('byte-swaps the storages of a big-endian archive', async () => {
    const be = swapBytes(new Uint8Array(new Float32Array([1.5, -2, 1e-3]).buffer), 4);
    const zip = makeZip([
      { name: 'm/data.pkl', data: pickleWithStorage('FloatStorage', 3) },
      { name: 'm/byteorder', data: 'big' },
      { name: 'm/data/0', data: be },
    ]);
    const archive = await openTorchArchive(zip, 'be.pt');
    expect(archive.byteOrder).toBe('big');
    const t = archive.unpickle('data.pkl') as Tensor;
    expect([...t.toArray()]).toEqual([...new Float32Array([1.5, -2, 1e-3])]);
  });

  it('refuses a malicious data.pkl in a TorchScript-shaped archive, naming file, pickle and global', async () => {
    const evil = new Uint8Array([0x80, 2, ...[...'cos\nsystem\nX\x02\x00\x00\x00id\x85R.'].map((c) => c.charCodeAt(0))]);
    const archive = await openTorchArchive(makeZip([{ name: 'archive/data.pkl', data: evil }, { name: 'archive/code/__torch__.py', data: '' }]), 'evil.pt');
    expect(archive.kind).toBe('torchscript');
    const err = (() => {
      try {
        archive.unpickle('data.pkl');
      } catch (e) {
        return e as FormatError;
      }
    })();
    expect(err).toBeInstanceOf(FormatError);
    expect(err!.message).toMatch(/^evil\.pt, data\.pkl byte 2: pickle global os\.system is not allowed/);
  });

  it('names a missing or short storage record', async () => {
    const missing = await openTorchArchive(makeZip([{ name: 'm/data.pkl', data: pickleWithStorage('FloatStorage', 3) }]), 'm.pt');
    await expect(async () => missing.unpickle('data.pkl')).rejects.toThrow(/m\.pt, data\.pkl byte \d+: storage record data\/0 is missing/);
    const short = await openTorchArchive(
      makeZip([{ name: 'm/data.pkl', data: pickleWithStorage('DoubleStorage', 3) }, { name: 'm/data/0', data: new Uint8Array(16) }]),
      'm.pt',
    );
    await expect(async () => short.unpickle('data.pkl')).rejects.toThrow(/storage data\/0 has 16 bytes, fewer than the 24 its 3 elements need/);
  });

  it('says what a file is not', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [makeZip([{ name: 'x/readme.txt', data: 'hi' }]), /x\.zip: not a TorchScript archive \(data\.pkl \+ code\/\), a \.pt2 archive .* or a torch\.save file/],
      [makeZip([{ name: 'x/archive_format', data: 'zip' }]), /x\.zip, archive_format: archive_format is "zip", not "pt2"/],
      [makeZip([{ name: 'serialized_exported_program.json', data: '{}' }]), /torch 2\.7 or older/],
      [makeZip([{ name: 'x/data.pkl', data: '' }, { name: 'x/bytecode.pkl', data: '' }]), /a mobile \(lite interpreter\) archive/],
      [makeZip([{ name: 'x/data.pkl', data: '' }, { name: 'x/byteorder', data: 'middle' }]), /x\.zip, byteorder: byteorder is "middle"/],
      [new TextEncoder().encode('PYTORCH1'), /x\.zip: a legacy PyTorch archive/],
      [testdata('tiny.pt').subarray(0, 4000), /x\.zip: not a zip archive, or a truncated one/],
    ];
    for (const [bytes, message] of cases) expect((await rejects(openTorchArchive(bytes, 'x.zip'))).message).toMatch(message);
  });
});

describe('committed fixtures (fixtures/torch/*)', async () => {
  const dir = path.join(here, '../../../fixtures/torch');
  const models = fs.readdirSync(dir).filter((m) => fs.existsSync(path.join(dir, m, 'model.pt')) || fs.existsSync(path.join(dir, m, 'model.pt2')));
  it('open, and every TorchScript pickle decodes to a module with readable tensors', async () => {
    expect(models.length).toBe(11);
    for (const model of models) {
      const pt = path.join(dir, model, 'model.pt');
      if (fs.existsSync(pt)) {
        const a = await openTorchArchive(fs.readFileSync(pt), pt);
        expect(a.kind, model).toBe('torchscript');
        const root = a.unpickle('data.pkl');
        expect(root, model).toBeInstanceOf(PyObject);
        expect((root as PyObject).className.startsWith('__torch__.'), model).toBe(true);
        expect(a.unpickle('constants.pkl'), model).toBeInstanceOf(PyTuple);
        for (const code of a.list().filter((p) => p.startsWith('code/') && p.endsWith('.py'))) expect(a.readText(code).length).toBeGreaterThan(0);
      }
      const pt2 = path.join(dir, model, 'model.pt2');
      if (fs.existsSync(pt2)) {
        const a = await openTorchArchive(fs.readFileSync(pt2), pt2);
        expect(a.kind, model).toBe('pt2');
        expect(a.has('models/model.json'), model).toBe(true);
      }
    }
  });
});
