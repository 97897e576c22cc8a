/**
 * The SupportData behind docs/ops.md, read from the code that does the work: the CPU kernel registry, the
 * runtime's own function expansion, and the torch and TF lowering tables. src/ir renders the page
 * (renderOpsDoc in src/ir/ops/support-table.ts) but may not import these, so they are gathered here;
 * scripts/gen-ops-doc.mjs and test/ops-doc.test.ts both call opsSupportData().
 */
import { Graph } from '../ir/graph.js';
import { Model, opsetVersion } from '../ir/model.js';
import { Node } from '../ir/node.js';
import { getSchema } from '../ir/ops/registry.js';
import type { RunsAs, SupportData } from '../ir/ops/support-table.js';
import '../importers/tf/ops/index.js';
import { tfTable } from '../importers/tf/table.js';
import '../importers/torch/ops/index.js';
import { atenTable } from '../importers/torch/table.js';
import { cpuKernels } from '../runtime/cpu/index.js';
import { expandFunctions } from '../runtime/function-expand.js';
import type { KernelRegistry } from '../runtime/registry.js';

/**
 * Whether a session on `kernels` runs `domain::opType` at `opset`: through its kernel, else through the
 * op's ONNX function body. The second is decided by the runtime's own expansion (expandFunctions, the
 * step Session.create runs) on a one-node model at that opset, every formal input and output present:
 * the op counts when the node was expanded and every node it became has a kernel. Attribute values a
 * model gives are not known here, so a body that only expands with some of them is not counted.
 */
export function runsOn(kernels: KernelRegistry, domain: string, opType: string, opset: number): RunsAs {
  if (kernels.lookup(domain, opType, opset) !== undefined) return 'kernel';
  const schema = getSchema(domain, opType, opset);
  if (schema === undefined || !schema.hasFunction) return undefined;
  const g = new Graph('probe');
  const inputs = schema.inputs.map((_, i) => g.addInput(`x${i}`));
  const node = g.appendNode(new Node(opType, inputs, { name: 'probe', domain, outputs: schema.outputs.map((_, i) => `y${i}`) }));
  for (const y of node.outputs) g.addOutput(y);
  const model = new Model(g, new Map([[domain, opset]]));
  expandFunctions(model, kernels);
  const nodes = model.graph.nodes();
  const expanded = !nodes.includes(node);
  const ran = nodes.every((n) => kernels.lookup(n.domain, n.opType, opsetVersion(model.opsetImports, n.domain) ?? 1) !== undefined);
  return expanded && ran ? 'function-body' : undefined;
}

/** Every backend and importer the page describes. WebGPU is planned: its column stays, empty. */
export function opsSupportData(): SupportData {
  const cache = new Map<string, RunsAs>();
  const cpu = (domain: string, opType: string, opset: number): RunsAs => {
    const key = `${domain}\u0000${opType}\u0000${opset}`;
    if (!cache.has(key)) cache.set(key, runsOn(cpuKernels, domain, opType, opset));
    return cache.get(key);
  };
  return {
    backends: [
      { header: 'CPU', runs: cpu },
      { header: 'WebGPU', runs: undefined },
    ],
    importers: [
      { title: 'PyTorch (ATen) ops', table: '`atenTable` (src/importers/torch/ops/)', sourceOps: atenTable.keys() },
      { title: 'TensorFlow ops', table: '`tfTable` (src/importers/tf/ops/)', sourceOps: tfTable.keys() },
    ],
  };
}
