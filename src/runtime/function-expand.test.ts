/**
 * Function expansion against onnxruntime-node: each model runs on a registry with the op's kernel hidden,
 * so it can only run through its ONNX function body (or a model-local function); expected values come
 * from onnxruntime, never from our code.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../api/model-io.js';
import { AttributeType, type Attribute } from '../ir/attribute.js';
import { DataType } from '../ir/dtype.js';
import { UnsupportedOpsError } from '../ir/errors.js';
import { Graph } from '../ir/graph.js';
import { Func, Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { tensorType } from '../ir/types.js';
import type { Backend } from './backend.js';
import { cpuKernels } from './cpu/index.js';
import { KernelRegistry } from './registry.js';
import { Session } from './session.js';
import { Tensor } from './tensor.js';
import { attr } from './test-models.js';

/** The CPU kernels without `hidden`: those ops can only run expanded. */
function without(...hidden: string[]): Backend {
  class Hiding extends KernelRegistry {
    override lookup(domain: string, op: string, opset: number) {
      return hidden.includes(op) ? undefined : cpuKernels.lookup(domain, op, opset);
    }
  }
  return { name: 'cpu-without', kernels: new Hiding() };
}

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * 3;
  });
}

function oneNode(op: string, dims: number[], attributes: Attribute[], opset: number, domain = ''): Model {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, dims));
  const n = g.appendNode(new Node(op, [x], { name: 'n0', domain, outputs: ['y'], attributes }));
  n.output(0).type = tensorType(DataType.FLOAT);
  g.addOutput(n.output(0));
  return new Model(g, new Map([['', opset]]));
}

/** Runs `model` on onnxruntime (first, before expansion changes it) and on ours without the `hidden` kernels. */
async function compare(model: Model, dims: number[], seed: number, ...hidden: string[]): Promise<void> {
  const x = new Tensor('float32', Float32Array.from(rand(dims.reduce((a, b) => a * b, 1), seed)), dims);
  const ref = await ort.InferenceSession.create(encodeModel(model));
  const want = (await ref.run({ x: new ort.Tensor('float32', x.data as Float32Array, dims) })).y!;
  const got = (await (await Session.create(model, { backend: without(...hidden) })).run({ x })).y!;
  expect(got.dims).toEqual(want.dims);
  const wv = Array.from(want.data as Float32Array);
  Array.from(got.data as Float32Array).forEach((v, i) => expect(Math.abs(v - wv[i]!), `y[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(wv[i]!)));
  for (const n of model.graph) expect(hidden).not.toContain(n.opType);
}

describe('function expansion matches onnxruntime-node', () => {
  it('MeanVarianceNormalization (body written for opset 18, model at 21) with axes', async () => {
    await compare(oneNode('MeanVarianceNormalization', [3, 2, 5], [attr.ints('axes', [0, 2])], 21), [3, 2, 5], 1, 'MeanVarianceNormalization');
  });

  it('ThresholdedRelu: alpha given, and alpha from the schema default (attribute reference)', async () => {
    await compare(oneNode('ThresholdedRelu', [4, 5], [attr.float('alpha', 0.7)], 22), [4, 5], 2, 'ThresholdedRelu');
    await compare(oneNode('ThresholdedRelu', [4, 5], [], 22), [4, 5], 3, 'ThresholdedRelu');
  });

  it('Shrink with bias and lambd', async () => {
    await compare(oneNode('Shrink', [6], [attr.float('bias', 0.5), attr.float('lambd', 1.2)], 21), [6], 4, 'Shrink');
  });

  it('a model-local function calling a function op (nested expansion, function attribute default)', async () => {
    const body = new Graph('body');
    const bx = body.addInput('X');
    const ref: Attribute = { name: 'alpha', type: AttributeType.FLOAT, ref: 'a' };
    const t = body.appendNode(new Node('ThresholdedRelu', [bx], { outputs: ['T'], attributes: [ref] }));
    const m = body.appendNode(new Node('Mul', [t.output(0), bx], { outputs: ['Y'] }));
    body.addOutput(m.output(0));
    const fn = new Func('local.fns', 'SquaredThreshold', body);
    fn.attributes = ['a'];
    fn.attributeDefaults = [attr.float('a', 0.4)];
    fn.opsetImports = new Map([['', 22]]);
    for (const given of [[attr.float('a', 1.1)], []]) {
      const model = oneNode('SquaredThreshold', [3, 4], given, 22, 'local.fns');
      model.opsetImports.set('local.fns', 1);
      model.functions = [fn];
      await compare(model, [3, 4], 5, 'ThresholdedRelu');
    }
  });

  it('leaves context-dependent bodies (Celu) unsupported', async () => {
    await expect(Session.create(oneNode('Celu', [2], [], 21), { backend: without('Celu') })).rejects.toThrow(UnsupportedOpsError);
  });
});
