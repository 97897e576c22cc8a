/**
 * ATen op tables: every case in test/torch-ops/cases/*.json (made by fixtures/torch/op_cases/*.py from
 * PyTorch's own outputs) becomes a one-op source graph, is lowered through the ATen table, validated,
 * run in onnxruntime and compared with torch's outputs within the case's tolerance.
 * Cases we knowingly cannot convert yet sit in EXPECTED_UNSUPPORTED with a reason; one that starts
 * converting fails the run so the table stays honest.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/api/model-io.js';
import { validate } from '../../src/api/validate.js';
import { UnsupportedOpsError } from '../../src/ir/errors.js';
import { Graph } from '../../src/ir/graph.js';
import { Model } from '../../src/ir/model.js';
import { tensorType } from '../../src/ir/types.js';
import type { Value } from '../../src/ir/value.js';
import { compare, DTYPES, num, ortTensor, type TensorJson } from '../support/op-cases.js';
import { lowerToOnnx } from '../../src/importers/common/lower.js';
import '../../src/importers/torch/ops/index.js';
import { SourceGraphBuilder } from '../../src/importers/torch/source-graph.js';
import { atenTable } from '../../src/importers/torch/table.js';

type ArgJson =
  | { tensor: TensorJson }
  | { tensors: (TensorJson | null)[] }
  | { none: null }
  | { int: number | string }
  | { float: number | string }
  | { bool: number }
  | { str: string }
  | { ints: number[] }
  | { floats: (number | string)[] }
  | { dtype: number };
interface CaseJson {
  name: string;
  op: string;
  overload: string;
  args: ArgJson[];
  kwargs: Record<string, ArgJson>;
  outputs: TensorJson[];
  rtol: number;
  atol: number;
}

/** family/case name -> why it cannot convert yet. */
const EXPECTED_UNSUPPORTED: Record<string, string> = {
  'rnn/lstm_proj_size': 'ONNX LSTM has no output projection (nn.LSTM proj_size adds w_hr per layer)',
  'attention/sdpa_dropout': 'dropout_p > 0 draws random numbers; an exported graph would not match torch',
  'activation/dropout_train': 'dropout in training mode draws random numbers; only eval-mode (or p = 0) dropout converts',
  'normalization/batch_norm_training': 'batch_norm with training=True normalizes with batch statistics and updates the running ones: export in eval mode',
  'indexing/index_mask_with_int': 'a boolean mask mixed with integer index tensors (torch turns the mask into nonzero indices broadcast with the others); refused',
  'pooling/avg_pool2d_divisor_override': 'ONNX AveragePool has no divisor override',
  'pooling/adaptive_avg_pool2d_uneven': 'adaptive pooling 7 -> 3 has windows of unequal size, which no ONNX AveragePool expresses',
  'resize/bilinear_default_inconsistent_scales': 'output_size plus scales that map coordinates differently: ONNX Resize takes sizes or scales, not both',
};

function buildCase(c: CaseJson): { model: Model; feeds: Record<string, ort.Tensor> } {
  const g = new Graph(c.name);
  const b = new SourceGraphBuilder(g);
  const feeds: Record<string, ort.Tensor> = {};
  const input = (t: TensorJson): Value => {
    const name = `in${Object.keys(feeds).length}`;
    feeds[name] = ortTensor(t);
    return g.addInput(name, tensorType(DTYPES[t.dtype]!.onnx, t.shape));
  };
  const arg = (a: ArgJson): Value | null => {
    if ('tensor' in a) return input(a.tensor);
    if ('tensors' in a) return b.list(a.tensors.map((t) => (t === null ? null : input(t))));
    if ('none' in a) return null;
    if ('int' in a) return b.pyValue(typeof a.int === 'string' ? BigInt(a.int) : a.int);
    if ('float' in a) return b.pyValue(num(a.float), 'float');
    if ('bool' in a) return b.pyValue(Boolean(a.bool));
    if ('str' in a) return b.pyValue(a.str);
    if ('ints' in a) return b.pyValue(a.ints);
    if ('floats' in a) return b.pyValue(a.floats.map(num), 'float');
    return b.pyValue(a.dtype);
  };
  const args = c.args.map(arg);
  const kwargs = Object.entries(c.kwargs).map(([k, v]) => [k, arg(v)] as [string, Value | null]);
  const op = c.op.slice('aten::'.length);
  const node = b.call('aten', op, c.overload, args, kwargs, c.outputs.map((_, i) => `out${i}`), c.name);
  node.outputs.forEach((v) => g.addOutput(v));
  return { model: new Model(g, new Map([['aten', 1]]), 10), feeds };
}

const dir = path.join(import.meta.dirname, 'cases');
const families = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

for (const file of families) {
  const family = file.replace(/\.json$/, '');
  const cases = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cases: CaseJson[] }).cases;
  describe(`ATen op cases: ${family}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const key = `${family}/${c.name}`;
      const { model, feeds } = buildCase(c);
      const expectedGap = EXPECTED_UNSUPPORTED[key];
      try {
        lowerToOnnx(model, atenTable, { opset: 18 });
      } catch (e) {
        if (expectedGap !== undefined && e instanceof UnsupportedOpsError) return;
        throw e;
      }
      expect(expectedGap, `${key} now converts: remove it from EXPECTED_UNSUPPORTED`).toBeUndefined();
      expect(validate(model).errors).toEqual([]);
      const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
      const out = await session.run(feeds);
      const problems = c.outputs.map((want, i) => compare(out[`out${i}`]!, want, c, i)).filter(Boolean);
      expect(problems).toEqual([]);
    });
  });
}
