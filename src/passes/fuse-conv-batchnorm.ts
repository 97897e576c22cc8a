/**
 * fuse-conv-batchnorm: folds an inference BatchNormalization into the Conv or ConvTranspose that feeds
 * it. With s = scale / sqrt(var + epsilon) per output channel m, the fused weights are W'[m] = W[m] * s[m]
 * and B'[m] = (B[m] - mean[m]) * s[m] + beta[m] (B = 0 when the conv has no bias), computed in float64 and
 * stored in the weights' dtype (float or double). It applies only when all of W, B and the four BN
 * parameters are constants (non-overridable initializers or Constant nodes), the conv output has no
 * other reader and is not a graph output, and the BN runs in inference mode with its extra outputs unused.
 * The BN output keeps its name (and its graph-output role) on the fused conv. New tensors are always made:
 * the old ones may be shared with another model (zero-copy weights), and are dropped only when nothing
 * reads them any more.
 */
import { DataType } from '../ir/dtype.js';
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import type { Node } from '../ir/node.js';
import { ArrayTensor, type Tensor } from '../ir/tensor.js';
import { tensorType } from '../ir/types.js';
import { Value } from '../ir/value.js';
import { dropIfUnused, modelNames } from './infra/constants.js';
import type { Pass, PassResult } from './infra/pass.js';
import { constantOf } from './optimize-transposes/constants.js';

const FLOAT_TYPES = new Set([DataType.FLOAT, DataType.DOUBLE]);

/** The values of a float/double constant, as float64. */
function floats(t: Tensor): Float64Array {
  return Float64Array.from(t.toArray() as Float32Array | Float64Array);
}

function store(dtype: DataType, values: Float64Array): Float32Array | Float64Array {
  return dtype === DataType.DOUBLE ? values : Float32Array.from(values);
}

interface Fold {
  w: Tensor;
  b: Tensor;
}

/** The fused weight and bias for `conv` followed by `bn`, or undefined when the pattern does not apply. */
function foldWeights(conv: Node, bn: Node): Fold | undefined {
  const w = constantOf(conv.input(1));
  const biasIn = conv.input(2);
  const b = biasIn === null ? undefined : constantOf(biasIn);
  if (w === undefined || (biasIn !== null && b === undefined)) return undefined;
  const params = [1, 2, 3, 4].map((i) => constantOf(bn.input(i)));
  if (params.some((p) => p === undefined)) return undefined;
  const [scale, beta, mean, variance] = params as [Tensor, Tensor, Tensor, Tensor];
  if (!FLOAT_TYPES.has(w.dtype) || w.dims.length < 3) return undefined;
  if (![b, scale, beta, mean, variance].every((t) => t === undefined || t.dtype === w.dtype)) return undefined;

  const group = conv.attrInt('group', 1);
  const transposed = conv.opType === 'ConvTranspose';
  // Conv weights are [M, C/group, k...]; ConvTranspose weights are [C, M/group, k...].
  const outChannels = transposed ? w.dims[1]! * group : w.dims[0]!;
  if (group < 1 || (transposed && w.dims[0]! % group !== 0)) return undefined;
  const perChannel = (t: Tensor | undefined): boolean => t === undefined || (t.dims.length === 1 && t.dims[0] === outChannels);
  if (![b, scale, beta, mean, variance].every(perChannel)) return undefined;

  const eps = bn.attrFloat('epsilon', 1e-5);
  const [sc, be, mu, va] = [scale, beta, mean, variance].map(floats) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const s = sc.map((g, m) => g / Math.sqrt(va[m]! + eps));
  const bias = b === undefined ? new Float64Array(outChannels) : floats(b);
  const newBias = bias.map((x, m) => (x - mu[m]!) * s[m]! + be[m]!);

  const wv = floats(w);
  const inner = w.dims.slice(2).reduce((p, d) => p * d, 1);
  if (transposed) {
    const perGroupOut = w.dims[1]!;
    const perGroupIn = w.dims[0]! / group;
    for (let c = 0; c < w.dims[0]!; c++) {
      const g = Math.floor(c / perGroupIn);
      for (let o = 0; o < perGroupOut; o++) {
        const k = s[g * perGroupOut + o]!;
        const base = (c * perGroupOut + o) * inner;
        for (let i = 0; i < inner; i++) wv[base + i]! *= k;
      }
    }
  } else {
    const perOut = wv.length / outChannels;
    for (let m = 0; m < outChannels; m++) {
      const k = s[m]!;
      for (let i = m * perOut; i < (m + 1) * perOut; i++) wv[i]! *= k;
    }
  }
  return { w: new ArrayTensor(w.dtype, w.dims, store(w.dtype, wv)), b: new ArrayTensor(w.dtype, [outChannels], store(w.dtype, newBias)) };
}

/** Whether `bn` computes inference BatchNormalization and nothing reads its other outputs. */
function isInferenceBatchNorm(bn: Node): boolean {
  if (bn.opType !== 'BatchNormalization' || bn.domain !== '' || bn.inputs.length !== 5) return false;
  if (bn.attrInt('training_mode', 0) !== 0 || bn.attrInt('spatial', 1) !== 1 || bn.attrInt('is_test', 1) === 0) return false;
  return bn.outputs.slice(1).every((o) => o.uses.length === 0 && !o.isGraphOutput());
}

function fuseGraph(graph: Graph, names: () => Set<string>): boolean {
  let changed = false;
  for (const bn of graph) {
    for (const g of bn.subgraphs()) changed = fuseGraph(g, names) || changed;
    if (!isInferenceBatchNorm(bn)) continue;
    const x = bn.input(0);
    const conv = x?.producer;
    if (x === null || conv === undefined || conv.graph !== graph || conv.domain !== '') continue;
    if (conv.opType !== 'Conv' && conv.opType !== 'ConvTranspose') continue;
    if (x.uses.length !== 1 || x.isGraphOutput()) continue;
    const fold = foldWeights(conv, bn);
    if (fold === undefined) continue;

    const old = [conv.input(1), conv.input(2), ...bn.inputs.slice(1)];
    conv.setInput(1, addConstant(graph, fold.w, `${conv.input(1)!.name}_bnfused`, names));
    conv.setInput(2, addConstant(graph, fold.b, `${conv.name || 'conv'}_bias_bnfused`, names));
    const y = bn.output(0);
    if (y.type !== undefined) x.type = y.type;
    y.replaceAllUsesWith(x);
    graph.removeNode(bn, true);
    for (const v of old) dropIfUnused(v);
    changed = true;
  }
  return changed;
}

function addConstant(graph: Graph, t: Tensor, base: string, names: () => Set<string>): Value {
  const taken = names();
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return graph.addInitializer(new Value(name, tensorType(t.dtype, t.dims)), t);
}

export const fuseConvBatchNorm: Pass = {
  name: 'fuse-conv-batchnorm',
  summary: 'fold an inference BatchNormalization with constant parameters into the Conv/ConvTranspose before it',
  inPlace: true,
  run(model: Model): PassResult {
    let names: Set<string> | undefined;
    const modified = fuseGraph(model.graph, () => (names ??= modelNames(model)));
    return { model, modified };
  },
};
