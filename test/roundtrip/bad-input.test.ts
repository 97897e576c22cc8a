/**
 * Bad files through the public loadModel: each is rejected with one BridgeError subclass whose message
 * names the file (and the node or tensor where there is one). The bad models are built here with the
 * codec, never committed as binaries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/api/model-io.js';
import { encodeModelProto } from '../../src/formats/onnx/codec.js';
import type { GraphProto, ModelProto, TensorProto } from '../../src/formats/onnx/generated/onnx-types.js';
import { CheckError, FormatError, UsageError, type BridgeError } from '../../src/ir/errors.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-bad-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const f32 = { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } };

function model(graph: GraphProto): ModelProto {
  return { ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph: { name: 'g', ...graph } };
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Loads `file` and returns the error, checking it is exactly one of our typed errors naming the file. */
async function rejection(file: string, kind: new (...args: never[]) => BridgeError): Promise<BridgeError> {
  const e = await loadModel(file).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(kind);
  const err = e as BridgeError;
  expect(err.message).toContain(file);
  expect(err.file).toBe(file);
  return err;
}

const externalTensor = (location: string, offset = '0'): TensorProto => ({
  name: 'weights',
  dims: [2],
  data_type: 1,
  data_location: 1,
  external_data: [
    { key: 'location', value: location },
    { key: 'offset', value: offset },
    { key: 'length', value: '8' },
  ],
});

describe('loadModel on bad input', () => {
  const good = (): ModelProto =>
    model({
      node: [{ input: ['x'], output: ['y'], op_type: 'Relu', name: 'relu' }],
      input: [{ name: 'x', type: f32 }],
      output: [{ name: 'y', type: f32 }],
    });

  it('a truncated file: FormatError', async () => {
    const bytes = encodeModelProto(good());
    const err = await rejection(write('truncated.onnx', bytes.subarray(0, bytes.length - 7)), FormatError);
    expect(err.message).toMatch(/not a valid ONNX ModelProto/);
  });

  it('random bytes: FormatError', async () => {
    // A fixed "random" buffer (a simple LCG), so a failure can be reproduced.
    let s = 12345;
    const bytes = Uint8Array.from({ length: 4096 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    await rejection(write('random.onnx', bytes), FormatError);
  });

  it('a missing file: UsageError', async () => {
    await rejection(path.join(dir, 'nope.onnx'), UsageError);
  });

  it('a cycle: CheckError naming a node on it', async () => {
    const m = model({
      node: [
        { input: ['x', 'b'], output: ['a'], op_type: 'Add', name: 'n_a' },
        { input: ['a'], output: ['b'], op_type: 'Relu', name: 'n_b' },
      ],
      input: [{ name: 'x', type: f32 }],
      output: [{ name: 'b', type: f32 }],
    });
    const err = await rejection(write('cycle.onnx', encodeModelProto(m)), CheckError);
    expect(err.message).toMatch(/cycle/);
    expect(['n_a', 'n_b']).toContain(err.node);
    expect(err.message).toContain(`node "${err.node}"`);
  });

  it('a dangling input: CheckError naming the node, the op and the input', async () => {
    const m = good();
    m.graph!.node![0]!.input = ['ghost'];
    const err = await rejection(write('dangling.onnx', encodeModelProto(m)), CheckError);
    expect(err.message).toContain('node "relu"');
    expect(err.message).toContain('op Relu');
    expect(err.message).toContain('"ghost"');
  });

  it('an unknown data type: FormatError naming the tensor', async () => {
    const m = good();
    m.graph!.initializer = [{ name: 'mystery', dims: [1], data_type: 99, raw_data: new Uint8Array(4) }];
    const err = await rejection(write('dtype.onnx', encodeModelProto(m)), FormatError);
    expect(err.message).toContain('"mystery"');
    expect(err.message).toContain('data_type 99');
  });

  it('raw_data of the wrong length: FormatError naming the tensor', async () => {
    const m = good();
    m.graph!.initializer = [{ name: 'short', dims: [2], data_type: 1, raw_data: new Uint8Array(7) }];
    const err = await rejection(write('short.onnx', encodeModelProto(m)), FormatError);
    expect(err.message).toMatch(/"short".*7 bytes.*need 8/);
  });

  it('negative dims: FormatError naming the tensor', async () => {
    const m = good();
    m.graph!.initializer = [{ name: 'neg', dims: [-2], data_type: 1, raw_data: new Uint8Array(0) }];
    const err = await rejection(write('neg.onnx', encodeModelProto(m)), FormatError);
    expect(err.message).toMatch(/"neg".*negative/);
  });

  it("external data at a '../' location: FormatError naming the tensor", async () => {
    const m = good();
    m.graph!.initializer = [externalTensor('../outside.bin')];
    const err = await rejection(write('escape.onnx', encodeModelProto(m)), FormatError);
    expect(err.message).toContain('"weights"');
    expect(err.message).toMatch(/leaves the model's folder/);
  });

  it('an external offset past the end of the data file: FormatError naming the tensor', async () => {
    fs.writeFileSync(path.join(dir, 'small.bin'), new Uint8Array(16));
    const m = good();
    m.graph!.initializer = [externalTensor('small.bin', '4096')];
    const err = await rejection(write('offset.onnx', encodeModelProto(m)), FormatError);
    expect(err.message).toContain('"weights"');
    expect(err.message).toMatch(/offset 4096 is past the end/);
  });
});
