/**
 * Fused elementwise chains, a StepFuser for the CPU backend (see plan.ts). A run of elementwise steps
 * whose intermediates are read only inside the run and are not graph outputs (Add -> Relu; Div -> Erf ->
 * Add -> Mul -> Mul in GELU) becomes one step that walks the data once, in blocks of BLOCK elements taken
 * through every op in turn while they are in cache; the intermediates are never allocated. The ops are
 * the elementwise table's own block functions (`unaryBlock`/`binaryBlock`), so results are bit-identical
 * to the unfused steps. At run time the fused form takes float32 data whose other operands are the same
 * shape, a scalar, or a trailing-dims vector (a bias over the last axes); anything else (other dtypes,
 * general broadcasting) declines, and the original steps run one by one instead.
 */
import { DataType } from '../../../ir/dtype.js';
import type { Node } from '../../../ir/node.js';
import type { Value } from '../../../ir/value.js';
import type { KernelContext } from '../../kernel.js';
import type { DraftStep, FusionInfo, StepFuser } from '../../plan.js';
import type { Tensor } from '../../tensor.js';
import { BINARY, binaryBlock, UNARY, unaryBlock, type BinaryBlocks, type UnaryBlock } from '../kernels/elementwise.js';

/** Elements taken through the whole chain at a time: 2 KiB of float32, well inside L1. */
const BLOCK = 512;
/** A trailing-dims operand shorter than this is laid out per block rather than walked in runs. */
const SHORT_PERIOD = 64;

/** Binary ops that fuse: float arithmetic (comparisons and bitwise ops change or need other types). */
const FUSED_BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mod', 'PRelu']);
const VIEWS = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

/**
 * Whether the CPU kernel of `node` computes each output element from input elements at the same index
 * (or from smaller broadcast inputs) and writes every output element: Note [in-place steps] in plan.ts.
 * Variadic Sum/Max/Min over three or more inputs accumulate in the output, so they do not qualify.
 */
export function mayRunInPlace(node: Node): boolean {
  if (node.domain !== '') return false;
  const op = node.opType;
  if (Object.hasOwn(UNARY, op)) return true;
  if (Object.hasOwn(BINARY, op)) return node.inputs.length <= 2;
  return op === 'Clip' || op === 'Where' || VIEWS.has(op);
}

type Op =
  | { readonly kind: 'unary'; readonly block: UnaryBlock }
  /**
   * The other operand is input `operand` of the fused step, or (`operand` -1) the saved block `saved` of
   * an earlier member's output; `swap`: the operand is the left one.
   */
  | { readonly kind: 'binary'; readonly blocks: BinaryBlocks; readonly operand: number; readonly saved: number; readonly swap: boolean }
  /** Bounds from inputs (positions, -1 when absent) or, before opset 11, attributes. */
  | { readonly kind: 'clip'; readonly lo: number; readonly hi: number; readonly loAttr: number; readonly hiAttr: number };

/** How this run reads a binary operand. */
const enum Mode {
  Full,
  Scalar,
  Period,
}

function isFloatOutput(node: Node): boolean {
  const t = node.outputs[0]?.type;
  return t === undefined || (t.kind === 'tensor' && t.dtype === DataType.FLOAT);
}

/** The input positions that may carry the chain's value into `s`, or undefined when it does not fuse. */
function chainPositions(s: DraftStep): readonly number[] | undefined {
  const node = s.node;
  if (node.domain !== '' || s.reuse !== 'never' || s.fused !== undefined || s.captures.length > 0) return undefined;
  if (s.outputs.length !== 1 || s.outputs[0]! < 0 || !isFloatOutput(node)) return undefined;
  const op = node.opType;
  const row = Object.hasOwn(UNARY, op) ? UNARY[op] : undefined;
  if (row !== undefined) return row.bool || s.inputs.length !== 1 || s.inputs[0]! < 0 ? undefined : [0];
  if (FUSED_BINARY.has(op)) {
    if (s.inputs.length !== 2 || s.inputs.some((x) => x < 0)) return undefined;
    const [a, b] = node.inputs as [Value, Value];
    const ok = [0, 1].filter((pos) => takes(pos === 0 ? a : b, pos === 0 ? b : a));
    return ok.length > 0 ? ok : undefined;
  }
  if (op === 'Clip') return s.inputs.length >= 1 && s.inputs.length <= 3 && s.inputs[0]! >= 0 ? [0] : undefined;
  return undefined;
}

/** Static dims, when the value's type gives every one. */
function staticDims(v: Value): readonly number[] | undefined {
  const t = v.type;
  if (t?.kind !== 'tensor' || t.shape === undefined) return undefined;
  return t.shape.every((d): d is number => typeof d === 'number') ? (t.shape as number[]) : undefined;
}

/**
 * Whether a chain carrying `main` may take `other` as an operand, as far as the types tell: `other`'s dims
 * (leading 1s aside) must be `main`'s trailing dims (ChainRun.classify checks again at run time).
 */
function takes(main: Value, other: Value): boolean {
  const m = staticDims(main);
  const o = staticDims(other);
  if (m === undefined || o === undefined) return true;
  if (o.length > m.length) return false;
  let lead = 0;
  while (lead < o.length && o[lead] === 1) lead++;
  for (let k = lead; k < o.length; k++) if (o[k] !== m[m.length - o.length + k]) return false;
  return true;
}

/**
 * Links each fusable step to the one fusable step that carries its value on, then fuses every chain of
 * two or more. A value may have several readers when all of them end up in its own chain (x -> Sigmoid
 * -> Mul(x, .) with x made by a fusable step): the first carries the chain, the later ones read a copy
 * of the value's block (ChainRun's saved blocks). Links that break that rule are refused and the chains
 * formed again.
 */
export const fuseElementwiseChains: StepFuser = (steps, info) => {
  const producer = new Map<number, number>();
  const uses = new Map<number, { step: number; pos: number }[]>();
  const use = (slot: number, step: number, pos: number): void => {
    if (slot < 0) return;
    let u = uses.get(slot);
    if (u === undefined) uses.set(slot, (u = []));
    u.push({ step, pos });
  };
  steps.forEach((s, i) => {
    s.outputs.forEach((o) => o >= 0 && producer.set(o, i));
    s.inputs.forEach((x, pos) => use(x, i, pos));
    s.captures.forEach((x) => use(x, i, -1));
  });
  const positions = steps.map(chainPositions);
  const refused = new Set<number>();
  for (;;) {
    const { next, via } = link(steps, positions, producer, uses, refused, info);
    const chains: number[][] = [];
    const chainOf = new Map<number, { chain: number; index: number }>();
    steps.forEach((_, i) => {
      if (via[i] !== -1 || next[i] === -1) return;
      const chain: number[] = [];
      for (let k = i; k !== -1; k = next[k]!) chain.push(k);
      chain.forEach((k, index) => chainOf.set(k, { chain: chains.length, index }));
      chains.push(chain);
    });
    // Every further reader of a linked value must be a later member of the same chain, reading it as an operand.
    const bad = [...chainOf.keys()].filter((p) => {
      if (next[p] === -1) return false;
      const here = chainOf.get(p)!;
      return uses.get(steps[p]!.outputs[0]!)!.some(({ step, pos }) => {
        if (step === next[p] && pos === via[step]) return false;
        const there = chainOf.get(step);
        return there === undefined || there.chain !== here.chain || there.index <= here.index || steps[step]!.node.opType === 'Clip' || pos === via[step];
      });
    });
    if (bad.length > 0) {
      bad.forEach((p) => refused.add(p));
      continue;
    }
    const fusedAt = new Map<number, DraftStep>();
    for (const chain of chains) {
      const entry = chain.map((k, j) => (j === 0 ? headPosition(steps[k]!, positions[k]!, info) : via[k]!));
      fusedAt.set(chain[chain.length - 1]!, fuse(chain.map((k) => steps[k]!), entry, info));
    }
    return steps.flatMap((s, i) => (fusedAt.has(i) ? [fusedAt.get(i)!] : chainOf.has(i) ? [] : [s]));
  }
};

/**
 * `next[p]`: the step that carries p's value on (-1: none); `via[i]`: the input position it comes in at.
 * A value links to its first reader, when every reader is a fusable step and `p` is not refused.
 */
function link(
  steps: readonly DraftStep[],
  positions: readonly (readonly number[] | undefined)[],
  producer: ReadonlyMap<number, number>,
  uses: ReadonlyMap<number, readonly { step: number; pos: number }[]>,
  refused: ReadonlySet<number>,
  info: FusionInfo,
): { next: number[]; via: number[] } {
  const next = new Array<number>(steps.length).fill(-1);
  const via = new Array<number>(steps.length).fill(-1);
  steps.forEach((s, i) => {
    for (const pos of positions[i] ?? []) {
      const slot = s.inputs[pos]!;
      const p = producer.get(slot);
      if (p === undefined || positions[p] === undefined || next[p]! >= 0 || refused.has(p) || info.pinned.has(slot)) continue;
      const readers = uses.get(slot)!;
      if (readers[0]!.step !== i || readers.some((u) => u.pos < 0 || positions[u.step] === undefined)) continue;
      next[p] = i;
      via[i] = pos;
      break;
    }
  });
  return { next, via };
}

/** A head's chain input: input 0, unless that is a constant and input 1 is not (Sub(1, x)). */
function headPosition(s: DraftStep, ok: readonly number[], info: FusionInfo): number {
  if (ok.length === 1) return ok[0]!;
  return info.constants.has(s.inputs[0]!) && !info.constants.has(s.inputs[1] ?? -1) ? 1 : 0;
}

/** One step for `chain` (steps in order, `entry[k]`: the input position of step k that carries the chain). */
function fuse(chain: readonly DraftStep[], entry: readonly number[], info: FusionInfo): DraftStep {
  const tail = chain[chain.length - 1]!;
  const inputs = [chain[0]!.inputs[entry[0]!]!];
  const madeBy = new Map(chain.map((s, k) => [s.outputs[0]!, k]));
  /** Per member: the saved block its output goes to (-1: not read again). */
  const saveOf = chain.map(() => -1);
  let saves = 0;
  const operand = (slot: number): number => (slot < 0 ? -1 : inputs.push(slot) - 1);
  const ops: Op[] = chain.map((s, k) => {
    const pos = entry[k]!;
    const op = s.node.opType;
    if (op === 'Clip') {
      const old = s.opset < 11;
      return {
        kind: 'clip',
        lo: old ? -1 : operand(s.inputs[1] ?? -1),
        hi: old ? -1 : operand(s.inputs[2] ?? -1),
        loAttr: old ? s.attrs.float('min', -Infinity) : -Infinity,
        hiAttr: old ? s.attrs.float('max', Infinity) : Infinity,
      };
    }
    const unary = unaryBlock(op, s.attrs);
    if (unary !== undefined) return { kind: 'unary', block: unary };
    const other = s.inputs[1 - pos]!;
    const by = madeBy.get(other);
    if (by !== undefined && saveOf[by] === -1) saveOf[by] = saves++;
    const blocks = binaryBlock(op, s.attrs, false)!;
    return { kind: 'binary', blocks, operand: by === undefined ? operand(other) : -1, saved: by === undefined ? -1 : saveOf[by]!, swap: pos === 1 };
  });
  const chainRun = new ChainRun(ops, saveOf, saves, inputs.length);
  return {
    node: tail.node,
    label: chain.map((s) => s.label).join('+'),
    kernel: (ctx) => {
      throw ctx.error('a fused step runs through its FusedStep');
    },
    attrs: tail.attrs,
    opset: tail.opset,
    inputs,
    outputs: tail.outputs,
    captures: [],
    reuse: 'never',
    fused: {
      run: (ctx) => chainRun.run(ctx),
      parts: chain.map(info.finish),
      internal: chain.slice(0, -1).map((s) => s.outputs[0]!),
      inPlace: true,
    },
  };
}

/** The run-time side of a fused chain: checks this run's operands, then walks the data block by block. */
class ChainRun {
  private readonly modes: Mode[];
  private readonly data: (Float32Array | undefined)[];
  private readonly periods: number[];
  private readonly scratch = new Float32Array(BLOCK);
  /** Blocks of member outputs that later members read again. */
  private readonly saved: Float32Array[];

  /** `saveOf[k]`: the saved block member k's output is copied to (-1: none). */
  constructor(
    private readonly ops: readonly Op[],
    private readonly saveOf: readonly number[],
    saves: number,
    inputCount: number,
  ) {
    this.saved = Array.from({ length: saves }, () => new Float32Array(BLOCK));
    this.modes = new Array<Mode>(inputCount).fill(Mode.Full);
    this.data = new Array<Float32Array | undefined>(inputCount).fill(undefined);
    this.periods = new Array<number>(inputCount).fill(0);
  }

  /** Runs the chain into a new output; false (nothing written) when this run's inputs do not suit it. */
  run(ctx: KernelContext): boolean {
    const x = ctx.input(0);
    if (x.type !== 'float32') return false;
    const n = x.size;
    for (let i = 1; i < this.data.length; i++) {
      const t = ctx.input(i);
      if (t.type !== 'float32' || !this.classify(i, t, x.dims, n)) return false;
    }
    for (const op of this.ops) {
      if (op.kind === 'clip' && ((op.lo >= 0 && this.modes[op.lo] !== Mode.Scalar) || (op.hi >= 0 && this.modes[op.hi] !== Mode.Scalar))) return false;
    }
    const y = ctx.output(0, x.dims, 'float32').data as Float32Array;
    const xd = x.data as Float32Array;
    for (let s = 0; s < n; s += BLOCK) {
      const len = Math.min(BLOCK, n - s);
      let src = xd;
      const ops = this.ops;
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k]!;
        if (op.kind === 'unary') op.block(src, s, y, s, len);
        else if (op.kind === 'clip') this.clip(op.lo < 0 ? op.loAttr : this.data[op.lo]![0]!, op.hi < 0 ? op.hiAttr : this.data[op.hi]![0]!, src, y, s, len);
        else if (op.operand >= 0) this.binary(op.blocks, op.operand, op.swap, src, y, s, len);
        else if (op.swap) op.blocks.vv(this.saved[op.saved]!, 0, src, s, y, s, len);
        else op.blocks.vv(src, s, this.saved[op.saved]!, 0, y, s, len);
        const save = this.saveOf[k]!;
        if (save >= 0) {
          const sv = this.saved[save]!;
          for (let j = 0; j < len; j++) sv[j] = y[s + j]!;
        }
        src = y;
      }
    }
    return true;
  }

  /** Sets how operand `i` is read: the same shape, one value, or trailing dims repeating with a period. */
  private classify(i: number, t: Tensor, dims: readonly number[], n: number): boolean {
    const td = t.dims;
    if (td.length > dims.length) return false;
    let lead = 0;
    while (lead < td.length && td[lead] === 1) lead++;
    for (let k = lead; k < td.length; k++) if (td[k] !== dims[dims.length - td.length + k]) return false;
    this.data[i] = t.data as Float32Array;
    const m = t.size;
    this.modes[i] = m === n ? Mode.Full : m === 1 ? Mode.Scalar : Mode.Period;
    this.periods[i] = m;
    return true;
  }

  private binary(blocks: BinaryBlocks, i: number, swap: boolean, src: Float32Array, y: Float32Array, s: number, len: number): void {
    const b = this.data[i]!;
    const mode = this.modes[i];
    if (mode === Mode.Full) {
      if (swap) blocks.vv(b, s, src, s, y, s, len);
      else blocks.vv(src, s, b, s, y, s, len);
    } else if (mode === Mode.Scalar) {
      if (swap) blocks.sv(b, 0, src, s, y, s, len);
      else blocks.vs(src, s, b, 0, y, s, len);
    } else {
      const m = this.periods[i]!;
      if (m < SHORT_PERIOD) {
        // Lay the repeating operand out along the block, then run the block at once.
        const sc = this.scratch;
        for (let j = 0, k = s % m; j < len; j++) {
          sc[j] = b[k]!;
          if (++k === m) k = 0;
        }
        if (swap) blocks.vv(sc, 0, src, s, y, s, len);
        else blocks.vv(src, s, sc, 0, y, s, len);
        return;
      }
      for (let j = s, end = s + len; j < end; ) {
        const off = j % m;
        const run = Math.min(end - j, m - off);
        if (swap) blocks.vv(b, off, src, j, y, j, run);
        else blocks.vv(src, j, b, off, y, j, run);
        j += run;
      }
    }
  }

  /** As the Clip kernel (kernels/nn/normalization.ts) computes it: NaN stays NaN, min > max gives max. */
  private clip(lo: number, hi: number, src: Float32Array, y: Float32Array, s: number, len: number): void {
    for (let j = s, end = s + len; j < end; j++) {
      const v = src[j]!;
      const a = v < lo ? lo : v;
      y[j] = a > hi ? hi : a;
    }
  }
}
