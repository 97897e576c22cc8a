/** Runs one ONNX node in our CPU Session and in onnxruntime-node and expects the same outputs (kernel tests). */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../src/api/model-io.js';
import type { Attribute } from '../../src/ir/attribute.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph } from '../../src/ir/graph.js';
import { Model } from '../../src/ir/model.js';
import { Node } from '../../src/ir/node.js';
import { tensorType } from '../../src/ir/types.js';
import { Session } from '../../src/runtime/session.js';
import type { Tensor } from '../../src/runtime/tensor.js';

const DT: Record<string, DataType> = { string: DataType.STRING, int64: DataType.INT64, float32: DataType.FLOAT, bool: DataType.BOOL, int32: DataType.INT32, float64: DataType.DOUBLE };

/**
 * Runs one node in our session and in onnxruntime; expects equal types, dims and values on every output
 * (numbers within `tol` * (1 + |expected|) when `tol` is given, for kernels that call exp or log).
 */
export async function matchOrt(op: string, inputs: Tensor[], outTypes: string[], attributes: Attribute[], domain = '', opset = 20, domainOpset = 4, tol = 0): Promise<void> {
  const g = new Graph(op);
  const ins = inputs.map((t, i) => g.addInput(`x${i}`, tensorType(DT[t.type]!, [...t.dims])));
  const node = g.appendNode(new Node(op, ins, { name: op, outputs: outTypes.map((_, i) => `y${i}`), attributes, domain }));
  outTypes.forEach((t, i) => {
    const v = node.output(i);
    v.type = tensorType(DT[t]!);
    g.addOutput(v);
  });
  const imports = new Map([['', opset]]);
  if (domain) imports.set(domain, domainOpset);
  const model = new Model(g, imports);
  const feeds = Object.fromEntries(inputs.map((t, i) => [`x${i}`, new ort.Tensor(t.type as 'string', t.data as string[], t.dims)]));
  const want = await (await ort.InferenceSession.create(encodeModel(model))).run(feeds);
  const got = await (await Session.create(model)).run(Object.fromEntries(inputs.map((t, i) => [`x${i}`, t])));
  outTypes.forEach((_, i) => {
    const w = want[`y${i}`]!;
    const t = got[`y${i}`]!;
    expect([t.type, t.dims]).toEqual([w.type, w.dims]);
    const norm = (d: ArrayLike<unknown>) => Array.from(d, (v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v));
    const [gv, wv] = [norm(t.data as ArrayLike<unknown>), norm(w.data as ArrayLike<unknown>)];
    if (tol === 0) return expect(gv).toEqual(wv);
    expect(gv.length).toBe(wv.length);
    wv.forEach((e, j) => {
      const g = gv[j];
      if (typeof e === 'number' && typeof g === 'number' && !Number.isNaN(e)) expect(Math.abs(g - e), `y${i}[${j}]: ${g} vs ${e}`).toBeLessThanOrEqual(tol * (1 + Math.abs(e)));
      else expect(g, `y${i}[${j}]`).toEqual(e);
    });
  });
}
