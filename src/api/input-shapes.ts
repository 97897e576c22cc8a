import { UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';

/** Parses `name:1x3x224x224` (repeatable) into { name: [1, 3, 224, 224] }. */
export function parseInputShapes(specs: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const spec of specs) {
    const m = /^([^:]+):(\d+(?:x\d+)*)$/.exec(spec);
    if (!m) throw new UsageError(`--input-shape ${JSON.stringify(spec)} must look like name:1x3x224x224`);
    out[m[1]!] = m[2]!.split('x').map(Number);
  }
  return out;
}

/** Fixes the dims of named graph inputs; a known dim that disagrees, or an unknown name, is an error. */
export function overrideInputShapes(model: Model, shapes: Record<string, number[]>, file: string): void {
  for (const [name, dims] of Object.entries(shapes)) {
    const input = model.graph.inputs.find((v) => v.name === name);
    if (input === undefined) {
      const names = model.graph.inputs.map((v) => v.name).join(', ');
      throw new UsageError(`--input-shape: the model has no input ${JSON.stringify(name)} (inputs: ${names})`, { file });
    }
    const t = input.type;
    if (t?.kind !== 'tensor') throw new UsageError(`--input-shape: input ${name} is not a tensor`, { file });
    if (t.shape !== undefined) {
      if (t.shape.length !== dims.length) throw new UsageError(`--input-shape: input ${name} has rank ${t.shape.length}, got ${dims.length} dims`, { file });
      t.shape.forEach((d, i) => {
        if (typeof d === 'number' && d !== dims[i]) throw new UsageError(`--input-shape: dim ${i} of ${name} is fixed at ${d}, got ${dims[i]}`, { file });
      });
    }
    input.type = { ...t, shape: dims };
  }
}
