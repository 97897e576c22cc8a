/**
 * Shared by the tests of src/formats/tf and src/formats/tfjs: where the TF 2.21 artifacts are and what TF
 * printed about them (testdata/make.py writes both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32c, maskCrc32c } from './crc32c.js';

export const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
export const SAVED_MODEL = path.join(TESTDATA, 'saved_model');
export const VARIABLES_PREFIX = path.join(SAVED_MODEL, 'variables', 'variables');

interface GraphFacts {
  node_count: number;
  ops: Record<string, number>;
  function_count: number;
  producer: number;
}
interface TensorInfoFacts {
  name: string;
  dtype: number;
  shape: number[];
}
export interface ValueFacts {
  dtype: number | string;
  shape: number[];
  values?: (number | boolean | string)[];
}

/** The shape of testdata/expected.json. */
export interface Expected {
  tensorflow_version: string;
  saved_model: {
    schema_version: number;
    meta_graph_count: number;
    tags: string[];
    tensorflow_version: string;
    graph: GraphFacts;
    function_names: string[];
    signatures: Record<string, { method_name: string; inputs: Record<string, TensorInfoFacts>; outputs: Record<string, TensorInfoFacts> }>;
    object_graph: {
      node_count: number;
      kinds: Record<string, number>;
      concrete_function_count: number;
      variables: Record<string, { dtype: number; shape: number[] }>;
    };
    saver_restore_op: string;
  };
  checkpoint: Record<string, ValueFacts>;
  data_files: string[];
  frozen: GraphFacts & { inputs: string[]; outputs: string[]; consts: Record<string, ValueFacts> };
  tfjs: Record<
    string,
    {
      format: string;
      node_count: number;
      ops: Record<string, number>;
      function_count: number;
      shard_files: string[];
      signature_inputs: string[];
      signature_outputs: string[];
      weights: Record<string, ValueFacts>;
    }
  >;
}

export const expected = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'expected.json'), 'utf8')) as Expected;

const copies: string[] = [];

/** A fresh copy of a testdata folder in a temp dir, for tests that damage files; see removeCopies. */
export function copyOfTestdata(sub: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-tf-'));
  copies.push(dir);
  const dest = path.join(dir, path.basename(sub));
  fs.cpSync(path.join(TESTDATA, sub), dest, { recursive: true });
  return dest;
}

/** Deletes the copies made so far (call from afterAll). */
export function removeCopies(): void {
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Flat values of a typed array as plain numbers/booleans, for comparison with expected.json. */
export function plainValues(a: ArrayLike<number | bigint>, asBool = false): (number | boolean)[] {
  return Array.from(a, (v) => (asBool ? v !== 0 && v !== 0n : Number(v)));
}

/**
 * A minimal LevelDB table writer (sorted keys in; prefix compression, restarts every `restartInterval`
 * keys, a new data block after `blockSize` bytes, masked CRCs, footer), for synthetic bundle indexes.
 */
export function writeTable(entries: [key: string | Uint8Array, value: Uint8Array][], blockSize = 4096, restartInterval = 16): Uint8Array {
  const enc = (k: string | Uint8Array) => (typeof k === 'string' ? new TextEncoder().encode(k) : k);
  const out: number[] = [];
  const varint = (buf: number[], n: number) => {
    while (n >= 0x80) {
      buf.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    buf.push(n);
  };
  const u32 = (buf: number[], n: number) => buf.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  const finishBlock = (block: { bytes: number[]; restarts: number[] }): [number, number] => {
    for (const r of block.restarts) u32(block.bytes, r);
    u32(block.bytes, block.restarts.length);
    const offset = out.length;
    const data = Uint8Array.from([...block.bytes, 0]);
    out.push(...block.bytes, 0);
    u32(out, maskCrc32c(crc32c(data)));
    return [offset, block.bytes.length];
  };
  const add = (block: { bytes: number[]; restarts: number[]; last: Uint8Array; n: number }, key: Uint8Array, value: ArrayLike<number>, interval: number) => {
    let shared = 0;
    if (block.n % interval === 0) block.restarts.push(block.bytes.length);
    else while (shared < key.length && shared < block.last.length && key[shared] === block.last[shared]) shared++;
    varint(block.bytes, shared);
    varint(block.bytes, key.length - shared);
    varint(block.bytes, value.length);
    block.bytes.push(...key.subarray(shared), ...Array.from(value));
    block.last = key;
    block.n++;
  };
  const newBlock = () => ({ bytes: [] as number[], restarts: [] as number[], last: new Uint8Array(0), n: 0 });
  const index = newBlock();
  let data = newBlock();
  const flush = () => {
    const [offset, size] = finishBlock(data);
    const handle: number[] = [];
    varint(handle, offset);
    varint(handle, size);
    add(index, data.last, handle, 1);
    data = newBlock();
  };
  for (const [k, v] of entries) {
    add(data, enc(k), v, restartInterval);
    if (data.bytes.length >= blockSize) flush();
  }
  if (data.n > 0) flush();
  const [metaOffset, metaSize] = finishBlock(newBlock());
  const [indexOffset, indexSize] = finishBlock(index);
  const footer: number[] = [];
  for (const n of [metaOffset, metaSize, indexOffset, indexSize]) varint(footer, n);
  while (footer.length < 40) footer.push(0);
  u32(footer, 0x8b80fb57);
  u32(footer, 0xdb477524);
  out.push(...footer);
  return Uint8Array.from(out);
}
