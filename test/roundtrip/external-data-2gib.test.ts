/**
 * A model whose weights pass protobuf's 2 GiB limit: saveModel ('auto') must move them to an external
 * data file by itself, stream them there one at a time, and loadModel must give the same bytes back.
 * Weights are lazy tensors filled with a cheap pattern; bytes are compared through SHA-256 digests so at
 * most one tensor (1.05 GiB) is in memory at a time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/api/model-io.js';
import { decodeModelProto } from '../../src/formats/onnx/codec.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph } from '../../src/ir/graph.js';
import { Model } from '../../src/ir/model.js';
import { Node } from '../../src/ir/node.js';
import { ExternalTensor, LazyTensor } from '../../src/ir/tensor.js';
import { tensorType } from '../../src/ir/types.js';

const COUNT = 281_857_229; // FLOATs: 1.05 GiB each, 2.1 GiB for the two
const CHUNK = 1 << 24; // elements per chunk when hashing the expected pattern

/** Element i of tensor `seed`: a multiplicative hash, so every 4-byte word differs from its neighbours. */
function fillPattern(out: Uint32Array, seed: number, start: number): void {
  for (let i = 0; i < out.length; i++) out[i] = (Math.imul(start + i, 2654435761) + seed) >>> 0;
}

function lazyWeights(seed: number): LazyTensor {
  return new LazyTensor(DataType.FLOAT, [COUNT], () => {
    const words = new Uint32Array(COUNT);
    fillPattern(words, seed, 0);
    return new Uint8Array(words.buffer);
  });
}

function expectedDigest(seed: number): string {
  const hash = createHash('sha256');
  const chunk = new Uint32Array(CHUNK);
  for (let start = 0; start < COUNT; start += CHUNK) {
    const part = chunk.subarray(0, Math.min(CHUNK, COUNT - start));
    fillPattern(part, seed, start);
    hash.update(new Uint8Array(part.buffer, 0, part.byteLength));
  }
  return hash.digest('hex');
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-2gib-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('models over 2 GiB', () => {
  it('are saved with external data automatically and load back byte for byte', async () => {
    const g = new Graph('big');
    const x = g.addInput('x', tensorType(DataType.FLOAT, [COUNT]));
    const a = g.addInitializer('a', lazyWeights(1));
    const b = g.addInitializer('b', lazyWeights(2));
    const sum = g.appendNode(new Node('Add', [a, b], { outputs: ['s'] }));
    const y = g.appendNode(new Node('Add', [x, sum.output(0)], { outputs: ['y'] }));
    g.addOutput(y.output(0));
    const model = new Model(g, new Map([['', 21]]), 10);

    const file = path.join(dir, 'model.onnx');
    const t0 = performance.now();
    const report = await saveModel(model, file);
    const saveSeconds = (performance.now() - t0) / 1000;
    expect(report.externalData).toMatchObject({ location: 'model.onnx.data', tensors: 2 });
    expect(report.modelBytes).toBeLessThan(4096);
    expect(fs.statSync(file).size).toBe(report.modelBytes);
    expect((g.initializers.get('a')!.constValue as LazyTensor).isLoaded).toBe(false); // released after writing

    const proto = decodeModelProto(fs.readFileSync(file));
    for (const t of proto.graph!.initializer!) {
      expect(t.data_location).toBe(1);
      const offset = Number(t.external_data!.find((e) => e.key === 'offset')!.value);
      expect(offset % 4096).toBe(0);
    }

    const t1 = performance.now();
    const back = await loadModel(file);
    for (const [name, seed] of [['a', 1], ['b', 2]] as const) {
      const t = back.graph.initializers.get(name)!.constValue!;
      expect(t).toBeInstanceOf(ExternalTensor);
      const got = createHash('sha256').update((t as ExternalTensor).bytes()).digest('hex');
      (t as ExternalTensor).release();
      expect(got, `tensor ${name}`).toBe(expectedDigest(seed));
    }
    console.log(`2.1 GiB model: saved in ${saveSeconds.toFixed(1)} s, loaded and checked in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }, 600_000);
});
