import type { Value } from '../../../ir/value.js';
import type { LowerContext } from '../../common/lower-context.js';
import { tfTable } from '../table.js';
import { constInts, int64Input, int64s, INT64_MAX, INT64_MIN } from './int-values.js';

/**
 * Note [StridedSlice masks]: TF's begin/end/strides form a *sparse* spec whose entry i is governed by bit
 * i of five masks. Following TF's BuildDenseSpec (tensorflow/core/util/strided_slice_op.cc):
 * - without an ellipsis entry, one is appended at the end;
 * - the ellipsis covers as many input dims as the other entries leave over (new axes are not input
 *   dims), each kept whole;
 * - a new_axis entry (checked before shrink) adds a size-1 output dim and consumes no input dim;
 * - any other entry slices one input dim: begin_mask/end_mask bits mean "from the start / to the end"
 *   (which end depends on the stride's sign), a shrink_axis bit takes the single element `begin` (masks
 *   ignored) and drops the dim.
 * In ONNX: one Slice over the sliced dims, a Squeeze of the shrunk dims, an Unsqueeze at the new axes'
 * output positions. Out-of-range indices clamp alike in both, with one exception: with a negative
 * stride TF clamps a begin below -dim to "before the first element" (an empty result) where ONNX clamps
 * it to the first element. With a static dim and constant indices the rule computes TF's canonical
 * range itself, so only a dynamic dim combined with such a begin would differ.
 */
interface Masks {
  begin: number;
  end: number;
  ellipsis: number;
  newAxis: number;
  shrink: number;
}

/** One dense (input) dim: kept whole, or sliced by sparse entry `entry`. */
type DenseDim = { whole: true } | { whole: false; entry: number; shrink: boolean };

/** Output dims in order: an input dim that stays, or a new axis. */
type FinalDim = number | 'new';

function bit(mask: number, i: number): boolean {
  return ((mask >>> i) & 1) === 1;
}

function denseSpec(ctx: LowerContext, n: number, rank: number, m: Masks): { dense: DenseDim[]; final: FinalDim[] } {
  let ellipsis = m.ellipsis;
  let dims = n;
  let seen = false;
  let newAfterEllipsis = 0;
  for (let i = 0; i < n; i++) {
    if (seen && bit(m.newAxis, i)) newAfterEllipsis++;
    if (bit(ellipsis, i)) {
      if (seen) ctx.unsupported('StridedSlice with more than one ellipsis');
      seen = true;
    }
  }
  if (!seen) {
    ellipsis |= 1 << n;
    dims = n + 1;
  }
  const dense: DenseDim[] = [];
  const final: FinalDim[] = [];
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsis, i)) {
      const next = Math.min(rank - (dims - i) + 1 + newAfterEllipsis, rank);
      while (dense.length < next) {
        final.push(dense.length);
        dense.push({ whole: true });
      }
    } else if (bit(m.newAxis, i)) {
      final.push('new');
    } else {
      if (dense.length >= rank) ctx.unsupported(`StridedSlice indexes more dims than the input's ${rank}`);
      const shrink = bit(m.shrink, i);
      if (!shrink) final.push(dense.length);
      dense.push({ whole: false, entry: i, shrink });
    }
  }
  return { dense, final };
}

/** An index as ONNX Slice reads it: a number, or a 1-element INT64 value computed in the graph. */
type Index = number | bigint | Value;

/** Entry i of a begin/end input: its constant, or a 1-element slice of the (int64) tensor. */
function element(ctx: LowerContext, values: number[] | undefined, tensor: () => Value, i: number): Index {
  if (values !== undefined) return values[i] ?? 0;
  return ctx.op('Slice', [tensor(), int64s(ctx, [i]), int64s(ctx, [i + 1])]);
}

/** TF's canonical [begin, end) of a sliced dim of static size, as ONNX Slice indices that reproduce it. */
function canonical(dim: number, b: number, e: number, stride: number, bm: boolean, em: boolean): [Index, Index] {
  const lo = stride > 0 ? 0 : -1;
  const hi = stride > 0 ? dim : dim - 1;
  const clamp = (x: number, masked: boolean, first: boolean): number => {
    if (masked) return (stride > 0) === first ? lo : hi;
    const fwd = x < 0 ? x + dim : x;
    return Math.min(Math.max(fwd, lo), hi);
  };
  const begin = clamp(b, bm, true);
  const end = clamp(e, em, false);
  if (stride > 0) return [begin, end];
  // Going backwards, -1 means "before element 0": an empty range as a begin, INT64_MIN as an end.
  if (begin === -1) return [0, 0];
  return [begin, end === -1 ? INT64_MIN : end];
}

/** A 1-D INT64 list of indices, folded into one constant when every entry is a number. */
function indexList(ctx: LowerContext, items: readonly Index[]): Value {
  if (items.every((x) => typeof x !== 'object')) return int64s(ctx, items as (number | bigint)[]);
  const parts = items.map((x) => (typeof x === 'object' ? x : int64s(ctx, [x])));
  return ctx.op('Concat', parts, { axis: 0 });
}

function stridedSlice(ctx: LowerContext): void {
  const x = ctx.tensor(0);
  const strides = ctx.ints(3);
  const n = strides.length;
  const m: Masks = {
    begin: ctx.attrInt('begin_mask', 0),
    end: ctx.attrInt('end_mask', 0),
    ellipsis: ctx.attrInt('ellipsis_mask', 0),
    newAxis: ctx.attrInt('new_axis_mask', 0),
    shrink: ctx.attrInt('shrink_axis_mask', 0),
  };
  const shape = ctx.shape(x);
  // An unknown rank is fine without an explicit ellipsis: the dims past the spec are kept and no
  // position computed below depends on how many there are.
  let rank = shape?.length;
  if (rank === undefined) {
    if (m.ellipsis !== 0) ctx.unsupported('StridedSlice with an ellipsis on an input of unknown rank');
    rank = strides.filter((_, i) => !bit(m.newAxis, i)).length;
  }
  const { dense, final } = denseSpec(ctx, n, rank, m);

  const beginV = ctx.tensor(1);
  const endV = ctx.tensor(2);
  const begins = constInts(ctx, beginV);
  const ends = constInts(ctx, endV);
  let b64: Value | undefined;
  let e64: Value | undefined;
  const beginT = (): Value => (b64 ??= int64Input(ctx, beginV));
  const endT = (): Value => (e64 ??= int64Input(ctx, endV));

  const axes: number[] = [];
  const starts: Index[] = [];
  const stops: Index[] = [];
  const steps: number[] = [];
  const squeezed: number[] = [];
  dense.forEach((d, axis) => {
    if (d.whole) return;
    const i = d.entry;
    const stride = strides[i] ?? 1;
    if (stride === 0) ctx.unsupported('StridedSlice with a zero stride');
    const dim = shape?.[axis];
    if (d.shrink) {
      if (stride < 0) ctx.unsupported('StridedSlice shrinking an axis with a negative stride');
      const b = element(ctx, begins, beginT, i);
      squeezed.push(axis);
      axes.push(axis);
      starts.push(b);
      steps.push(1);
      // begin + 1, except that the last element (-1) ends at the end, not at 0.
      if (typeof b !== 'object') stops.push(b === -1 ? INT64_MAX : Number(b) + 1);
      else stops.push(ctx.op('Where', [ctx.op('Equal', [b, int64s(ctx, [-1])]), int64s(ctx, [INT64_MAX]), ctx.op('Add', [b, int64s(ctx, [1])])]));
      return;
    }
    const bm = bit(m.begin, i);
    const em = bit(m.end, i);
    if (bm && em && stride === 1) return; // the whole dim
    let start: Index;
    let stop: Index;
    if (typeof dim === 'number' && begins !== undefined && ends !== undefined) {
      [start, stop] = canonical(dim, begins[i] ?? 0, ends[i] ?? 0, stride, bm, em);
    } else {
      start = bm ? (stride > 0 ? 0 : INT64_MAX) : element(ctx, begins, beginT, i);
      stop = em ? (stride > 0 ? INT64_MAX : INT64_MIN) : element(ctx, ends, endT, i);
    }
    axes.push(axis);
    starts.push(start);
    stops.push(stop);
    steps.push(stride);
  });

  let y = x;
  if (axes.length > 0) y = ctx.op('Slice', [y, indexList(ctx, starts), indexList(ctx, stops), int64s(ctx, axes), int64s(ctx, steps)]);
  if (squeezed.length > 0) y = ctx.op('Squeeze', [y, int64s(ctx, squeezed)]);
  const newAxes = final.flatMap((f, pos) => (f === 'new' ? [pos] : []));
  if (newAxes.length > 0) y = ctx.op('Unsqueeze', [y, int64s(ctx, newAxes)]);
  ctx.output(0, y);
}

tfTable.register({ 'tf::StridedSlice': stridedSlice });
