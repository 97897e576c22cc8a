/**
 * bisect(): runs a copy of the model in which every intermediate tensor of the main graph is also a graph
 * output, on both engines of a comparison, and names the first node (in topological order) whose output
 * differs beyond the tolerance while every input it reads agreed.
 */
import fs from 'node:fs';
import { decodeModel, encodeModel } from '../api/model-io.js';
import { dataTypeInfo } from '../ir/dtype.js';
import { inferShapes } from '../ir/infer/infer-shapes.js';
import type { Model } from '../ir/model.js';
import { sortTopologically } from '../ir/topo-sort.js';
import type { Tensor } from '../ir/tensor.js';
import { compareTensors } from './compare.js';
import { openEngine, type Backend, type EngineSession } from './engines.js';
import { chooseInputs, modelInputs, type InputOptions } from './inputs.js';
import { DEFAULT_TOLERANCE } from './reference.js';
import type { Tolerance } from './metrics.js';
import { tensorStats } from './run-model.js';

export interface BisectOptions extends InputOptions {
  /** The engine under test; default 'cpu'. */
  backend?: Backend;
  /** 'onnxruntime' (default; with backend 'onnxruntime' it means graph optimisation disabled) or 'cpu'. */
  against?: 'onnxruntime' | 'cpu';
  tolerance?: Partial<Tolerance>;
}

export interface BisectInputStats {
  name: string;
  min: number;
  max: number;
  mean: number;
  hasNaN: boolean;
}

export interface BisectDivergence {
  node: string;
  op: string;
  output: string;
  maxAbsError: number;
  maxRelError: number;
  problem?: string;
  inputs: BisectInputStats[];
}

export interface BisectReport {
  backend: string;
  against: string;
  /** Intermediate tensors compared. */
  compared: number;
  /** The first diverging node, or null when every intermediate tensor agrees. */
  divergence: BisectDivergence | null;
}

/** The model's bytes with every typed tensor value of the main graph made a graph output. */
export function exposeIntermediates(bytes: Uint8Array): { bytes: Uint8Array; model: Model } {
  const copy = decodeModel(bytes);
  try {
    inferShapes(copy);
  } catch {
    // Types already declared are enough; the rest are left out.
  }
  sortTopologically(copy.graph);
  const have = new Set(copy.graph.outputs.map((v) => v.name));
  for (const node of copy.graph.nodes()) {
    for (const v of node.outputs) {
      if (v.name === '' || have.has(v.name) || v.type?.kind !== 'tensor') continue;
      copy.graph.addOutput(v);
      have.add(v.name);
    }
  }
  return { bytes: encodeModel(copy), model: copy };
}

export async function bisect(model: string | Uint8Array, options: BisectOptions = {}): Promise<BisectReport> {
  const backend = options.backend ?? 'cpu';
  const against = options.against ?? 'onnxruntime';
  const original = typeof model === 'string' ? new Uint8Array(fs.readFileSync(model)) : model;
  const { bytes, model: ir } = exposeIntermediates(original);
  const chosen = chooseInputs(modelInputs(ir), options);
  const engines: EngineSession[] = [];
  try {
    const other = await openEngine(bytes, against, against === 'onnxruntime' && backend === 'onnxruntime' ? { optimization: 'disabled' } : {});
    engines.push(other);
    const primary = await openEngine(bytes, backend, backend === 'onnxruntime' ? { optimization: 'all' } : {});
    engines.push(primary);
    const want = new Map((await other.run(chosen.inputs)).map((t) => [t.name, t.tensor]));
    const got = new Map((await primary.run(chosen.inputs)).map((t) => [t.name, t.tensor]));
    const values = new Map<string, Tensor>(chosen.inputs.map((t) => [t.name, t.tensor]));
    for (const [name, t] of want) values.set(name, t);
    const bad = new Set<string>();
    let compared = 0;
    let divergence: BisectDivergence | null = null;
    let index = -1;
    for (const node of ir.graph.nodes()) {
      index++;
      const inputsOk = node.inputs.every((v) => v === undefined || v === null || !bad.has(v.name));
      for (const out of node.outputs) {
        const e = want.get(out.name);
        if (e === undefined) continue;
        compared++;
        const tol = { ...(dataTypeInfo(e.dtype).isFloat ? DEFAULT_TOLERANCE : { rtol: 0, atol: 0 }), ...definedOnly(options.tolerance ?? {}) };
        const row = compareTensors(out.name, got.get(out.name), e, tol);
        if (row.ok) continue;
        bad.add(out.name);
        if (inputsOk && divergence === null) {
          divergence = {
            node: node.name ?? `${node.opType} #${index}`,
            op: node.opType,
            output: out.name,
            maxAbsError: row.maxAbsError,
            maxRelError: row.maxRelError,
            ...(row.problem ? { problem: row.problem } : {}),
            inputs: node.inputs.filter((v) => v !== undefined && v !== null && v.name !== '').map((v) => inputStats(v!.name, values.get(v!.name) ?? v!.constValue)),
          };
        }
      }
      if (divergence) break;
    }
    return { backend: primary.label, against: other.label, compared, divergence };
  } finally {
    for (const e of engines) await e.release();
  }
}

function inputStats(name: string, t: Tensor | undefined): BisectInputStats {
  const s = t ? tensorStats(t) : undefined;
  return s ? { name, min: s.min, max: s.max, mean: s.mean, hasNaN: s.nan > 0 } : { name, min: NaN, max: NaN, mean: NaN, hasNaN: false };
}

function definedOnly(o: Partial<Tolerance>): Partial<Tolerance> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
