/**
 * The package's public entry points as an installed user sees them: `onnxbridge` and `onnxbridge/runtime`
 * resolved through package.json "exports" (Node's self-reference by package name, on the built dist/).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('package exports', () => {
  it('onnxbridge/runtime runs a model loaded with onnxbridge', () => {
    const script = `
      import { loadModel } from 'onnxbridge';
      import { Session, Tensor } from 'onnxbridge/runtime';
      const model = await loadModel('fixtures/onnx/small-cnn/model.onnx');
      const session = await Session.create(model);
      const input = model.graph.inputs[0];
      const dims = input.type.shape.map((d) => (typeof d === 'number' ? d : 1));
      const n = dims.reduce((a, b) => a * b, 1);
      const out = await session.run({ [input.name]: new Tensor('float32', new Float32Array(n).fill(0.25), dims) });
      console.log(JSON.stringify(Object.values(out).map((t) => [t.type, t.dims])));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([['float32', [1, 10]]]);
  });
});
