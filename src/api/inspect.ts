import { dataTypeName } from '../ir/dtype.js';
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import type { Shape } from '../ir/shape.js';
import { ExternalTensor, type Tensor } from '../ir/tensor.js';
import { formatType } from '../ir/types.js';
import type { Value } from '../ir/value.js';

export interface IOEntry {
  name: string;
  /** Human form, e.g. `float32[N,3,224,224]`. */
  type: string;
  dtype?: string;
  /** Dims as numbers, symbol names, or null for unknown; absent when the rank is unknown. */
  shape?: (number | string | null)[];
}

export interface InspectReport {
  irVersion: number;
  producer: { name?: string; version?: string };
  domain?: string;
  modelVersion?: string;
  opsets: { domain: string; version: number }[];
  inputs: IOEntry[];
  outputs: IOEntry[];
  /** Nodes of the main graph and every nested graph. */
  nodeCount: number;
  /** Op histogram, most used first: `domain` is omitted for ai.onnx. */
  ops: { op: string; domain?: string; count: number }[];
  parameters: { tensors: number; elements: number; bytes: number };
  externalData: { location: string; tensors: number; bytes: number }[];
  functions: string[];
  metadata: Record<string, string>;
}

/** A summary of a model: what `onnxbridge inspect` prints. Reads no external data. */
export function inspect(model: Model): InspectReport {
  const ops = new Map<string, { op: string; domain?: string; count: number }>();
  let nodeCount = 0;
  const walk = (g: Graph): void => {
    for (const n of g) {
      nodeCount++;
      const key = `${n.domain}::${n.opType}`;
      const e = ops.get(key) ?? { op: n.opType, ...(n.domain ? { domain: n.domain } : {}), count: 0 };
      e.count++;
      ops.set(key, e);
      n.subgraphs().forEach(walk);
    }
  };
  walk(model.graph);

  const params = { tensors: 0, elements: 0, bytes: 0 };
  const external = new Map<string, { location: string; tensors: number; bytes: number }>();
  const addTensor = (t: Tensor): void => {
    params.tensors++;
    params.elements += t.size;
    params.bytes += t.byteLength;
    if (t instanceof ExternalTensor) {
      const e = external.get(t.external.location) ?? { location: t.external.location, tensors: 0, bytes: 0 };
      e.tensors++;
      e.bytes += t.byteLength;
      external.set(t.external.location, e);
    }
  };
  for (const v of model.graph.initializers.values()) addTensor(v.constValue!);
  for (const v of model.graph.sparseInitializers) addTensor(v.sparseValue!.values);

  const initializers = new Set(model.graph.initializers.values());
  return {
    irVersion: model.irVersion,
    producer: { ...(model.producerName ? { name: model.producerName } : {}), ...(model.producerVersion ? { version: model.producerVersion } : {}) },
    ...(model.domain ? { domain: model.domain } : {}),
    ...(model.modelVersion !== undefined ? { modelVersion: String(model.modelVersion) } : {}),
    opsets: [...model.opsetImports].map(([domain, version]) => ({ domain: domain || 'ai.onnx', version })),
    // Initializers listed as inputs (IR < 4 style) are weights, not inputs a caller feeds.
    inputs: model.graph.inputs.filter((v) => !initializers.has(v)).map(ioEntry),
    outputs: model.graph.outputs.map(ioEntry),
    nodeCount,
    ops: [...ops.values()].sort((a, b) => b.count - a.count || a.op.localeCompare(b.op)),
    parameters: params,
    externalData: [...external.values()],
    functions: model.functions.map((f) => `${f.domain}.${f.name}`),
    metadata: Object.fromEntries(model.metadataProps ?? []),
  };
}

function ioEntry(v: Value): IOEntry {
  const t = v.type;
  const entry: IOEntry = { name: v.name, type: formatType(t) };
  if (t?.kind === 'tensor') {
    entry.dtype = dataTypeName(t.dtype).toLowerCase();
    if (t.shape !== undefined) entry.shape = [...(t.shape as Shape)];
  }
  return entry;
}
