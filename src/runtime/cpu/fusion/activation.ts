/**
 * Fused activations, a StepFuser for the CPU backend (see plan.ts): a Conv, Gemm or MatMul (any kernel
 * whose traits say `epilogue`) whose float32 output is read only by an activation, and is not a graph
 * output, runs as one step that writes the activation's output; the kernel applies the activation through
 * `ctx.epilogue` while its result is in registers (a clamp in the WebAssembly epilogue) or in cache (the
 * activation's own block function, in place). The intermediate is never allocated and the activation's
 * step is gone. At run time the fused form takes float32 input 0 only; otherwise it declines and the two
 * original steps run.
 *
 * Note [fused activations]
 * Relu and Clip become a clamp, y = min(max(y, lo), hi), applied after bias (and alpha, beta), as the
 * separate step would see it: results are bit-identical to the unfused steps for every non-NaN value.
 * A NaN differs: the WebAssembly clamp keeps it (as numpy's maximum and the ONNX reference do), where our
 * Relu kernel gives 0 (`x > 0 ? x : 0`); Clip keeps NaN either way. Clip fuses only when its bounds are
 * constant scalars (initializers or Constant nodes), not NaN and exactly float32, so the clamp compares
 * against the very values the Clip kernel would. One more difference: a zero of the other sign than a
 * zero bound comes out with the bound's sign (Clip(-0, 0) is -0 on its own); a product starts from +0, so
 * only a Gemm with a negative alpha and no C can make a -0. Other activations (LeakyRelu, HardSigmoid, HardSwish,
 * Sigmoid) run as the elementwise table's own block function over the finished output: bit-identical.
 * A kernel path that has no clamp in its loops (JavaScript, float64) applies `apply` instead, which is
 * the activation's kernel itself.
 */
import { DataType } from '../../../ir/dtype.js';
import type { Node } from '../../../ir/node.js';
import type { Tensor as IrTensor } from '../../../ir/tensor.js';
import { traitsOf, type Epilogue } from '../../kernel.js';
import type { DraftStep, FusionInfo, StepFuser } from '../../plan.js';
import { unaryBlock } from '../kernels/elementwise.js';

/** Activations fused as their block function (no clamp form). */
const BLOCK_ONLY = new Set(['LeakyRelu', 'HardSigmoid', 'HardSwish', 'Sigmoid']);

function isFloat32(node: Node): boolean {
  const t = node.outputs[0]?.type;
  return t === undefined || (t.kind === 'tensor' && t.dtype === DataType.FLOAT);
}

export const fuseActivations: StepFuser = (steps, info) => {
  const producer = new Map<number, number>();
  const readers = new Map<number, { step: number; pos: number }[]>();
  steps.forEach((s, i) => {
    for (const o of s.outputs) if (o >= 0) producer.set(o, i);
    const read = (x: number, pos: number): void => {
      if (x < 0) return;
      let r = readers.get(x);
      if (r === undefined) readers.set(x, (r = []));
      r.push({ step: i, pos });
    };
    s.inputs.forEach(read);
    s.captures.forEach((x) => read(x, -1));
  });
  const fusedInto = new Map<number, DraftStep>();
  const gone = new Set<number>();
  steps.forEach((s, i) => {
    if (!traitsOf(s.kernel).epilogue || s.fused !== undefined || s.epilogue !== undefined || s.reuse !== 'never') return;
    const out = s.outputs[0] ?? -1;
    if (s.outputs.length !== 1 || out < 0 || info.pinned.has(out) || !isFloat32(s.node)) return;
    const r = readers.get(out);
    if (r === undefined || r.length !== 1 || r[0]!.pos !== 0) return;
    const j = r[0]!.step;
    const act = steps[j]!;
    const epilogue = epilogueOf(act, (k) => constantScalar(act, k, steps, producer, info));
    if (epilogue === undefined) return;
    fusedInto.set(i, fuse(s, act, epilogue, info));
    gone.add(j);
  });
  // The fused step stands where the producer stood: its inputs are the producer's, and nothing between
  // the two reads the producer's output (the activation was its only reader).
  return steps.flatMap((s, i) => (gone.has(i) ? [] : [fusedInto.get(i) ?? s]));
};

/** The activation of step `a` as an epilogue, when it is one that fuses. */
function epilogueOf(a: DraftStep, scalar: (input: number) => number | undefined): Epilogue | undefined {
  const node = a.node;
  if (node.domain !== '' || a.reuse !== 'never' || a.fused !== undefined || a.captures.length > 0) return undefined;
  if (a.outputs.length !== 1 || a.outputs[0]! < 0 || !isFloat32(node)) return undefined;
  const op = node.opType;
  if (op === 'Relu') {
    const block = unaryBlock(op, a.attrs)!;
    return { op, clamp: { lo: 0, hi: Infinity }, apply: (y, o, n) => block(y, o, y, o, n) };
  }
  if (op === 'Clip') {
    let lo = -Infinity;
    let hi = Infinity;
    if (a.opset < 11) {
      lo = a.attrs.float('min', -Infinity);
      hi = a.attrs.float('max', Infinity);
    } else {
      const lv = (a.inputs[1] ?? -1) < 0 ? lo : scalar(1);
      const hv = (a.inputs[2] ?? -1) < 0 ? hi : scalar(2);
      if (lv === undefined || hv === undefined) return undefined;
      [lo, hi] = [lv, hv];
    }
    if (Math.fround(lo) !== lo || Math.fround(hi) !== hi) return undefined;
    return { op, clamp: { lo, hi }, apply: (y, o, n) => clip(y, o, n, lo, hi) };
  }
  if (BLOCK_ONLY.has(op)) {
    const block = unaryBlock(op, a.attrs)!;
    return { op, apply: (y, o, n) => block(y, o, y, o, n) };
  }
  return undefined;
}

/** As the Clip kernel computes it (kernels/nn/normalization.ts): NaN stays NaN, min above max gives max. */
function clip(y: Float32Array | Float64Array, o: number, n: number, lo: number, hi: number): void {
  for (let j = o, end = o + n; j < end; j++) {
    const v = y[j]!;
    const a = v < lo ? lo : v;
    y[j] = a > hi ? hi : a;
  }
}

/**
 * The value of input `k` of step `a` when it is a float32 scalar that never changes: an initializer that
 * no feed overrides, or a Constant node's value.
 */
function constantScalar(a: DraftStep, k: number, steps: readonly DraftStep[], producer: ReadonlyMap<number, number>, info: FusionInfo): number | undefined {
  const slot = a.inputs[k]!;
  let t: IrTensor | undefined;
  const p = producer.get(slot);
  if (p === undefined) {
    if (!info.constants.has(slot)) return undefined;
    t = a.node.inputs[k]?.constValue;
  } else {
    const c = steps[p]!;
    if (c.node.opType !== 'Constant' || c.node.domain !== '') return undefined;
    if (c.attrs.has('value_float')) return c.attrs.float('value_float');
    t = c.attrs.tensor('value');
  }
  if (t === undefined || t.dtype !== DataType.FLOAT || t.size !== 1) return undefined;
  return Number(t.toArray()[0]);
}

/** One step for `producer` then `act`, reading the producer's inputs and writing the activation's output. */
function fuse(producer: DraftStep, act: DraftStep, epilogue: Epilogue, info: FusionInfo): DraftStep {
  const kernel = producer.kernel;
  return {
    ...producer,
    label: `${producer.label}+${act.label}`,
    outputs: act.outputs,
    epilogue,
    fused: {
      run: (ctx) => {
        if (ctx.input(0).type !== 'float32') return false;
        kernel(ctx);
        return true;
      },
      parts: [info.finish(producer), info.finish(act)],
      internal: [producer.outputs[0]!],
      inPlace: false,
    },
  };
}
