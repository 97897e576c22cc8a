/**
 * What `onnxbridge convert` says about TF artifacts it cannot convert: a damaged SavedModel (bad checksum in
 * variables.index, a missing data shard), a signature that does not exist, an op no rule converts. Each
 * is exit code 2 with the file named on the first line of stderr; nothing is written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../../cli/io.js';
import { main } from '../../../cli/main.js';
import { encodeTfMessage, type NodeDef } from '../../formats/tf/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/tf');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxbridge-tf-errors-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; lines: string[]; stdout: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, lines: io.stderr.trimEnd().split('\n'), stdout: io.stdout };
}

/** A copy of a fixture's SavedModel that a test may damage. */
function savedModelCopy(model: string, tag: string): string {
  const dir = path.join(tmp, `${model}-${tag}`, 'saved_model');
  fs.cpSync(path.join(FIXTURES, model, 'saved_model'), dir, { recursive: true });
  return dir;
}

describe('convert refuses broken TF artifacts with one clear error and exit code 2', () => {
  it('a variables.index whose block checksum does not match', async () => {
    const dir = savedModelCopy('keras-cnn', 'crc');
    const index = path.join(dir, 'variables', 'variables.index');
    const bytes = fs.readFileSync(index);
    bytes[20] = bytes[20]! ^ 0xff;
    fs.writeFileSync(index, bytes);
    const out = path.join(tmp, 'crc.onnx');
    const r = await run('convert', dir, '-o', out);
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/variables\.index/);
    expect(r.lines[0]).toMatch(/checksum|crc/i);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a missing data shard', async () => {
    const dir = savedModelCopy('keras-cnn', 'shard');
    fs.rmSync(path.join(dir, 'variables', 'variables.data-00000-of-00001'));
    const r = await run('convert', dir, '-o', path.join(tmp, 'shard.onnx'));
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/variables\.data-00000-of-00001.*missing/);
  });

  it('a signature the SavedModel does not have', async () => {
    const dir = path.join(FIXTURES, 'tf-module-ops', 'saved_model');
    const r = await run('convert', dir, '-o', path.join(tmp, 'sig.onnx'), '--signature', 'predict');
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/saved_model.*no signature "predict"; its signatures are serving_default, summarize/);
  });

  it('--signature on an artifact without signatures', async () => {
    const r = await run('convert', path.join(FIXTURES, 'keras-cnn', 'frozen.pb'), '-o', path.join(tmp, 'pb.onnx'), '--signature', 'serving_default');
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([expect.stringMatching(/frozen\.pb.*--signature applies to TensorFlow SavedModel directories only/)]);
  });

  it('an op no rule converts, listed with its count and an example node', async () => {
    const f32 = { type: 1 };
    const nodes: NodeDef[] = [
      { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: { dim: [{ size: -1 }, { size: 3 }] } } } },
      { name: 'weird', op: 'MadeUpOp', input: ['x'], attr: { T: f32 } },
      { name: 'weirder', op: 'MadeUpOp', input: ['weird'], attr: { T: f32 } },
      { name: 'Identity', op: 'Identity', input: ['weirder'], attr: { T: f32 } },
    ];
    const pb = path.join(tmp, 'made-up.pb');
    fs.writeFileSync(pb, encodeTfMessage('GraphDef', { node: nodes }));
    const out = path.join(tmp, 'made-up.onnx');
    const r = await run('convert', pb, '-o', out);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatch(/made-up\.pb: 1 unsupported op:/);
    expect(r.lines.slice(1).join('\n')).toMatch(/tf::MadeUpOp x2 \(e\.g\. node "weird"\)/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
