/**
 * Every committed TorchScript fixture (fixtures/torch/<model>/model.pt, real torch 2.13 traces) imports
 * to a source graph that matches what torch itself recorded: the ATen ops and their counts of the traced
 * graph (meta.json), the input names and dtypes of the trace, the outputs, and the module tensors the
 * code reads (testdata/parameters.json, written by testdata/make_parameters.py from torch.jit.load).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openTorchArchive } from '../../../formats/torch/torch-archive.js';
import { DataType } from '../../../ir/dtype.js';
import type { Node } from '../../../ir/node.js';
import { BytesTensor } from '../../../ir/tensor.js';
import { importTorchScriptArchive } from './index.js';

const ROOT = fileURLToPath(new URL('../../../../fixtures/torch', import.meta.url));
const MODELS = readdirSync(ROOT).filter((d) => existsSync(`${ROOT}/${d}/model.pt`)).sort();
const PARAMETERS = JSON.parse(readFileSync(new URL('./testdata/parameters.json', import.meta.url), 'utf8')) as {
  models: Record<string, Record<string, number[]>>;
};

interface Meta {
  inputs: { name: string; shape: number[]; dtype: string }[];
  outputs: { name: string }[];
  torchscript: { aten_ops: Record<string, number> };
}

const DTYPES: Record<string, DataType> = { float32: DataType.FLOAT, int64: DataType.INT64 };

/**
 * meta.json counts the ops of torch's `inlined_graph` of the loaded model. Torch's inliner splices in
 * each submodule method's *optimized* graph, whose peephole pass folds `aten::Int(prim::NumToTensor(n))`
 * to `n`; the root method's own graph keeps such pairs. The printed code (what we read) keeps them
 * everywhere, so an aten::Int of a NumToTensor inside an inlined submodule (a scoped node name) is one
 * torch dropped after loading.
 */
function peepholedByTorch(n: Node): boolean {
  return n.opType === 'Int' && (n.name ?? '').includes('/') && n.input(0)?.producer?.opType === 'NumToTensor';
}

async function load(model: string) {
  const file = `${ROOT}/${model}/model.pt`;
  const bytes = readFileSync(file);
  const archive = await openTorchArchive(bytes, file);
  return { model: importTorchScriptArchive(archive), bytes, meta: JSON.parse(readFileSync(`${ROOT}/${model}/meta.json`, 'utf8')) as Meta };
}

describe('TorchScript fixtures import to aten source graphs', () => {
  it('finds the 11 fixtures', () => {
    expect(MODELS).toHaveLength(11);
  });

  for (const name of MODELS) {
    describe(name, async () => {
      const { model, bytes, meta } = await load(name);
      const g = model.graph;

      it('has the aten ops of the traced graph, each as often', () => {
        const counts: Record<string, number> = {};
        for (const n of g) {
          if (n.domain !== 'aten' || peepholedByTorch(n)) continue;
          counts[`aten::${n.opType}`] = (counts[`aten::${n.opType}`] ?? 0) + 1;
        }
        expect(counts).toEqual(meta.torchscript.aten_ops);
        // Nothing but source ops and the Constant nodes holding their literal arguments.
        expect([...g].filter((n) => n.domain === '' && n.opType !== 'Constant').map((n) => n.opType)).toEqual([]);
      });

      it('takes the inputs of the trace, by name, with their dtypes and every dim symbolic', () => {
        expect(g.inputs.map((v) => v.name)).toEqual(meta.inputs.map((i) => i.name));
        g.inputs.forEach((v, i) => {
          const want = meta.inputs[i]!;
          expect(v.type).toEqual({ kind: 'tensor', dtype: DTYPES[want.dtype], shape: want.shape.map((_, k) => `${v.name}_dim${k}`) });
        });
      });

      it('returns as many outputs as torch did', () => {
        expect(g.outputs).toHaveLength(meta.outputs.length);
      });

      it('holds the module tensors the code reads as initializers named by their path, viewing the archive bytes', () => {
        const got = Object.fromEntries([...g.initializers].map(([k, v]) => [k, v.constValue?.dims]));
        expect(got).toEqual(PARAMETERS.models[name]);
        for (const v of g.initializers.values()) {
          expect(v.constValue).toBeInstanceOf(BytesTensor);
          expect((v.constValue as BytesTensor).raw.buffer).toBe(bytes.buffer);
        }
      });
    });
  }
});
