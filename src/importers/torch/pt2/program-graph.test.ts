/**
 * The program -> source graph mapping on small programs torch 2.13 wrote (src/formats/torch/pt2/testdata,
 * with stand-in payloads) and on edited copies of them for what torch rarely writes: strided and empty
 * payloads, argument kinds and namespaces we do not know, buffer updates, outputs that are inputs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../api/model-io.js';
import { validate } from '../../../api/validate.js';
import { AttributeType } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { FormatError, UnsupportedOpsError } from '../../../ir/errors.js';
import type { Model } from '../../../ir/model.js';
import type { Node } from '../../../ir/node.js';
import { ArrayTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { readPt2 } from '../../../formats/torch/pt2/index.js';
import { testdataArchive, testdataProgram, type MemoryArchive } from '../../../formats/torch/pt2/testing.js';
import { openTorchArchive } from '../../../formats/torch/torch-archive.js';
import { lowerToOnnx } from '../../common/lower.js';
import '../ops/index.js';
import { atenTable } from '../table.js';
import { importPt2, programToModel, sourceOpOf } from './index.js';

const PROGRAM = 'models/model.json';
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/torch');

function build(archive: MemoryArchive): Model {
  return programToModel(readPt2(archive, { file: 't.pt2' }), { file: 't.pt2' });
}

function node(m: Model, name: string): Node {
  const n = [...m.graph].find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n;
}

/** The constant behind a Constant-node value. */
function constant(v: Value | null): unknown[] {
  const t = v?.producer?.attrTensor('value');
  return t instanceof ArrayTensor ? Array.from(t.toArray() as ArrayLike<unknown>) : [];
}

function lowerError(m: Model): UnsupportedOpsError {
  try {
    lowerToOnnx(m, atenTable, { opset: 18, file: 't.pt2' });
  } catch (e) {
    if (e instanceof UnsupportedOpsError) return e;
    throw e;
  }
  throw new Error('lowering succeeded');
}

describe('program -> source graph', () => {
  it('maps targets to source ops', () => {
    expect(sourceOpOf('torch.ops.aten.add.Tensor')).toEqual({ domain: 'aten', op: 'add', overload: 'Tensor' });
    expect(sourceOpOf('torch.ops.aten.sym_size.int')).toEqual({ domain: 'aten', op: 'sym_size', overload: 'int' });
    expect(sourceOpOf('_operator.floordiv')).toEqual({ domain: 'prim', op: 'floordiv' });
    expect(sourceOpOf('torch.ops.higher_order.cond')).toEqual({ domain: 'prim', op: 'torch.ops.higher_order.cond' });
    expect(sourceOpOf('math.ceil')).toEqual({ domain: 'prim', op: 'math.ceil' });
  });

  it('drops inputs torch specialized to constants; scalars become Python constants', () => {
    const m = build(testdataArchive('scalar-inputs'));
    expect(m.graph.inputs.map((v) => v.name)).toEqual(['x']);
    const alpha = node(m, 'mul').input(1)!;
    expect(alpha.producer?.attrTensor('value')?.dtype).toBe(DataType.DOUBLE);
    expect(constant(alpha)).toEqual([0.5]);
    expect(constant(node(m, 'add').input(1))).toEqual([3n]);
  });

  it('keeps dynamic dims symbolic, passes SymInts as computed values, and lowers without baking them', async () => {
    const m = build(testdataArchive('dynamic-batch'));
    const [x, z] = m.graph.inputs;
    expect(x!.type).toEqual({ kind: 'tensor', dtype: DataType.FLOAT, shape: ['s77', 2, 3] });
    expect(z!.type).toEqual({ kind: 'tensor', dtype: DataType.FLOAT, shape: [3, 's32'] });
    expect(x!.docString).toBe('dynamic dims: s77 in [2, 64]');
    expect(z!.docString).toBe('dynamic dims: s32 >= 0');
    const size = node(m, 'sym_size_int_1').output(0);
    expect(size.type).toEqual({ kind: 'tensor', dtype: DataType.INT64, shape: [] });
    const list = node(m, 'view').input(1)!.producer!;
    expect([list.domain, list.opType]).toEqual(['prim', 'ListConstruct']);
    expect(list.input(0)).toBe(size);
    expect(constant(list.input(1))).toEqual([-1n]);
    expect(node(m, 'mul').input(1)).toBe(size);
    expect(node(m, 'cat').output(0).type).toEqual({ kind: 'tensor', dtype: DataType.FLOAT, shape: ['2*s77', 3] });

    lowerToOnnx(m, atenTable, { opset: 18 });
    expect(validate(m).errors).toEqual([]);
    const s = await ort.InferenceSession.create(encodeModel(m));
    for (const batch of [2, 5]) {
      const r = await s.run({
        x: new ort.Tensor('float32', new Float32Array(batch * 6), [batch, 2, 3]),
        z: new ort.Tensor('float32', new Float32Array(3 * 4), [3, 4]),
      });
      expect(r[s.outputNames[0]!]!.dims).toEqual([2 * batch, 3]);
    }
  });

  it('gives multi-output ops one output per listed tensor; optional tensor lists keep their Nones', () => {
    const m = build(testdataArchive('multi-output'));
    expect(node(m, 'topk').outputs.map((v) => v.name)).toEqual(['getitem', 'getitem_1']);
    expect(node(m, 'topk').outputs.map((v) => (v.type?.kind === 'tensor' ? v.type.dtype : undefined))).toEqual([DataType.FLOAT, DataType.INT64]);
    expect(node(m, 'split_with_sizes').outputs.map((v) => v.name)).toEqual(['getitem_2', 'getitem_3']);
    const indices = node(m, 'index').input(1)!.producer!;
    expect(indices.inputs.map((v) => v?.producer?.name ?? null)).toEqual([null, 'detach_']);
    expect(constant(node(m, 'masked_fill').input(2))).toEqual([-Infinity]);
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['getitem', 'getitem_1', 'add', 'masked_fill', 'index']);
  });

  it('names initializers by FQN; tied weights share one payload; keyword arguments trail with their names', () => {
    const m = build(testdataArchive('lifted-constant'));
    expect([...m.graph.initializers.keys()].sort()).toEqual(['emb.weight', 'head.weight', 'scale', 'table']);
    const emb = m.graph.initializers.get('emb.weight')!.constValue!.bytes();
    const head = m.graph.initializers.get('head.weight')!.constValue!.bytes();
    expect(emb.buffer).toBe(head.buffer);
    expect(emb.byteOffset).toBe(head.byteOffset);
    const check = node(m, '_assert_tensor_metadata_default');
    expect(check.outputs).toEqual([]);
    expect(check.attr('kwarg_names')).toMatchObject({ type: AttributeType.STRINGS, value: ['dtype', 'device', 'layout'] });
    // export LONG (5) is c10 Long (4); devices are strings.
    expect(constant(check.input(1))).toEqual([4n]);
    expect(check.input(2)?.producer?.attrTensor('value')?.dtype).toBe(DataType.STRING);
    expect(constant(node(m, 'to').input(1))).toEqual([3n]); // export INT (4) -> c10 Int (3)
  });

  it('materialises strided payloads and zero-fills empty ones', () => {
    const base = testdataArchive('mlp');
    const config = base.json('data/weights/model_weights_config.json') as { config: Record<string, { path_name: string; tensor_meta: { sizes: unknown[]; strides: { as_int: number }[] } }> };
    const w = config.config['fc1.weight']!;
    expect(w.tensor_meta.sizes).toEqual([{ as_int: 16 }, { as_int: 8 }]);
    w.tensor_meta.strides = [{ as_int: 1 }, { as_int: 16 }]; // a transposed view of the same storage
    const payload = `data/weights/${config.config['fc2.weight']!.path_name}`;
    const m = build(base.with({ 'data/weights/model_weights_config.json': config, [payload]: new Uint8Array(0) }));
    const raw = base.read(`data/weights/${w.path_name}`)!;
    const src = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const t = m.graph.initializers.get('fc1.weight')!.constValue!;
    const got = new Float32Array(t.bytes().slice().buffer);
    for (const [i, j] of [[0, 0], [3, 5], [15, 7]] as const) expect(Object.is(got[i * 8 + j], src[i + j * 16])).toBe(true);
    const zero = m.graph.initializers.get('fc2.weight')!.constValue!;
    expect(zero.dims).toEqual([4, 16]);
    expect(zero.bytes().every((b) => b === 0)).toBe(true);
  });

  it('lists argument kinds and namespaces it cannot read with the unsupported ops instead of failing', () => {
    type P = { graph_module: { graph: { nodes: { target: string; inputs: { name: string; arg: unknown }[]; outputs: unknown[] }[] } } };
    const p = testdataProgram('mlp') as P;
    const [fc1, relu, fc2] = p.graph_module.graph.nodes;
    fc1!.inputs.push({ name: 'future', arg: { as_future_kind: 1 } });
    relu!.target = 'torch.ops.my_ns.frob.default';
    fc2!.outputs.push({ as_future_output: 1 });
    const m = build(testdataArchive('mlp').with({ [PROGRAM]: p }));
    expect(node(m, 'linear_1').outputs.map((v) => v.name)).toEqual(['linear_1', '']);
    expect(lowerError(m).ops.map((o) => [o.op, o.exampleNode])).toEqual([
      ['prim::torch.ops.my_ns.frob.default', 'relu'],
      ['prim::unsupported_argument.as_future_kind', 'linear.future'],
      ['prim::unsupported_argument.output_as_future_output', 'linear_1.outputs'],
    ]);
  });

  it('drops buffer updates no output reads, and refuses outputs that read updated state', () => {
    const withUpdate = (buffer: string, arg: string): MemoryArchive => {
      const p = testdataProgram('cnn-bn') as { graph_module: { graph: { outputs: unknown[] }; signature: { output_specs: unknown[] } } };
      p.graph_module.signature.output_specs.unshift({ buffer_mutation: { arg: { name: arg }, buffer_name: buffer } });
      p.graph_module.graph.outputs.unshift({ as_tensor: { name: arg } });
      return testdataArchive('cnn-bn').with({ [PROGRAM]: p });
    };
    const m = build(withUpdate('bn.num_batches_tracked', 'b_bn_num_batches_tracked'));
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['max_pool2d']);
    expect(() => build(withUpdate('bn.running_mean', 'b_bn_running_mean'))).toThrow(/state update of bn\.running_mean \(user output 0 reads it/);
    expect(() => build(withUpdate('bn.running_mean', 'b_bn_running_mean'))).toThrow(UnsupportedOpsError);
  });

  it('gives outputs that are inputs, or listed twice, their own values; names stay unique', () => {
    const p = testdataProgram('lifted-constant') as { graph_module: { graph: { outputs: unknown[] }; signature: { output_specs: unknown[] } } };
    for (const name of ['idx', 'linear']) {
      p.graph_module.signature.output_specs.push({ user_output: { arg: { as_tensor: { name } } } });
      p.graph_module.graph.outputs.push({ as_tensor: { name } });
    }
    // A node output named like an initializer (an FQN without dots).
    const text = JSON.stringify(p).replaceAll('"name":"mul"', '"name":"scale"').replace('"mul":{', '"scale_value":{');
    const m = build(testdataArchive('lifted-constant').with({ [PROGRAM]: text }));
    const outs = m.graph.outputs;
    expect(outs).toHaveLength(5);
    expect(new Set(outs).size).toBe(5);
    expect(outs[3]!.producer?.opType).toBe('Identity');
    expect(outs[3]!.producer?.input(0)).toBe(m.graph.inputs[0]);
    expect(outs[4]!.producer?.input(0)).toBe(outs[0]);
    expect(m.graph.initializers.get('scale')?.uses.map((u) => u.node.name)).toEqual(['scale']);
    expect(node(m, 'scale').output(0).name).toBe('scale_1');
    expect(node(m, 'add').input(0)).toBe(node(m, 'scale').output(0));
  });

  it('reads the int64 "to the end" bound exactly', async () => {
    const m = await importPt2(path.join(FIXTURES, 'tensor-ops', 'model.pt2'));
    expect(constant(node(m, 'slice_1').input(3))).toEqual([9223372036854775807n]);
  });

  it('refuses archives that are not .pt2 programs', async () => {
    const file = path.join(FIXTURES, 'mlp', 'model.pt');
    await expect(importPt2(file)).rejects.toThrow(FormatError);
    await expect(importPt2(file)).rejects.toThrow(/not a torch\.export \.pt2 archive: it is a TorchScript archive/);
    const archive = await openTorchArchive(new Uint8Array(readFileSync(file)), file);
    expect(archive.kind).toBe('torchscript');
  });
});
