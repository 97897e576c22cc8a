/**
 * Fused epilogues, a StepFuser for the CPU backend (see plan.ts): a Conv, Gemm or MatMul (any kernel whose
 * traits say `epilogue`) whose float32 output is read only by an activation, and is not a graph output,
 * runs as one step that writes the activation's output; the kernel applies the activation through
 * `ctx.epilogue` while its result is in registers (a clamp in the WebAssembly epilogue) or in cache (the
 * activation's own block function, in place). A kernel whose traits take a bias (MatMul) also absorbs an
 * Add of a constant vector along its output's last axis, before the activation (the epilogue's column
 * bias: (A·B) + b, the Add's own sum). The intermediates are never allocated and the steps are gone. At
 * run time the fused form takes float32 input 0 (and a bias that fits) only; otherwise it declines and
 * the original steps run.
 *
 * Note [fused activations]
 * A fused activation runs after bias (and alpha, beta) and residual, as the separate step would see it,
 * and gives the separate step's bits for every input, NaN and signed zeros included. On the WebAssembly
 * path Relu and Clip are a clamp, HardSigmoid, HardSwish and LeakyRelu their own epilogue forms, each
 * computed as the JavaScript kernel computes it (Note [epilogue as the JavaScript kernels compute it] in
 * ../wasm/assembly/epilogue.ts; Relu is `x < 0 ? 0 : x`: Relu(NaN) is NaN and Relu(-0) is -0, as in
 * onnxruntime and the ONNX reference). Clip fuses only when its bounds are constant scalars (initializers
 * or Constant nodes), not NaN and exactly float32, so the clamp compares against the very values the Clip
 * kernel would; LeakyRelu and HardSigmoid take the WebAssembly form only when their attributes are exactly
 * float32 (they are, coming from a model). Sigmoid runs as the elementwise table's own block function
 * over the finished output, as does every activation on a kernel path without an epilogue (JavaScript,
 * float64): `apply` is the activation's kernel itself.
 *
 * Note [fused residual]
 * A Conv whose output is read only by an Add of another tensor z (a ResNet block's shortcut), then maybe an
 * activation, runs as one step: y = act((conv + bias) + z), the unfused steps' order and roundings (the
 * WebAssembly epilogue's RESIDUAL, or the JavaScript path's add over the finished output). z must be made
 * before the Conv's step (the fused step stands where the Conv stood); at run time it must be float32 with
 * the Conv output's dims (KernelTraits.residual), else the original steps run.
 */
import { DataType } from '../../../ir/dtype.js';
import type { Node } from '../../../ir/node.js';
import type { Tensor as IrTensor } from '../../../ir/tensor.js';
import { traitsOf, type Activation } from '../../kernel.js';
import { GEMM } from '../wasm/instance.js';
import type { DraftStep, FusionInfo, StepFuser } from '../../plan.js';
import { unaryBlock } from '../kernels/elementwise.js';

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
  /** The one step reading `slot` (at `pos`), when `slot` may become internal to a fused step. */
  const soleReader = (slot: number): { step: number; pos: number } | undefined => {
    const r = readers.get(slot);
    return r !== undefined && r.length === 1 && r[0]!.pos >= 0 && !info.pinned.has(slot) ? r[0] : undefined;
  };
  const fusedInto = new Map<number, DraftStep>();
  const gone = new Set<number>();
  steps.forEach((s, i) => {
    const traits = traitsOf(s.kernel);
    if (!traits.epilogue || s.fused !== undefined || s.epilogue !== undefined || s.reuse !== 'never') return;
    if (s.outputs.length !== 1 || s.outputs[0]! < 0 || !isFloat32(s.node)) return;
    const parts = [s];
    let next = soleReader(s.outputs[0]!);
    let bias: number | undefined;
    if (traits.bias !== undefined && next !== undefined) {
      const add = steps[next.step]!;
      const slot = add.inputs[1 - next.pos] ?? -1;
      if (isPlain(add, 'Add') && add.inputs.length === 2 && info.constants.has(slot) && isVector(add.node.inputs[1 - next.pos]?.constValue)) {
        bias = slot;
        parts.push(add);
        next = soleReader(add.outputs[0]!);
      }
    }
    let residual: number | undefined;
    if (traits.residual !== undefined && bias === undefined && next !== undefined) {
      const add = steps[next.step]!;
      const slot = add.inputs[1 - next.pos] ?? -1;
      const made = producer.get(slot);
      if (isPlain(add, 'Add') && add.inputs.length === 2 && slot >= 0 && slot !== s.outputs[0] && (made === undefined || made < i)) {
        residual = slot;
        parts.push(add);
        next = soleReader(add.outputs[0]!);
      }
    }
    const act = next === undefined || next.pos !== 0 ? undefined : steps[next.step]!;
    const activation = act === undefined ? undefined : activationOf(act, (k) => constantScalar(act, k, steps, producer, info));
    if (activation !== undefined) parts.push(act!);
    if (parts.length === 1) return;
    fusedInto.set(i, fuse(parts, bias, residual, activation, info));
    for (const p of parts.slice(1)) gone.add(steps.indexOf(p));
  });
  // The fused step stands where the producer stood: its inputs are the producer's (and a constant bias),
  // and nothing between them reads the values it makes internal (each had one reader, the next part).
  return steps.flatMap((s, i) => (gone.has(i) ? [] : [fusedInto.get(i) ?? s]));
};

/** Whether `a` is a plain single-output float32 step of ONNX op `op`, free to fuse. */
function isPlain(a: DraftStep, op: string): boolean {
  const node = a.node;
  if (node.domain !== '' || node.opType !== op || a.reuse !== 'never' || a.fused !== undefined || a.captures.length > 0) return false;
  return a.outputs.length === 1 && a.outputs[0]! >= 0 && isFloat32(node);
}

/** A float32 initializer whose dims are all 1 but the last: a bias the kernel may add along its output's last axis. */
function isVector(t: IrTensor | undefined): boolean {
  return t !== undefined && t.dtype === DataType.FLOAT && t.dims.length >= 1 && t.dims.slice(0, -1).every((d) => d === 1);
}

/** The activation of step `a`, when it is one that fuses. */
function activationOf(a: DraftStep, scalar: (input: number) => number | undefined): Activation | undefined {
  const op = a.node.opType;
  if (!isPlain(a, op)) return undefined;
  const block = unaryBlock(op, a.attrs);
  const apply = (y: Float32Array | Float64Array, o: number, n: number): void => block!(y, o, y, o, n);
  if (op === 'Relu') return { op, clamp: { lo: 0, hi: Infinity }, wasm: { flags: GEMM.CLAMP, lo: 0, hi: Infinity }, apply };
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
    return { op, clamp: { lo, hi }, wasm: { flags: GEMM.CLAMP, lo, hi }, apply: (y, o, n) => clip(y, o, n, lo, hi) };
  }
  if (op === 'HardSwish') return { op, wasm: { flags: GEMM.HARD_SWISH, lo: 0, hi: 0 }, apply };
  if (op === 'LeakyRelu' || op === 'HardSigmoid') {
    const leaky = op === 'LeakyRelu';
    const alpha = a.attrs.float('alpha', leaky ? 0.01 : 0.2);
    const beta = leaky ? 0 : a.attrs.float('beta', 0.5);
    const exact = Math.fround(alpha) === alpha && Math.fround(beta) === beta;
    const wasm = { flags: leaky ? GEMM.LEAKY_RELU : GEMM.HARD_SIGMOID, lo: alpha, hi: beta };
    return exact ? { op, wasm, apply } : { op, apply };
  }
  if (op === 'Sigmoid') return { op, apply };
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

/**
 * One step for `parts` (a producer, then maybe a bias Add or a residual Add, then maybe an activation),
 * reading the producer's inputs (and the bias or the residual, last) and writing the last part's output.
 */
function fuse(
  parts: readonly DraftStep[], bias: number | undefined, residual: number | undefined, activation: Activation | undefined, info: FusionInfo,
): DraftStep {
  const producer = parts[0]!;
  const kernel = producer.kernel;
  const { bias: fits, residual: fitsResidual } = traitsOf(kernel);
  // A residual goes after every optional input of the op (Conv: X, W, B), absent ones as -1.
  const own = residual === undefined ? producer.inputs : [...producer.inputs, ...new Array<number>(Math.max(0, 3 - producer.inputs.length)).fill(-1)];
  const extraAt = own.length;
  const extra = bias ?? residual;
  return {
    ...producer,
    label: parts.map((p) => p.label).join('+'),
    inputs: extra === undefined ? own : [...own, extra],
    outputs: parts[parts.length - 1]!.outputs,
    epilogue: {
      ...(bias === undefined ? {} : { bias: extraAt }),
      ...(residual === undefined ? {} : { residual: extraAt }),
      ...(activation === undefined ? {} : { activation }),
    },
    fused: {
      run: (ctx) => {
        if (ctx.input(0).type !== 'float32') return false;
        if (bias !== undefined) {
          const b = ctx.input(extraAt);
          if (b.type !== 'float32' || !fits!(ctx, b)) return false;
        }
        if (residual !== undefined) {
          const z = ctx.input(extraAt);
          if (z.type !== 'float32' || !fitsResidual!(ctx, z)) return false;
        }
        kernel(ctx);
        return true;
      },
      parts: parts.map(info.finish),
      internal: parts.slice(0, -1).map((p) => p.outputs[0]!),
      inPlace: false,
    },
  };
}
