/**
 * Mutation fuzzing of the ONNX reader: 10,000 mutated copies of valid models (bit flips, byte
 * overwrites, truncations, insertions, deletions, varint length bumps) must each either load, validate
 * and re-encode, or fail with one BridgeError; never another exception, never a hang. Seeded, so a
 * failure names the seed and iteration that reproduce it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel, loadModel } from '../../src/api/model-io.js';
import { validate } from '../../src/api/validate.js';
import { BridgeError } from '../../src/ir/errors.js';
import { listBackendModels } from '../support/test-data.js';

const ITERATIONS = 10_000;
const SEED = 0x0b71d6e;

/** xorshift32: small, fast and reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rand() * n);
  // Bit flips most often: they keep the framing and so reach the importer, checker and inference.
  const kind = [0, 0, 0, 0, 1, 1, 2, 3, 4, 5][pick(10)]!;
  const at = pick(src.length);
  switch (kind) {
    case 0: {
      const out = src.slice();
      out[at] = out[at]! ^ (1 << pick(8));
      return out;
    }
    case 1: {
      const out = src.slice();
      for (let k = 0, n = 1 + pick(8); k < n; k++) out[pick(out.length)] = pick(256);
      return out;
    }
    case 2:
      return src.slice(0, at);
    case 3: {
      const ins = Uint8Array.from({ length: 1 + pick(16) }, () => pick(256));
      return Uint8Array.from([...src.subarray(0, at), ...ins, ...src.subarray(at)]);
    }
    case 4:
      return Uint8Array.from([...src.subarray(0, at), ...src.subarray(Math.min(src.length, at + 1 + pick(16)))]);
    default: {
      // A length-prefix-sized bump: large varints are where readers overrun or allocate wildly.
      const out = src.slice();
      out[at] = 0xff;
      if (at + 1 < out.length) out[at + 1] = 0xff;
      if (at + 2 < out.length) out[at + 2] = 0x7f;
      return out;
    }
  }
}

describe('fuzzing the ONNX reader', () => {
  it(`survives ${ITERATIONS} mutated models with BridgeErrors only`, async () => {
    // Varied seeds: control flow, sequences, functions and strings (structure-heavy), plus models that
    // carry weights (bit flips there must still load) and the two PyTorch fixtures.
    const structural = listBackendModels(['node', 'simple'])
      .filter((m) => /(_if|loop|scan|sequence|function|lstm|string|constant_pad|gather|layer_norm)/i.test(m.name))
      .slice(0, 40);
    const weighted = listBackendModels(['pytorch-converted']).filter((m) => fs.statSync(m.modelPath).size < 64 * 1024);
    const fixtures = ['small-cnn', 'small-cnn-dynamo'].map((n) => path.resolve(import.meta.dirname, `../../fixtures/onnx/${n}/model.onnx`));
    const corpus = [...structural.map((m) => m.modelPath), ...weighted.map((m) => m.modelPath), ...fixtures].map((f) => fs.readFileSync(f));
    expect(corpus.length).toBeGreaterThan(20);
    const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-fuzz-'));
    const rand = rng(SEED);
    const outcomes = { loaded: 0, rejected: 0 };
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        const bytes = mutate(corpus[i % corpus.length]!, rand);
        try {
          const model = await loadModel(bytes, { baseDir });
          validate(model);
          encodeModel(model);
          outcomes.loaded++;
        } catch (e) {
          if (!(e instanceof BridgeError)) {
            throw new Error(`iteration ${i} (seed ${SEED}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          }
          outcomes.rejected++;
        }
      }
    } finally {
      fs.rmSync(baseDir, { recursive: true, force: true });
    }
    console.log(`fuzz: ${ITERATIONS} mutations, ${outcomes.loaded} still loaded, ${outcomes.rejected} rejected with a BridgeError`);
    expect(outcomes.loaded + outcomes.rejected).toBe(ITERATIONS);
  }, 600_000);
});
