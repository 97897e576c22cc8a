/**
 * Shape inference against the ONNX backend test data: every model's declared node-output types are
 * erased, our inference runs from the graph inputs alone, and each inferred output is compared with the
 * dims and element type of the reference output tensor (output_N.pb). A known dim that differs, a
 * wrong rank or dtype, or a rule failure on these valid models fails the test. Unknown dims are counted,
 * not failed. ONNX_SHAPE_FILTER=<substring> narrows the run to matching test names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/api/model-io.js';
import { decodeTensorProto } from '../../src/formats/onnx/codec.js';
import { dataTypeName } from '../../src/ir/dtype.js';
import { inferShapes } from '../../src/ir/infer/infer-shapes.js';
import type { Graph } from '../../src/ir/graph.js';
import { formatShape } from '../../src/ir/shape.js';
import type { ValueType } from '../../src/ir/types.js';
import { listBackendModels, listLightModels, type BackendModel } from '../support/test-data.js';

const filter = process.env['ONNX_SHAPE_FILTER'];
const models = [
  ...listBackendModels(['node', 'simple', 'pytorch-converted', 'pytorch-operator']).filter((m) => m.dataSets.length > 0),
  ...listLightModels(),
].filter((m) => !filter || m.name.includes(filter));

/** Where the reference tensor for output `i` lives: test_data_set_0/, or beside a light model. */
function referenceFile(m: BackendModel, i: number): string {
  return m.category === 'light' ? path.join(m.dir, `${m.name}_output_${i}.pb`) : path.join(m.dataSets[0]!, `output_${i}.pb`);
}

const tally = { models: 0, outputs: 0, exact: 0, partial: 0, unknown: 0, notTensor: 0 };

/** Erases what inference should find: every node output's declared type, in every nested graph. */
function eraseNodeOutputTypes(g: Graph): void {
  for (const n of g) {
    for (const v of n.outputs) v.type = undefined;
    n.subgraphs().forEach(eraseNodeOutputTypes);
  }
}

function longToNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

describe('shape inference agrees with the ONNX backend test outputs', () => {
  it.each(models.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const model = await loadModel(m.modelPath);
    const declared = model.graph.outputs.map((v) => v.type);
    eraseNodeOutputTypes(model.graph);
    const report = inferShapes(model);
    expect(report.errors.map((e) => e.message)).toEqual([]);
    tally.models++;
    const problems: string[] = [];
    model.graph.outputs.forEach((v, i) => {
      const file = referenceFile(m, i);
      if (declared[i]?.kind !== 'tensor' || !fs.existsSync(file)) {
        tally.notTensor++;
        return;
      }
      tally.outputs++;
      const ref = decodeTensorProto(fs.readFileSync(file), file);
      const dims = (ref.dims ?? []).map(longToNumber);
      const t: ValueType | undefined = v.type;
      if (t === undefined || t.kind !== 'tensor') {
        tally.unknown++;
        return;
      }
      if (t.dtype !== ref.data_type) problems.push(`output ${i} ${v.name}: dtype ${dataTypeName(t.dtype)}, reference ${dataTypeName(ref.data_type ?? 0)}`);
      if (t.shape === undefined) {
        tally.unknown++;
        return;
      }
      if (t.shape.length !== dims.length) {
        problems.push(`output ${i} ${v.name}: inferred ${formatShape(t.shape)}, reference [${dims.join(',')}]`);
        return;
      }
      const wrong = t.shape.some((d, k) => typeof d === 'number' && d !== dims[k]);
      if (wrong) problems.push(`output ${i} ${v.name}: inferred ${formatShape(t.shape)}, reference [${dims.join(',')}]`);
      else if (t.shape.every((d) => typeof d === 'number')) tally.exact++;
      else tally.partial++;
    });
    expect(problems).toEqual([]);
  });

  afterAll(() => {
    console.log(
      `shape inference: ${tally.models} of ${models.length} models without error; ${tally.outputs} tensor outputs compared: ` +
        `${tally.exact} exact, ${tally.partial} partially known, ${tally.unknown} unknown; ${tally.notTensor} non-tensor outputs not compared`,
    );
  });
});
