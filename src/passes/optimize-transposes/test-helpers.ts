/**
 * Shorthands for the transpose pass's tests: build small graphs with the IR classes, and check a pass
 * against onnxruntime (the expected values are onnxruntime's outputs for the model before the pass).
 */
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../api/model-io.js';
import { attr, type Attribute } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { Node } from '../../ir/node.js';
import { ArrayTensor } from '../../ir/tensor.js';
import { tensorType } from '../../ir/types.js';
import type { Value } from '../../ir/value.js';
import { PassManager, type PassManagerResult } from '../infra/pass-manager.js';
import type { Pass } from '../infra/pass.js';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

export class GraphBuilder {
  readonly graph = new Graph('g');
  private n = 0;

  input(name: string, dims: readonly number[], dtype = DataType.FLOAT): Value {
    return this.graph.addInput(name, tensorType(dtype, dims));
  }

  /** A float initializer (int64 or bool with `dtype`), values cycling through `data`. */
  init(name: string, dims: readonly number[], data: readonly number[], dtype = DataType.FLOAT): Value {
    const size = dims.reduce((a, b) => a * b, 1);
    const vals = Array.from({ length: size }, (_, i) => data[i % data.length]!);
    const array = dtype === DataType.INT64 ? BigInt64Array.from(vals, (v) => BigInt(v)) : dtype === DataType.BOOL ? Uint8Array.from(vals) : Float32Array.from(vals);
    const t = new ArrayTensor(dtype, dims, array);
    const v = this.graph.addInitializer(name, t);
    v.type = tensorType(dtype, dims);
    return v;
  }

  ints(name: string, values: readonly number[]): Value {
    return this.init(name, [values.length], values, DataType.INT64);
  }

  op(opType: string, inputs: readonly (Value | null)[], attributes: readonly Attribute[] = [], outputs = 1): Value[] {
    const name = `${opType.toLowerCase()}_${this.n++}`;
    return this.graph.appendNode(new Node(opType, inputs, { name, attributes, outputs: Array.from({ length: outputs }, (_, i) => `${name}_out${i}`) })).outputs;
  }

  one(opType: string, inputs: readonly (Value | null)[], attributes: readonly Attribute[] = []): Value {
    return this.op(opType, inputs, attributes)[0]!;
  }

  t(v: Value, perm: readonly number[]): Value {
    return this.one('Transpose', [v], [attr.ints('perm', [...perm])]);
  }

  output(v: Value, name: string, dims?: readonly number[], dtype = DataType.FLOAT): void {
    v.name = name;
    if (dims !== undefined) v.type = tensorType(dtype, dims);
    this.graph.addOutput(v);
  }

  model(opset = 18): Model {
    return new Model(this.graph, new Map([['', opset]]), 10);
  }
}

export function count(model: Model, opType: string): number {
  return [...model.graph].filter((n) => n.opType === opType).length;
}

export function opTypes(model: Model): string[] {
  return [...model.graph].map((n) => n.opType);
}

/** Deterministic pseudo-random numbers in [-2, 2) (mulberry32). */
export function randoms(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2);
  });
}

/** Multiples of 1/8: sums of a few thousand of them are exact in float32, whatever the order. */
export function onGrid(xs: ArrayLike<number>): number[] {
  return Array.from(xs, (v) => Math.round(v * 8) / 8);
}

export interface FeedOptions {
  seed?: number;
  /** Feed values on the 1/8 grid (see onGrid), for models that sum along some axes. */
  exact?: boolean;
  /** Most pass-manager rounds expected, the final no-change round included (default 2). */
  rounds?: number;
  /**
   * Accept a zero of the other sign: ReduceMax/ReduceMin over both -0 and +0 may keep either, depending
   * on the order they meet (IEEE leaves it open). Every other bit must still agree.
   */
  eitherZero?: boolean;
}

/** Random feeds for every (float) graph input, from its declared static shape. */
export function randomFeeds(model: Model, { seed = 1, exact = false }: FeedOptions = {}): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  model.graph.inputs.forEach((v, i) => {
    const t = v.type;
    if (t?.kind !== 'tensor' || t.shape === undefined || t.dtype !== DataType.FLOAT) throw new Error(`input ${v.name}: give it a static float type`);
    const dims = t.shape as number[];
    const data = randoms(dims.reduce((a, b) => a * b, 1), seed * 1000 + i);
    feeds[v.name] = new ort.Tensor('float32', exact ? Float32Array.from(onGrid(data)) : data, dims);
  });
  return feeds;
}

export async function runOrt(model: Model, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** The bytes of an output, so that the comparison is bit for bit (NaN payloads and -0 included). */
function bits(t: ort.Tensor): Uint8Array {
  const d = t.data as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * Runs the model in onnxruntime, optimizes it with `passes` (verifying the IR after each), runs it again
 * on the same inputs and expects every output to be bit-identical, with the same dims and names.
 */
export async function expectSameOutputs(model: Model, passes: readonly Pass[], feedOptions: FeedOptions = {}): Promise<PassManagerResult> {
  const feeds = randomFeeds(model, feedOptions);
  const before = await runOrt(model, feeds);
  const result = new PassManager(passes, { verify: true }).run(model);
  // By default the worklist reaches the fixpoint in one run: the manager's second round finds nothing.
  expect(result.converged).toBe(true);
  expect(result.steps).toBeLessThanOrEqual(feedOptions.rounds ?? 2);
  const after = await runOrt(result.model, feeds);
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const [name, want] of Object.entries(before)) {
    const got = after[name]!;
    expect(got.dims, name).toEqual(want.dims);
    expect(got.type, name).toBe(want.type);
    const same = Buffer.from(bits(got)).equals(Buffer.from(bits(want)));
    if (!same && feedOptions.eitherZero && got.type === 'float32') {
      const w = want.data as Float32Array;
      const differ = Array.from(got.data as Float32Array).flatMap((x, i) => (Object.is(x, w[i]) || (x === 0 && w[i] === 0) ? [] : [i]));
      expect(differ, `${name}: elements that differ other than in the sign of a zero`).toEqual([]);
    } else expect(same, `${name} is bit-identical`).toBe(true);
  }
  return result;
}
