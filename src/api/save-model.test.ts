/**
 * saveModel writes the .onnx file as chunks with writev (Note [streaming encode]): the file holds exactly
 * encodeModel's bytes when the chunks need several writev calls and when the system writes only part of
 * what each call asks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataType } from '../ir/dtype.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { ArrayTensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { LARGE_BYTES } from '../formats/onnx/chunk-writer.js';
import { encodeModel, saveModel } from './model-io.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-save-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A chain of Adds over `n` initializers of LARGE_BYTES each (each its own chunk), all different. */
function manyWeights(n: number): Model {
  const len = LARGE_BYTES / 4;
  const g = new Graph('g');
  let x = g.addInput('x', tensorType(DataType.FLOAT, [len]));
  for (let i = 0; i < n; i++) {
    const w = g.addInitializer(`w${i}`, new ArrayTensor(DataType.FLOAT, [len], Float32Array.from({ length: len }, (_, k) => i * 7 + k)));
    x = g.appendNode(new Node('Add', [x, w], { outputs: [`y${i}`] })).output(0);
  }
  g.addOutput(x);
  return new Model(g, new Map([['', 21]]), 10);
}

describe('saveModel writes with writev', () => {
  it('splits more than 1024 chunks into several writev calls', async () => {
    const model = manyWeights(600); // ~1200 chunks: 600 tensors and the small parts between them
    const writev = vi.spyOn(fs, 'writevSync');
    const file = path.join(dir, 'm.onnx');
    const report = await saveModel(model, file, { externalData: 'never' });
    expect(writev.mock.calls.length).toBeGreaterThanOrEqual(2);
    for (const call of writev.mock.calls) expect((call[1] as unknown[]).length).toBeLessThanOrEqual(1024);
    const bytes = fs.readFileSync(file);
    expect(Buffer.compare(bytes, encodeModel(model))).toBe(0);
    expect(report.modelBytes).toBe(bytes.length);
    expect(fs.readdirSync(dir)).toEqual(['m.onnx']);
  });

  it('carries on after partial writes, inside a chunk and at its edges', async () => {
    const model = manyWeights(5);
    const real = fs.writevSync.bind(fs);
    for (const cap of [1, 4096, 100_003]) {
      // At most `cap` bytes per call, as a write(2) that stops early would do.
      vi.spyOn(fs, 'writevSync').mockImplementation((fd: number, buffers: readonly NodeJS.ArrayBufferView[]) => {
        const out: Uint8Array[] = [];
        let room = cap;
        for (const b of buffers) {
          if (room === 0) break;
          const u = new Uint8Array(b.buffer, b.byteOffset, Math.min(b.byteLength, room));
          out.push(u);
          room -= u.length;
        }
        return real(fd, out);
      });
      const file = path.join(dir, `m${cap}.onnx`);
      if (cap === 1) {
        // One byte per call over 320 KiB is slow; a small model shows the same.
        const tiny = manyWeights(0);
        await saveModel(tiny, file);
        expect(Buffer.compare(fs.readFileSync(file), encodeModel(tiny))).toBe(0);
      } else {
        const report = await saveModel(model, file, { externalData: 'never' });
        expect(Buffer.compare(fs.readFileSync(file), encodeModel(model)), `cap ${cap}`).toBe(0);
        expect(report.modelBytes).toBe(fs.statSync(file).size);
      }
      vi.restoreAllMocks();
    }
  });
});
