/**
 * The random kernels. Seeded nodes against ONNX's reference implementation (onnx 1.22.0,
 * onnx.reference.ReferenceEvaluator, numpy 2.4 RandomState): the expected values below were printed by
 * running each one-node model (opset 22, same attributes and inputs) through it. Beyond that, what can be
 * checked of random values: shapes, dtypes, ranges, p = 0 / p = 1 exactly, mean and variance of 1e5 samples
 * within statistical bounds, and reproducibility with a seed.
 */
import { describe, expect, it } from 'vitest';
import { attr, type Attribute } from '../../../../ir/attribute.js';
import { DataType } from '../../../../ir/dtype.js';
import { Graph } from '../../../../ir/graph.js';
import { Model } from '../../../../ir/model.js';
import { Node } from '../../../../ir/node.js';
import { tensorType } from '../../../../ir/types.js';
import { Session } from '../../../session.js';
import { dataTypeOf, Tensor, type TensorType } from '../../../tensor.js';
import { numbersOf } from '../../numeric.js';

async function sessionFor(op: string, attrs: Attribute[], input?: Tensor, out: DataType = DataType.FLOAT): Promise<Session> {
  const g = new Graph('g');
  const ins = input ? [g.addInput('x', tensorType(dataTypeOf(input.type), input.dims))] : [];
  const n = g.appendNode(new Node(op, ins, { name: 'n', outputs: ['y'], attributes: attrs }));
  n.output(0).type = tensorType(out);
  g.addOutput(n.output(0));
  return Session.create(new Model(g, new Map([['', 22]])), { backend: 'cpu' });
}

async function run(op: string, attrs: Attribute[], input?: Tensor, out: DataType = DataType.FLOAT): Promise<Tensor> {
  const s = await sessionFor(op, attrs, input, out);
  return (await s.run(input ? { x: input } : {}))['y']!;
}

const values = (t: Tensor): number[] => Array.from(numbersOf(t));
const f64 = (v: number[], dims = [v.length]): Tensor => new Tensor('float64', Float64Array.from(v), dims);
const f32 = (v: number[], dims = [v.length]): Tensor => new Tensor('float32', Float32Array.from(v), dims);

function stats(v: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, variance: q / (v.length - 1) };
}

describe('seeded values equal the ONNX reference implementation', () => {
  const cases: [string, () => Promise<Tensor>, TensorType, number[][] | number[]][] = [
    ['RandomUniform float32', () => run('RandomUniform', [attr.ints('shape', [2, 3]), attr.float('seed', 0), attr.float('low', -2), attr.float('high', 5)]), 'float32',
      [[1.8416945934295654, 3.0063252449035645, 2.219343662261963], [1.8141822814941406, 0.9655835628509521, 2.52125883102417]]],
    ['RandomUniform float64', () => run('RandomUniform', [attr.ints('shape', [5]), attr.float('seed', 7), attr.int('dtype', DataType.DOUBLE)], undefined, DataType.DOUBLE), 'float64',
      [0.07630828937395717, 0.7799187922401146, 0.4384092314408935, 0.7234651778309412, 0.9779895119966027]],
    ['RandomUniform float16', () => run('RandomUniform', [attr.ints('shape', [6]), attr.float('seed', 5), attr.int('dtype', DataType.FLOAT16), attr.float('low', -1), attr.float('high', 3)], undefined, DataType.FLOAT16), 'float16',
      [-0.11181640625, 2.482421875, -0.17333984375, 2.673828125, 0.9541015625, 1.447265625]],
    ['RandomNormal float32 (odd count: the polar pair is split)', () => run('RandomNormal', [attr.ints('shape', [7]), attr.float('seed', 3), attr.float('mean', 1.5), attr.float('scale', 2)]), 'float32',
      [5.07725715637207, 2.3730196952819824, 1.6929949522018433, -2.226985454559326, 0.9452235698699951, 0.7904820442199707, 1.334517002105713]],
    ['RandomNormal float64', () => run('RandomNormal', [attr.ints('shape', [3, 3]), attr.float('seed', 12345), attr.int('dtype', DataType.DOUBLE)], undefined, DataType.DOUBLE), 'float64',
      [[-0.20470765948471295, 0.47894333805754824, -0.5194387150567381], [-0.55573030434749, 1.9657805725027142, 1.3934058329729904], [0.09290787674371767, 0.2817461528302025, 0.7690225676118387]]],
    ['RandomNormal float16', () => run('RandomNormal', [attr.ints('shape', [5]), attr.float('seed', 11), attr.int('dtype', DataType.FLOAT16)], undefined, DataType.FLOAT16), 'float16',
      [1.7490234375, -0.2861328125, -0.484619140625, -2.65234375, -0.0082855224609375]],
    ['RandomUniformLike int32 input, dtype double', () => run('RandomUniformLike', [attr.float('seed', 1), attr.int('dtype', DataType.DOUBLE), attr.float('low', 10), attr.float('high', 20)], new Tensor('int32', new Int32Array(4), [2, 2]), DataType.DOUBLE), 'float64',
      [[14.17022004702574, 17.20324493442158], [10.00114374817345, 13.023325726318397]]],
    ['RandomNormalLike float32 input', () => run('RandomNormalLike', [attr.float('seed', 2)], f32([0, 0, 0, 0])), 'float32',
      [-0.41675785183906555, -0.05626682564616203, -2.1361961364746094, 1.6402708292007446]],
    ['Bernoulli float64', () => run('Bernoulli', [attr.float('seed', 0)], f64([0, 1, 0.5, 0.3, 0.9, 0.5, 0.01, 0.99, 1, 0, 0.25, 0.75]), DataType.DOUBLE), 'float64',
      [0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1]],
    ['Bernoulli float32 input, dtype int32', () => run('Bernoulli', [attr.float('seed', 42), attr.int('dtype', DataType.INT32)], f32([0, 1, 0.5, 0.3, 0.9, 0.5, 0.01, 0.99, 1, 0, 0.25, 0.75]), DataType.INT32), 'int32',
      [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0]],
  ];
  it.each(cases)('%s', async (_name, make, type, want) => {
    const y = await make();
    const w = want as (number | number[])[];
    expect(y.type).toBe(type);
    expect(y.dims).toEqual(Array.isArray(w[0]) ? [w.length, (w[0] as number[]).length] : [w.length]);
    expect(values(y)).toEqual(w.flat());
  });
});

describe('shapes and dtypes', () => {
  it('RandomUniform/RandomNormal take `shape` and default to float32', async () => {
    for (const op of ['RandomUniform', 'RandomNormal']) {
      const y = await run(op, [attr.ints('shape', [2, 0, 3])]);
      expect([y.type, y.dims]).toEqual(['float32', [2, 0, 3]]);
      const z = await run(op, [attr.ints('shape', [4, 1]), attr.int('dtype', DataType.BFLOAT16)], undefined, DataType.BFLOAT16);
      expect([z.type, z.dims]).toEqual(['bfloat16', [4, 1]]);
    }
  });

  it('the *Like ops take the input shape, and its type when there is no dtype', async () => {
    const x = new Tensor('float16', new Uint16Array(6), [3, 2]);
    for (const op of ['RandomUniformLike', 'RandomNormalLike']) {
      const y = await run(op, [], x, DataType.FLOAT16);
      expect([y.type, y.dims]).toEqual(['float16', [3, 2]]);
      await expect(run(op, [], new Tensor('int64', new BigInt64Array(2), [2]), DataType.INT64)).rejects.toThrow(/float tensors/);
    }
  });

  it('Bernoulli outputs any numeric dtype or bool', async () => {
    const p = f32([0, 1, 1, 0], [2, 2]);
    const b = await run('Bernoulli', [attr.int('dtype', DataType.BOOL)], p, DataType.BOOL);
    expect([b.type, b.dims, Array.from(b.data as Uint8Array)]).toEqual(['bool', [2, 2], [0, 1, 1, 0]]);
    const i = await run('Bernoulli', [attr.int('dtype', DataType.INT64)], p, DataType.INT64);
    expect([i.type, Array.from(i.data as BigInt64Array)]).toEqual(['int64', [0n, 1n, 1n, 0n]]);
    await expect(run('Bernoulli', [], f32([0.5, 1.5]))).rejects.toThrow(/not in \[0, 1\]/);
  });

  it('Multinomial gives [batch, sample_size] class indices, int32 by default or int64', async () => {
    const logits = f32([0, 1, 2, 3, 0, 0, 0, 0], [2, 4]);
    const y = await run('Multinomial', [attr.int('sample_size', 5)], logits, DataType.INT32);
    expect([y.type, y.dims]).toEqual(['int32', [2, 5]]);
    expect(values(y).every((v) => Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);
    const z = await run('Multinomial', [attr.int('sample_size', 3), attr.int('dtype', DataType.INT64)], logits, DataType.INT64);
    expect([z.type, z.dims]).toEqual(['int64', [2, 3]]);
  });
});

describe('distributions over 1e5 samples', () => {
  const N = 100_000;
  // A sample mean lies within 5 standard errors of the true mean with probability 1 - 6e-7; a sample
  // variance within 5 of its standard errors (sigma^2 * sqrt((kurtosis - 1) / N)) alike.
  const near = (got: number, want: number, se: number): void => expect(Math.abs(got - want)).toBeLessThan(5 * se);

  it('RandomUniform: within [low, high), mean (low + high) / 2, variance (high - low)^2 / 12', async () => {
    const y = await run('RandomUniform', [attr.ints('shape', [N]), attr.float('seed', 9), attr.float('low', -3), attr.float('high', 5), attr.int('dtype', DataType.DOUBLE)], undefined, DataType.DOUBLE);
    const v = y.data as Float64Array;
    expect(v.every((x) => x >= -3 && x < 5)).toBe(true);
    const { mean, variance } = stats(v);
    const sigma2 = 64 / 12;
    near(mean, 1, Math.sqrt(sigma2 / N));
    near(variance, sigma2, sigma2 * Math.sqrt(0.8 / N)); // uniform: kurtosis 1.8
  });

  it('RandomNormal: mean and variance', async () => {
    const y = await run('RandomNormal', [attr.ints('shape', [N]), attr.float('seed', 10), attr.float('mean', -2), attr.float('scale', 3)]);
    const { mean, variance } = stats(y.data as Float32Array);
    near(mean, -2, 3 / Math.sqrt(N));
    near(variance, 9, 9 * Math.sqrt(2 / N)); // normal: kurtosis 3
    // and the tails are there: about 0.27% beyond 3 sigma
    const beyond = Array.from(y.data as Float32Array).filter((x) => Math.abs(x + 2) > 9).length / N;
    near(beyond, 0.0027, Math.sqrt(0.0027 / N));
  });

  it('Bernoulli: p = 0 and p = 1 exactly, mean p otherwise', async () => {
    const p = new Float32Array(N);
    for (let i = 0; i < N; i++) p[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 0.3;
    const y = (await run('Bernoulli', [], new Tensor('float32', p, [N]))).data as Float32Array;
    let ones = 0;
    let wrong = 0;
    for (let i = 0; i < N; i++) {
      if (i % 3 === 0) wrong += y[i]! === 0 ? 0 : 1;
      else if (i % 3 === 1) wrong += y[i]! === 1 ? 0 : 1;
      else ones += y[i]!;
    }
    expect(wrong).toBe(0);
    const m = Math.floor(N / 3);
    near(ones / m, 0.3, Math.sqrt((0.3 * 0.7) / m));
  });

  it('Multinomial: class frequencies follow softmax(logits); -inf logits are never drawn', async () => {
    const logits = [Math.log(0.1), Math.log(0.2), -Infinity, Math.log(0.7)];
    const y = await run('Multinomial', [attr.int('sample_size', N), attr.float('seed', 4)], f64(logits, [1, 4]), DataType.INT32);
    const counts = [0, 0, 0, 0];
    for (const c of y.data as Int32Array) counts[c]!++;
    expect(counts[2]).toBe(0);
    [0.1, 0.2, 0, 0.7].forEach((p, c) => p > 0 && near(counts[c]! / N, p, Math.sqrt((p * (1 - p)) / N)));
  });
});

describe('seeds', () => {
  const ops: [string, Attribute[], Tensor | undefined][] = [
    ['RandomUniform', [attr.ints('shape', [64])], undefined],
    ['RandomNormal', [attr.ints('shape', [64])], undefined],
    ['RandomUniformLike', [], f32(new Array(64).fill(0))],
    ['RandomNormalLike', [], f32(new Array(64).fill(0))],
    ['Bernoulli', [], f32(new Array(64).fill(0.5))],
    ['Multinomial', [attr.int('sample_size', 64)], f32([0, 0, 0, 0], [1, 4])],
  ];
  it.each(ops)('%s: the same seed gives the same values on every run and session; another seed or none does not', async (op, attrs, x) => {
    const out = op === 'Multinomial' ? DataType.INT32 : DataType.FLOAT;
    const feeds: Record<string, Tensor> = x ? { x } : {};
    const seeded = await sessionFor(op, [...attrs, attr.float('seed', 123)], x, out);
    const a = values((await seeded.run(feeds))['y']!);
    expect(values((await seeded.run(feeds))['y']!)).toEqual(a);
    expect(values(await run(op, [...attrs, attr.float('seed', 123)], x, out))).toEqual(a);
    expect(values(await run(op, [...attrs, attr.float('seed', 124)], x, out))).not.toEqual(a);
    const unseeded = await sessionFor(op, attrs, x, out);
    expect(values((await unseeded.run(feeds))['y']!)).not.toEqual(values((await unseeded.run(feeds))['y']!));
  });
});
