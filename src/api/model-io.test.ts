import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataType } from '../ir/dtype.js';
import { FormatError, UsageError } from '../ir/errors.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { ArrayTensor, ExternalTensor, LazyTensor, type Tensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { decodeModelProto } from '../formats/onnx/codec.js';
import { decodeModel, encodeModel, loadModel, saveModel } from './model-io.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-io-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** y = x + big + small, with a 16 KiB and a 16-byte initializer. */
function smallModel(big: Tensor = new ArrayTensor(DataType.FLOAT, [4096], Float32Array.from({ length: 4096 }, (_, i) => i))): Model {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, [4096]));
  const w = g.addInitializer('big', big);
  const b = g.addInitializer('small', new ArrayTensor(DataType.FLOAT, [4], new Float32Array([1, 2, 3, 4])));
  const add = g.appendNode(new Node('Add', [x, w], { outputs: ['t'] }));
  const add2 = g.appendNode(new Node('Add', [add.output(0), b], { outputs: ['y'] }));
  g.addOutput(add2.output(0));
  return new Model(g, new Map([['', 21]]), 10);
}

const bytesOf = (m: Model, name: string): number[] => Array.from(m.graph.initializers.get(name)!.constValue!.bytes());

describe('saveModel / loadModel', () => {
  it("'auto' keeps a small model inline and leaves no temporary files", async () => {
    const file = path.join(dir, 'm.onnx');
    const report = await saveModel(smallModel(), file);
    expect(report.externalData).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual(['m.onnx']);
    const back = await loadModel(file);
    expect(bytesOf(back, 'big')).toEqual(bytesOf(smallModel(), 'big'));
  });

  it("'always' moves tensors at or above the threshold to an aligned data file", async () => {
    const file = path.join(dir, 'm.onnx');
    const report = await saveModel(smallModel(), file, { externalData: 'always', sizeThreshold: 1024 });
    expect(report.externalData).toMatchObject({ location: 'm.onnx.data', tensors: 1, bytes: 16384 });
    expect(fs.readdirSync(dir).sort()).toEqual(['m.onnx', 'm.onnx.data']);
    const proto = decodeModelProto(fs.readFileSync(file));
    const [big, small] = proto.graph!.initializer!;
    expect(big!.data_location).toBe(1);
    expect(big!.external_data).toEqual([
      { key: 'location', value: 'm.onnx.data' },
      { key: 'offset', value: '0' },
      { key: 'length', value: '16384' },
    ]);
    expect(small!.raw_data?.length).toBe(16);
    const back = await loadModel(file);
    expect(back.graph.initializers.get('big')!.constValue).toBeInstanceOf(ExternalTensor);
    expect(bytesOf(back, 'big')).toEqual(bytesOf(smallModel(), 'big'));
  });

  it('saving over the files a model was loaded from never writes into them, and the model stays readable', async () => {
    const file = path.join(dir, 'm.onnx');
    await saveModel(smallModel(), file, { externalData: 'always', externalDataLocation: 'w.bin' });
    const model = await loadModel(file);
    const before = fs.readFileSync(path.join(dir, 'w.bin'));
    const oldData = fs.openSync(path.join(dir, 'w.bin'), 'r'); // the file as it was, even after a rename over it
    // Put another tensor first, so the big one moves to a new offset in the new data file.
    const bigValue = model.graph.initializers.get('big')!;
    model.graph.removeInitializer(bigValue);
    model.graph.addInitializer('first', new ArrayTensor(DataType.FLOAT, [1024], new Float32Array(1024).fill(7)));
    model.graph.addInitializer(bigValue, bigValue.constValue!);
    const report = await saveModel(model, file, { externalData: 'always', externalDataLocation: 'w.bin' });
    expect(report.externalData!.tensors).toBe(2);
    const kept = Buffer.alloc(before.length);
    fs.readSync(oldData, kept, 0, kept.length, 0);
    fs.closeSync(oldData);
    expect(kept.equals(before)).toBe(true); // the old file's bytes were not touched
    const big = model.graph.initializers.get('big')!.constValue as ExternalTensor;
    big.release();
    expect(big.external.offset).toBe(4096);
    expect(Array.from(big.bytes())).toEqual(bytesOf(smallModel(), 'big')); // re-read from the new file
    expect(bytesOf(await loadModel(file), 'big')).toEqual(bytesOf(smallModel(), 'big'));
    expect(fs.readdirSync(dir).sort()).toEqual(['m.onnx', 'w.bin']);
  });

  it("'never' writes external tensors inline", async () => {
    const file = path.join(dir, 'm.onnx');
    await saveModel(smallModel(), file, { externalData: 'always' });
    const model = await loadModel(file);
    const out = path.join(dir, 'inline.onnx');
    const report = await saveModel(model, out, { externalData: 'never' });
    expect(report.externalData).toBeUndefined();
    expect(decodeModelProto(fs.readFileSync(out)).graph!.initializer![0]!.raw_data?.length).toBe(16384);
  });

  it('a failing save leaves neither the target nor temporary files behind', async () => {
    const broken = new LazyTensor(DataType.FLOAT, [4096], () => {
      throw new FormatError('cannot read the weights');
    });
    const file = path.join(dir, 'm.onnx');
    await expect(saveModel(smallModel(broken), file, { externalData: 'always' })).rejects.toThrow(/cannot read the weights/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects a bad externalDataLocation with a UsageError', async () => {
    await expect(saveModel(smallModel(), path.join(dir, 'm.onnx'), { externalData: 'always', externalDataLocation: '../x' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('encodeModel / decodeModel', () => {
  it('refuses a model over 2 GiB before reading any weights', () => {
    const huge = new LazyTensor(DataType.FLOAT, [2 ** 29 + 1], () => {
      throw new Error('should not be read');
    });
    expect(() => encodeModel(smallModel(huge))).toThrow(FormatError);
    expect(() => encodeModel(smallModel(huge))).toThrow(/2 GiB/);
  });

  it('needs a baseDir for external data', async () => {
    const file = path.join(dir, 'm.onnx');
    await saveModel(smallModel(), file, { externalData: 'always' });
    const bytes = fs.readFileSync(file);
    expect(() => decodeModel(bytes)).toThrow(UsageError);
    expect(bytesOf(decodeModel(bytes, { baseDir: dir }), 'big')).toEqual(bytesOf(smallModel(), 'big'));
  });
});
