/**
 * What forward returns becomes the graph outputs: one value, the items of a tuple or list (nested ones
 * flattened in order, as torch.onnx does), or the values of a dict, each named by its key. An output
 * that is also a graph input, an initializer, a shared constant or an earlier output is copied through
 * an ONNX Identity so that every graph output is a value of its own with its own name.
 */
import type { Loc } from '../../../formats/torch/torchscript/index.js';
import { Node } from '../../../ir/node.js';
import type { Value } from '../../../ir/value.js';
import type { ImportContext } from './import-context.js';
import { describe, type PyVal } from './py-values.js';

interface Output {
  value: PyVal;
  /** The dict key naming it, if any. */
  name?: string;
}

export function setGraphOutputs(ctx: ImportContext, result: PyVal, loc: Loc): void {
  const outputs: Output[] = [];
  flatten(ctx, result, undefined, outputs, loc);
  if (outputs.length === 0) throw ctx.refuse('a forward that returns nothing', loc);
  const graph = ctx.graph;
  const byName = namesInUse(ctx);
  outputs.forEach(({ value, name }, i) => {
    const v = ctx.materialize(value, loc);
    if (v === null) throw ctx.refuse(`None as output ${i} of forward`, loc);
    const shared = v.isGraphInput() || v.isInitializer() || v.isGraphOutput() || v.producer?.opType === 'Constant';
    let out = v;
    if (shared) {
      const id = new Node('Identity', [v], { name: ctx.valueNames.unique(`output_${i}/Identity`), outputs: [ctx.valueNames.unique(name ?? `output_${i}`)] });
      graph.appendNode(id);
      out = id.output(0);
    } else if (name !== undefined && v.name !== name) {
      // A dict key names the output; a value that already holds the name gives it up.
      const holder = byName.get(name);
      if (holder !== undefined && holder !== v) {
        if (holder.isGraphInput()) throw ctx.refuse(`the output key ${JSON.stringify(name)}, which is also the name of an input`, loc);
        holder.name = ctx.valueNames.unique(name);
        byName.set(holder.name, holder);
      }
      ctx.valueNames.reserve(name);
      v.name = name;
      byName.set(name, v);
    }
    graph.addOutput(out);
  });
}

function flatten(ctx: ImportContext, v: PyVal, name: string | undefined, out: Output[], loc: Loc): void {
  if (v.kind === 'tuple' || v.kind === 'list') {
    for (const item of v.items) flatten(ctx, item, undefined, out, loc);
  } else if (v.kind === 'dict') {
    v.keys.forEach((k, i) => {
      if (k.kind !== 'str') throw ctx.refuse(`a returned dict with the key ${describe(k)} (outputs are named by string keys)`, loc);
      flatten(ctx, v.values[i]!, k.value, out, loc);
    });
  } else if (v.kind === 'module' || v.kind === 'uninitialized') {
    throw ctx.refuse(`${describe(v)} as an output of forward`, loc);
  } else {
    out.push(name === undefined ? { value: v } : { value: v, name });
  }
}

/** Every named value of the graph, by name. */
function namesInUse(ctx: ImportContext): Map<string, Value> {
  const byName = new Map<string, Value>();
  for (const v of ctx.graph.inputs) byName.set(v.name, v);
  for (const [n, v] of ctx.graph.initializers) byName.set(n, v);
  for (const node of ctx.graph) for (const v of node.outputs) if (v.name !== '') byName.set(v.name, v);
  return byName;
}
