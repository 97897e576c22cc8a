/**
 * Which ONNX backend node tests are expected to fail, and why. Two sources:
 *  - a rule: a test whose graph (or any subgraph) uses an op with no CPU kernel at the model's opset is
 *    excluded with the reason "no CPU kernel yet for op X" (computed from the kernel registry);
 *  - hand-written entries below (exact test name or /regex/), each with its reason.
 * Every excluded test still runs, and one that passes fails the suite: remove it from this table. An entry
 * whose graph draws unseeded random values is marked `random`: it may pass by chance, and that is no error.
 */
import type { Graph } from '../../src/ir/graph.js';
import { opsetVersion, type Model } from '../../src/ir/model.js';
import { dataTypeName } from '../../src/ir/dtype.js';
import { formatType } from '../../src/ir/types.js';
import { hasRuntimeForm } from '../../src/runtime/plan.js';
import type { KernelRegistry } from '../../src/runtime/registry.js';
import { expandFunctions } from '../../src/runtime/function-expand.js';
import { tensorTypeOf } from '../../src/runtime/tensor.js';

export const HAND_EXCLUSIONS: Readonly<Record<string, string>> = {
  '/^test_bernoulli/':
    "expected values come from numpy's global generator in ONNX's test-generation script, in the state it was left in after drawing the inputs, not from the node's seed (the reference implementation, RandomState(seed).binomial, gives other values; our Bernoulli reproduces that, see kernels/random/random.test.ts); unseeded, the draws are random by definition",
};

/** A sentence added to the reason of a test that lacks a kernel for `op`, where there is more to say. */
const KERNEL_NOTES: Readonly<Record<string, string>> = {
  ImageDecoder: 'decoding JPEG, PNG, WebP, TIFF and JPEG 2000 bit-exactly as the reference (Pillow) does is out of scope',
};

export interface Exclusion {
  kind: 'kernel' | 'other';
  reason: string;
  /** The graph draws unseeded random values, so it may pass by chance: a pass is no sign the entry is stale. */
  random?: true;
}

const RANDOM_OPS = new Set(['RandomUniform', 'RandomNormal', 'RandomUniformLike', 'RandomNormalLike', 'Bernoulli', 'Multinomial']);

/** Whether `g` (or a subgraph) has a random op without a seed. */
function drawsUnseeded(g: Graph): boolean {
  for (const n of g) {
    if (n.domain === '' && RANDOM_OPS.has(n.opType) && !n.attributes.has('seed')) return true;
    for (const sg of n.subgraphs()) if (drawsUnseeded(sg)) return true;
  }
  return false;
}

/** Ops (domain-qualified when not ai.onnx) that `model` uses and `kernels` cannot run, sorted. */
export function missingOps(model: Model, kernels: KernelRegistry): string[] {
  const out = new Set<string>();
  const walk = (g: Graph): void => {
    for (const n of g) {
      const opset = opsetVersion(model.opsetImports, n.domain) ?? 1;
      if (!kernels.lookup(n.domain, n.opType, opset)) out.add(n.domain === '' ? n.opType : `${n.domain}::${n.opType}`);
      for (const sg of n.subgraphs()) walk(sg);
    }
  };
  walk(model.graph);
  return [...out].sort();
}

function handEntry(name: string): string | undefined {
  for (const [key, reason] of Object.entries(HAND_EXCLUSIONS)) {
    if (key.startsWith('/') && key.endsWith('/') ? new RegExp(key.slice(1, -1)).test(name) : key === name) return reason;
  }
  return undefined;
}

/** Expands `model`'s function calls in place, as Session.create does, so the rules see what will run. */
export function exclusionFor(name: string, model: Model, kernels: KernelRegistry): Exclusion | undefined {
  expandFunctions(model, kernels);
  const missing = missingOps(model, kernels);
  if (missing.length > 0) {
    const notes = missing.flatMap((op) => (KERNEL_NOTES[op] ? [`${op}: ${KERNEL_NOTES[op]}`] : []));
    return { kind: 'kernel', reason: [`no CPU kernel yet for op ${missing.join(', ')}`, ...notes].join('; ') };
  }
  for (const n of model.graph) {
    const to = n.opType === 'Cast' ? n.attrInt('to') : undefined;
    if (to !== undefined && tensorTypeOf(to) === undefined) return { kind: 'other', reason: `Cast to ${dataTypeName(to)}: no runtime tensor form yet` };
  }
  const hand = handEntry(name);
  if (hand !== undefined) return { kind: 'other', reason: hand, ...(drawsUnseeded(model.graph) ? { random: true as const } : {}) };
  const unsupported = [...model.graph.inputs, ...model.graph.outputs].find((v) => v.type !== undefined && !hasRuntimeForm(v.type));
  if (unsupported) return { kind: 'other', reason: `${formatType(unsupported.type)} graph input/output: the CPU runtime holds tensors, sequences of tensors and optionals of those only` };
  for (const v of [...model.graph.inputs, ...model.graph.outputs, ...model.graph.initializers.values()]) {
    if (v.type?.kind === 'tensor' && tensorTypeOf(v.type.dtype) === undefined) {
      return { kind: 'other', reason: `${dataTypeName(v.type.dtype)} values have no runtime tensor form yet` };
    }
  }
  return undefined;
}

