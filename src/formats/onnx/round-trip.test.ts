/**
 * decode -> encode -> decode over every .onnx and every .pb of the ONNX 1.22.0 backend test data gives the
 * same plain object. Also counts how many files re-encode to the identical bytes (informational: protobuf
 * allows several encodings of one message, e.g. field order, so byte equality is not required).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxTestDataDir } from '../../../test/support/test-data.js';
import { decodeMessage, decodeModelProto, encodeMessage } from './codec.js';
import type { ModelProto, TypeProto, ValueInfoProto } from './generated/onnx-types.js';
import { toPlainObject } from './plain-object.js';
import type { OnnxMessageName } from './schema.js';

const DATA = onnxTestDataDir();
const CATEGORIES = ['node', 'simple', 'pytorch-converted', 'pytorch-operator', 'light', 'real'];

function listFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.name.endsWith('.onnx') || e.name.endsWith('.pb')) out.push(p);
  }
  return out.sort();
}

/** The message a test value file holds, from the matching graph input/output type (as ONNX's runner does). */
function valueKind(type: TypeProto | undefined): OnnxMessageName {
  if (type?.sequence_type) return 'SequenceProto';
  if (type?.optional_type) return 'OptionalProto';
  if (type?.map_type) return 'MapProto';
  if (type?.sparse_tensor_type) return 'SparseTensorProto';
  return 'TensorProto';
}

const modelCache = new Map<string, ModelProto | undefined>();
function kindOfPb(file: string): OnnxMessageName {
  const modelFile = path.join(path.dirname(path.dirname(file)), 'model.onnx');
  if (!modelCache.has(modelFile)) {
    modelCache.set(modelFile, fs.existsSync(modelFile) ? decodeModelProto(fs.readFileSync(modelFile), modelFile) : undefined);
  }
  const graph = modelCache.get(modelFile)?.graph;
  const m = /^(input|output)_(\d+)\.pb$/.exec(path.basename(file));
  if (graph === undefined || m === null) return 'TensorProto';
  const list: ValueInfoProto[] | undefined = m[1] === 'input' ? graph.input : graph.output;
  return valueKind(list?.[Number(m[2])]?.type);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

describe('ONNX backend test data round trip', () => {
  it('finds the test data', () => {
    expect(fs.existsSync(path.join(DATA, 'node')), `no ONNX test data at ${DATA}; run node scripts/setup-test-data.mjs`).toBe(true);
  });

  for (const category of CATEGORIES) {
    it(`decode -> encode -> decode is the identity on ${category}`, () => {
      const files = listFiles(path.join(DATA, category));
      const failures: string[] = [];
      const kinds = new Map<string, number>();
      let identicalBytes = 0;
      for (const file of files) {
        const bytes = fs.readFileSync(file);
        const kind: OnnxMessageName = file.endsWith('.onnx') ? 'ModelProto' : kindOfPb(file);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        try {
          const first = decodeMessage(kind, bytes, file);
          const encoded = encodeMessage(kind, first, file);
          const second = decodeMessage(kind, encoded, file);
          if (sameBytes(encoded, bytes)) identicalBytes++;
          expect(toPlainObject(kind, second)).toEqual(toPlainObject(kind, first));
        } catch (e) {
          failures.push(`${path.relative(DATA, file)}: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
        }
      }
      const byKind = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
      console.log(
        `round trip ${category}: ${files.length} files (${byKind || 'none'}), ` +
          `${files.length - failures.length} equal after decode-encode-decode, ${identicalBytes} byte-identical re-encodes`,
      );
      expect(failures).toEqual([]);
      if (category !== 'real') expect(files.length).toBeGreaterThan(0); // `real` holds download URLs only
    });
  }
});
