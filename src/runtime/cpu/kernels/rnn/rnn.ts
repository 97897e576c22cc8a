/**
 * RNN, GRU and LSTM with ONNX semantics: forward/reverse/bidirectional, the `activations` attribute (with
 * `activation_alpha`/`activation_beta` consumed in order by the functions that take them), `clip`,
 * sequence_lens (steps past a batch entry's length emit zeros and keep the state), initial states,
 * layout 0 ([seq, batch, ...]) and 1 ([batch, seq, ...]), GRU's linear_before_reset, LSTM peepholes and
 * input_forget. One shared driver walks directions, batch entries and steps; a cell per op does the gates.
 * Gate orders as in ONNX: GRU z, r, h; LSTM i, o, f, c (peepholes i, o, f).
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { numbersOf, storeNumbers } from '../../numeric.js';

type Act = (x: number) => number;

/** An activation by ONNX name; `ab` hands out the next alpha/beta (or the function's default). */
function activation(ctx: KernelContext, name: string, ab: (dflt: number) => number, bb: (dflt: number) => number): Act {
  switch (name.toLowerCase()) {
    case 'tanh': return Math.tanh;
    case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'softsign': return (x) => x / (1 + Math.abs(x));
    case 'softplus': return (x) => Math.log1p(Math.exp(x));
    case 'affine': { const a = ab(1), b = bb(0); return (x) => a * x + b; }
    case 'leakyrelu': { const a = ab(0.01); return (x) => (x >= 0 ? x : a * x); }
    case 'thresholdedrelu': { const a = ab(1); return (x) => (x > a ? x : 0); }
    case 'scaledtanh': { const a = ab(1), b = bb(1); return (x) => a * Math.tanh(b * x); }
    case 'hardsigmoid': { const a = ab(0.2), b = bb(0.5); return (x) => Math.max(0, Math.min(1, a * x + b)); }
    case 'elu': { const a = ab(1); return (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)); }
    default: throw ctx.error(`unknown activation ${name}`);
  }
}

type Kind = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<Kind, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };

/** One step's state of one (direction, batch entry). */
interface State { h: Float64Array; c: Float64Array }

/**
 * A cell: given x·Wᵀ + Wb (`gx`, G*H), the weights R of this direction (offset `ro`), Rb (offset `rbo`,
 * or -1 when there is no bias), the peepholes (offset `po`, or -1) and the activations, updates `s`.
 */
type Cell = (gx: Float64Array, r: ArrayLike<number>, ro: number, rb: ArrayLike<number>, rbo: number, p: ArrayLike<number> | undefined, po: number, acts: Act[], s: State) => void;

function recurrent(kind: Kind): (ctx: KernelContext) => void {
  return (ctx) => {
    const X = ctx.input(0);
    const W = ctx.input(1);
    const R = ctx.input(2);
    const B = ctx.optionalInput(3);
    const SL = ctx.optionalInput(4);
    const H0 = ctx.optionalInput(5);
    const C0 = kind === 'LSTM' ? ctx.optionalInput(6) : undefined;
    const P = kind === 'LSTM' ? ctx.optionalInput(7) : undefined;
    const G = GATES[kind];
    const layout = ctx.attrs.int('layout', 0);
    const direction = ctx.attrs.string('direction', 'forward');
    const numDir = direction === 'bidirectional' ? 2 : 1;
    if (W.dims[0] !== numDir) throw ctx.error(`W has ${W.dims[0]} directions, direction is ${direction}`);
    const H = ctx.attrs.has('hidden_size') ? ctx.attrs.int('hidden_size') : W.dims[1]! / G;
    const [seq, batch, inSize] = layout === 0 ? [X.dims[0]!, X.dims[1]!, X.dims[2]!] : [X.dims[1]!, X.dims[0]!, X.dims[2]!];
    const clip = ctx.attrs.has('clip') ? ctx.attrs.float('clip') : Infinity;
    const names = ctx.attrs.has('activations') ? ctx.attrs.strings('activations') ?? [] : [];
    const per = DEFAULT_ACTS[kind].length;
    const actNames = names.length > 0 ? names : Array.from({ length: numDir }, () => DEFAULT_ACTS[kind]).flat();
    if (actNames.length !== per * numDir) throw ctx.error(`expected ${per * numDir} activations, got ${actNames.length}`);
    const alphas = ctx.attrs.has('activation_alpha') ? ctx.attrs.floats('activation_alpha') : [];
    const betas = ctx.attrs.has('activation_beta') ? ctx.attrs.floats('activation_beta') : [];
    let ai = 0;
    let bi = 0;
    const acts = actNames.map((n) =>
      activation(ctx, n, (d) => (ai < alphas.length ? alphas[ai++]! : d), (d) => (bi < betas.length ? betas[bi++]! : d)),
    );
    // Clip bounds gate inputs; LSTM's output activation h(Ct) is not clipped.
    const clipped = acts.map((f, i) => (clip === Infinity || (kind === 'LSTM' && i % per === 2) ? f : (v: number) => f(Math.max(-clip, Math.min(clip, v)))));

    const x = numbersOf(X);
    const w = numbersOf(W);
    const r = numbersOf(R);
    const b = B ? numbersOf(B) : undefined;
    const lens = SL ? numbersOf(SL) : undefined;
    const h0 = H0 ? numbersOf(H0) : undefined;
    const c0 = C0 ? numbersOf(C0) : undefined;
    const p = P ? numbersOf(P) : undefined;
    const cell = kind === 'RNN' ? rnnCell(H) : kind === 'GRU' ? gruCell(H, ctx.attrs.int('linear_before_reset', 0) !== 0) : lstmCell(H, ctx.attrs.int('input_forget', 0) !== 0);

    const y = new Float64Array(seq * numDir * batch * H);
    const yh = new Float64Array(numDir * batch * H);
    const yc = new Float64Array(numDir * batch * H);
    // Index of (batch entry, direction) in a state tensor, and of (step, direction, batch entry) in Y.
    const stateAt = (d: number, e: number): number => (layout === 0 ? d * batch + e : e * numDir + d) * H;
    const yAt = (t: number, d: number, e: number): number => (layout === 0 ? (t * numDir + d) * batch + e : (e * seq + t) * numDir + d) * H;
    const xAt = (t: number, e: number): number => (layout === 0 ? t * batch + e : e * seq + t) * inSize;
    const gx = new Float64Array(G * H);
    for (let d = 0; d < numDir; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const wo = d * G * H * inSize;
      const ro = d * G * H * H;
      const bo = d * 2 * G * H;
      const dirActs = clipped.slice(d * per, (d + 1) * per);
      for (let e = 0; e < batch; e++) {
        const s: State = { h: new Float64Array(H), c: new Float64Array(H) };
        const so = stateAt(d, e);
        if (h0) for (let j = 0; j < H; j++) s.h[j] = h0[so + j]!;
        if (c0) for (let j = 0; j < H; j++) s.c[j] = c0[so + j]!;
        const len = lens ? Math.min(seq, lens[e]!) : seq;
        for (let step = 0; step < len; step++) {
          const t = reverse ? len - 1 - step : step;
          const xo = xAt(t, e);
          for (let g = 0; g < G * H; g++) {
            let acc = b ? b[bo + g]! : 0;
            const wr = wo + g * inSize;
            for (let i = 0; i < inSize; i++) acc += x[xo + i]! * w[wr + i]!;
            gx[g] = acc;
          }
          cell(gx, r, ro, b ?? [], b ? bo + G * H : -1, p, p ? d * 3 * H : -1, dirActs, s);
          y.set(s.h, yAt(t, d, e));
        }
        yh.set(s.h, so);
        yc.set(s.c, so);
      }
    }
    const yDims = layout === 0 ? [seq, numDir, batch, H] : [batch, seq, numDir, H];
    const sDims = layout === 0 ? [numDir, batch, H] : [batch, numDir, H];
    if (ctx.hasOutput(0)) storeNumbers(y, ctx.output(0, yDims, X.type));
    if (ctx.hasOutput(1)) storeNumbers(yh, ctx.output(1, sDims, X.type));
    if (kind === 'LSTM' && ctx.hasOutput(2)) storeNumbers(yc, ctx.output(2, sDims, X.type));
  };
}

/** h·R[g]ᵀ + Rb[g] for gate `g`, unit `j`, over the hidden vector `h`. */
function hr(h: ArrayLike<number>, r: ArrayLike<number>, ro: number, rb: ArrayLike<number>, rbo: number, H: number, g: number, j: number): number {
  let acc = rbo >= 0 ? rb[rbo + g * H + j]! : 0;
  const row = ro + (g * H + j) * H;
  for (let k = 0; k < H; k++) acc += h[k]! * r[row + k]!;
  return acc;
}

function rnnCell(H: number): Cell {
  const next = new Float64Array(H);
  return (gx, r, ro, rb, rbo, _p, _po, acts, s) => {
    for (let j = 0; j < H; j++) next[j] = acts[0]!(gx[j]! + hr(s.h, r, ro, rb, rbo, H, 0, j));
    s.h.set(next);
  };
}

function gruCell(H: number, linearBeforeReset: boolean): Cell {
  const z = new Float64Array(H);
  const rh = new Float64Array(H);
  const next = new Float64Array(H);
  return (gx, r, ro, rb, rbo, _p, _po, acts, s) => {
    const [f, g] = [acts[0]!, acts[1]!];
    for (let j = 0; j < H; j++) {
      z[j] = f(gx[j]! + hr(s.h, r, ro, rb, rbo, H, 0, j));
      const rg = f(gx[H + j]! + hr(s.h, r, ro, rb, rbo, H, 1, j));
      rh[j] = rg;
    }
    if (linearBeforeReset) {
      for (let j = 0; j < H; j++) next[j] = g(gx[2 * H + j]! + rh[j]! * hr(s.h, r, ro, rb, rbo, H, 2, j));
    } else {
      for (let j = 0; j < H; j++) rh[j] = rh[j]! * s.h[j]!;
      for (let j = 0; j < H; j++) next[j] = g(gx[2 * H + j]! + hr(rh, r, ro, rb, rbo, H, 2, j));
    }
    for (let j = 0; j < H; j++) s.h[j] = (1 - z[j]!) * next[j]! + z[j]! * s.h[j]!;
  };
}

function lstmCell(H: number, inputForget: boolean): Cell {
  const a = new Float64Array(4 * H);
  return (gx, r, ro, rb, rbo, p, po, acts, s) => {
    const [f, g, h] = [acts[0]!, acts[1]!, acts[2]!];
    for (let q = 0; q < 4 * H; q++) a[q] = gx[q]! + hr(s.h, r, ro, rb, rbo, H, Math.floor(q / H), q % H);
    for (let j = 0; j < H; j++) {
      const cPrev = s.c[j]!;
      const ig = f(a[j]! + (p ? p[po + j]! * cPrev : 0));
      const fg = inputForget ? 1 - ig : f(a[2 * H + j]! + (p ? p[po + 2 * H + j]! * cPrev : 0));
      const cg = g(a[3 * H + j]!);
      const c = fg * cPrev + ig * cg;
      const og = f(a[H + j]! + (p ? p[po + H + j]! * c : 0));
      s.c[j] = c;
      s.h[j] = og * h(c);
    }
  };
}

export const rnnKernels: KernelTable = { RNN: recurrent('RNN'), GRU: recurrent('GRU'), LSTM: recurrent('LSTM') };
