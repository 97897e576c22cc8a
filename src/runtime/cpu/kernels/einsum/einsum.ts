/**
 * Einsum, general form: the equation is parsed into one label per axis (an ellipsis becomes labels of its
 * own, broadcast across operands, right-aligned), then a loop nest runs over the output labels and, inside,
 * the summed labels. A repeated label in one operand walks its diagonal (the strides add up).
 * Implicit output: the ellipsis labels, then the labels used exactly once, in alphabetical order.
 */
import type { KernelContext, KernelTable } from '../../../kernel.js';
import { isBigType, type Tensor } from '../../../tensor.js';
import { stridesOf } from '../../broadcast.js';
import { numbersOf, scratchFor, storeNumbers } from '../../numeric.js';

/** Parses `equation` for operands of `ranks`: each operand's labels and the output's (ellipsis labels are '0'..). */
export function parseEinsum(equation: string, ranks: readonly number[]): { inputs: string[][]; output: string[] } {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',');
  if (terms.length !== ranks.length) throw new Error(`equation has ${terms.length} operands, node has ${ranks.length}`);
  let ellRank = 0;
  const inputs = terms.map((term, i) => {
    const dot = term.indexOf('...');
    const letters = term.replace('...', '').split('');
    if (dot < 0) {
      if (letters.length !== ranks[i]) throw new Error(`operand ${i}: "${term}" for rank ${ranks[i]}`);
      return letters;
    }
    const er = ranks[i]! - letters.length;
    if (er < 0) throw new Error(`operand ${i}: "${term}" for rank ${ranks[i]}`);
    ellRank = Math.max(ellRank, er);
    const before = term.slice(0, dot).split('').filter((c) => c !== '');
    const after = term.slice(dot + 3).split('').filter((c) => c !== '');
    return [...before, ...ellLabels(er, er), ...after];
  });
  // Right-aligned ellipsis labels: an operand with fewer ellipsis dims takes the last ones.
  const all = ellLabels(ellRank, ellRank);
  let output: string[];
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    const dot = rhs.indexOf('...');
    output = dot < 0 ? rhs.split('') : [...rhs.slice(0, dot).split(''), ...all, ...rhs.slice(dot + 3).split('')].filter((c) => c !== '');
  } else {
    const count = new Map<string, number>();
    for (const t of inputs) for (const c of t) if (!isEll(c)) count.set(c, (count.get(c) ?? 0) + 1);
    output = [...all, ...[...count.keys()].filter((c) => count.get(c) === 1).sort()];
  }
  return { inputs, output };
}

/** Labels for the last `n` of `total` ellipsis dims. */
function ellLabels(n: number, total: number): string[] {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(0x100 + total - n + i));
}
function isEll(c: string): boolean {
  return c.charCodeAt(0) >= 0x100;
}

function einsum(ctx: KernelContext): void {
  const ops: Tensor[] = [];
  for (let i = 0; i < ctx.inputCount; i++) ops.push(ctx.input(i));
  let parsed: { inputs: string[][]; output: string[] };
  try {
    parsed = parseEinsum(ctx.attrs.string('equation'), ops.map((t) => t.dims.length));
  } catch (e) {
    throw ctx.error((e as Error).message);
  }
  // Size of each label (ellipsis dims broadcast: 1 yields to the other size).
  const size = new Map<string, number>();
  parsed.inputs.forEach((labels, i) =>
    labels.forEach((c, ax) => {
      const d = ops[i]!.dims[ax]!;
      const had = size.get(c);
      if (had === undefined || had === 1) size.set(c, d);
      else if (d !== had && d !== 1) throw ctx.error(`label ${c} has sizes ${had} and ${d}`);
      else if (!isEll(c) && d !== had) throw ctx.error(`label ${c} has sizes ${had} and ${d}`);
    }),
  );
  const outLabels = parsed.output;
  for (const c of outLabels) if (!size.has(c)) throw ctx.error(`output label ${c} appears in no operand`);
  const sumLabels = [...size.keys()].filter((c) => !outLabels.includes(c));
  const loop = [...outLabels, ...sumLabels];
  const dims = loop.map((c) => size.get(c)!);
  // stride[op][loop axis]: repeated labels add their strides; broadcast dims of size 1 stay put.
  const strides = ops.map((t, i) => {
    const st = stridesOf(t.dims);
    const s = new Array<number>(loop.length).fill(0);
    parsed.inputs[i]!.forEach((c, ax) => {
      if (t.dims[ax] !== 1 || size.get(c) === 1) s[loop.indexOf(c)]! += st[ax]!;
    });
    return s;
  });
  const outDims = outLabels.map((c) => size.get(c)!);
  const out = ctx.output(0, outDims, ops[0]!.type);
  const big = isBigType(out.type);
  const data = ops.map((t) => (big ? Float64Array.from(t.data as BigInt64Array, Number) : numbersOf(t)));
  const nOut = outDims.reduce((p, q) => p * q, 1);
  const nSum = dims.slice(outLabels.length).reduce((p, q) => p * q, 1);
  const res = big ? new Float64Array(nOut) : scratchFor(out.type, nOut);
  const idx = new Array<number>(loop.length).fill(0);
  const offs = new Array<number>(ops.length).fill(0);
  const total = nOut * nSum;
  let acc = 0;
  for (let it = 0; it < total; it++) {
    let prod = 1;
    for (let o = 0; o < ops.length; o++) prod *= data[o]![offs[o]!]!;
    acc += prod;
    if ((it + 1) % nSum === 0) {
      res[(it + 1) / nSum - 1] = acc;
      acc = 0;
    }
    // Odometer step over the loop axes, last fastest.
    for (let ax = loop.length - 1; ax >= 0; ax--) {
      idx[ax]!++;
      for (let o = 0; o < ops.length; o++) offs[o]! += strides[o]![ax]!;
      if (idx[ax]! < dims[ax]!) break;
      for (let o = 0; o < ops.length; o++) offs[o]! -= strides[o]![ax]! * dims[ax]!;
      idx[ax] = 0;
    }
  }
  storeNumbers(res, out);
}

export const einsumKernels: KernelTable = { Einsum: einsum };
