/**
 * Control flow: If, Loop, Scan and SequenceMap. Their output types come from inferring the subgraphs
 * (ctx.inferSubgraph) and joining what every path may produce (Note [joining control-flow types]).
 */
import { DataType } from '../../dtype.js';
import type { Dim, Shape } from '../../shape.js';
import { formatType, tensorType, type ValueType } from '../../types.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules } from '../shape-rule.js';
import { normalizeAxis } from '../shape-utils.js';
import { joinTypes, sameType, scalarConstant, unifyDim } from './util.js';

function ifRule(ctx: InferContext): void {
  // A known condition (a function body's attribute test, say) runs one branch only: the other is dead
  // code and may not even be valid for these inputs, so it is not inferred.
  const cond = ctx.inputConstant(0);
  if (cond !== undefined) {
    if (cond.values.length !== 1) ctx.fail(`cond must hold one value, got ${cond.values.length}`);
    const taken = Number(cond.values[0]) !== 0 ? 'then_branch' : 'else_branch';
    const types = ctx.inferSubgraph(taken, []);
    if (types.length !== ctx.outputCount) ctx.fail(`${taken} has ${types.length} outputs but the node has ${ctx.outputCount}`);
    types.forEach((t, i) => t !== undefined && ctx.setOutputType(i, t));
    return;
  }
  const thenTypes = ctx.inferSubgraph('then_branch', []);
  const elseTypes = ctx.inferSubgraph('else_branch', []);
  if (thenTypes.length !== elseTypes.length) {
    ctx.fail(`then_branch has ${thenTypes.length} outputs but else_branch has ${elseTypes.length}`);
  }
  if (thenTypes.length !== ctx.outputCount) {
    ctx.fail(`the branches have ${thenTypes.length} outputs but the node has ${ctx.outputCount}`);
  }
  thenTypes.forEach((t, i) => {
    const joined = joinTypes(ctx, t, elseTypes[i], `output ${i}: then_branch and else_branch disagree`);
    if (joined !== undefined) ctx.setOutputType(i, joined);
  });
}

/**
 * Note [loop state fixpoint]
 * A loop-carried value (Loop's v, Scan's state) may change shape from one iteration to the next, so the
 * body's first-iteration output type says nothing about later iterations. We infer the body with the
 * initial types, join each state's input and output types, and infer again with the joined types until
 * they stop changing: the result holds for the initial value and for every iteration's output. Joining
 * only ever forgets, so this ends; MAX_ROUNDS bounds it anyway (then the shapes are dropped).
 */
const MAX_ROUNDS = 6;

interface BodyResult {
  /** The state types at the fixpoint (what the node's state outputs hold). */
  readonly states: (ValueType | undefined)[];
  /** The body's outputs, inferred with those state types. */
  readonly outputs: (ValueType | undefined)[];
}

function inferLoopBody(
  ctx: InferContext,
  initial: readonly (ValueType | undefined)[],
  bodyInputs: (states: readonly (ValueType | undefined)[]) => (ValueType | undefined)[],
  stateOut: number,
  outputCount: number,
): BodyResult {
  let states = [...initial];
  const infer = (): (ValueType | undefined)[] => {
    const outputs = ctx.inferSubgraph('body', bodyInputs(states));
    if (outputs.length !== outputCount) ctx.fail(`body has ${outputs.length} outputs, expected ${outputCount}`);
    return outputs;
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const outputs = infer();
    const next = states.map((s, i) => joinState(ctx, s, outputs[stateOut + i], i));
    if (next.every((t, i) => sameType(t, states[i]))) return { states: states.map((t, i) => unwrapped(t, outputs[stateOut + i])), outputs };
    states = next;
  }
  states = states.map(forgetShape);
  return { states, outputs: infer() };
}

function joinState(ctx: InferContext, before: ValueType | undefined, after: ValueType | undefined, i: number): ValueType | undefined {
  if (unwraps(before, after)) return before;
  return joinTypes(ctx, before, after, `loop state ${i}: body output type differs from its input`);
}

/**
 * An optional state that the body turns into its content (ONNX's test_loop16_seq_none starts from an
 * optional sequence that the body returns as a plain sequence): the body keeps seeing the optional, and
 * the state output is typed by what the body makes of it.
 */
function unwraps(before: ValueType | undefined, after: ValueType | undefined): boolean {
  return before?.kind === 'optional' && after !== undefined && after.kind !== 'optional';
}

function unwrapped(before: ValueType | undefined, after: ValueType | undefined): ValueType | undefined {
  return unwraps(before, after) ? after : before;
}

function forgetShape(t: ValueType | undefined): ValueType | undefined {
  if (t === undefined) return undefined;
  if (t.kind === 'tensor' || t.kind === 'sparse_tensor') return { kind: t.kind, dtype: t.dtype };
  if (t.kind === 'sequence' || t.kind === 'optional') return { kind: t.kind };
  return t;
}

/** A per-iteration tensor output stacked along a new axis of length `len`. */
function stacked(ctx: InferContext, t: ValueType | undefined, len: Dim, axis: number, what: string): ValueType | undefined {
  if (t === undefined) return undefined;
  if (t.kind !== 'tensor') ctx.fail(`${what} must be a tensor, got ${formatType(t)}`);
  if (t.shape === undefined) return tensorType(t.dtype);
  const a = normalizeAxis(ctx, axis, t.shape.length + 1, `${what} axis`);
  return tensorType(t.dtype, [...t.shape.slice(0, a), len, ...t.shape.slice(a)]);
}

/** Loop: inputs (M, cond, v_initial...), body (iter, cond, v...) -> (cond, v..., scan...). */
function loop(ctx: InferContext): void {
  const carried = ctx.inputCount - 2;
  if (carried < 0) ctx.fail(`Loop needs at least the M and cond inputs (possibly empty), got ${ctx.inputCount} inputs`);
  const scans = ctx.outputCount - carried;
  if (scans < 0) ctx.fail(`Loop has ${carried} loop-carried inputs but only ${ctx.outputCount} outputs`);
  const trip = ctx.hasInput(0) ? scalarConstant(ctx, 0) : undefined;
  // A known trip count without a condition input runs exactly M times (the body's cond is then ignored).
  const iterations: Dim = trip !== undefined && !ctx.hasInput(1) ? Math.max(trip, 0) : null;

  const initial = Array.from({ length: carried }, (_, i) => ctx.inputType(2 + i));
  const scalar = (dtype: DataType): ValueType => tensorType(dtype, []);
  const body = inferLoopBody(ctx, initial, (s) => [scalar(DataType.INT64), scalar(DataType.BOOL), ...s], 1, 1 + carried + scans);
  body.states.forEach((t, i) => t !== undefined && ctx.setOutputType(i, t));
  for (let j = 0; j < scans; j++) {
    const t = stacked(ctx, body.outputs[1 + carried + j], iterations, 0, `scan output ${j}`);
    if (t !== undefined) ctx.setOutputType(carried + j, t);
  }
}

function tensorShape(ctx: InferContext, i: number): { dtype: DataType; shape: Shape | undefined } | undefined {
  const t = ctx.inputType(i);
  if (t === undefined) return undefined;
  if (t.kind !== 'tensor') ctx.fail(`input ${i} must be a tensor, got ${formatType(t)}`);
  return { dtype: t.dtype, shape: t.shape };
}

/** The tensor type with dims `drop` removed (a scan slice, or a state without Scan-8's batch dim). */
function without(dtype: DataType, shape: Shape | undefined, drop: readonly number[]): ValueType {
  return tensorType(dtype, shape?.filter((_, k) => !drop.includes(k)));
}

function scan(ctx: InferContext): void {
  const v8 = ctx.schema.sinceVersion === 8;
  const m = ctx.attrInt('num_scan_inputs');
  if (m === undefined || m < 1) ctx.fail(`num_scan_inputs must be at least 1, got ${String(m)}`);
  const first = v8 ? 1 : 0; // Scan-8 starts with the optional sequence_lens
  const n = ctx.inputCount - first - m;
  if (n < 0) ctx.fail(`num_scan_inputs ${m} exceeds the ${ctx.inputCount - first} state and scan inputs`);
  const k = ctx.outputCount - n;
  if (k < 0) ctx.fail(`Scan has ${n} state inputs but only ${ctx.outputCount} outputs`);
  const inAxes = v8 ? [] : ctx.attrInts('scan_input_axes', []);
  const outAxes = v8 ? [] : ctx.attrInts('scan_output_axes', []);
  if (inAxes.length !== 0 && inAxes.length !== m) ctx.fail(`scan_input_axes has ${inAxes.length} values for ${m} scan inputs`);
  if (outAxes.length !== 0 && outAxes.length !== k) ctx.fail(`scan_output_axes has ${outAxes.length} values for ${k} scan outputs`);

  // Scan-8 puts a batch dim first on every state and scan input, then the sequence dim on scan inputs.
  let batch: Dim = null;
  let seqLen: Dim = null;
  const initial: (ValueType | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const t = ctx.inputType(first + i);
    if (!v8) initial.push(t);
    else {
      const s = tensorShape(ctx, first + i);
      if (s?.shape !== undefined && s.shape.length < 1) ctx.fail(`state input ${i} needs a batch dim`);
      batch = unifyDim(ctx, batch, s?.shape?.[0] ?? null, `batch size of state input ${i}`);
      initial.push(s === undefined ? undefined : without(s.dtype, s.shape, [0]));
    }
  }
  const slices: (ValueType | undefined)[] = [];
  for (let j = 0; j < m; j++) {
    const s = tensorShape(ctx, first + n + j);
    if (s === undefined) {
      slices.push(undefined);
      continue;
    }
    if (s.shape === undefined) {
      slices.push(tensorType(s.dtype));
      continue;
    }
    const rank = s.shape.length;
    const axis = v8 ? 1 : normalizeAxis(ctx, inAxes[j] ?? 0, rank, `scan_input_axes[${j}]`);
    if (v8 && rank < 2) ctx.fail(`scan input ${j} needs batch and sequence dims, got rank ${rank}`);
    if (v8) batch = unifyDim(ctx, batch, s.shape[0] ?? null, `batch size of scan input ${j}`);
    seqLen = unifyDim(ctx, seqLen, s.shape[axis] ?? null, `sequence length of scan input ${j}`);
    slices.push(without(s.dtype, s.shape, v8 ? [0, 1] : [axis]));
  }

  const body = inferLoopBody(ctx, initial, (states) => [...states, ...slices], 0, n + k);
  body.states.forEach((t, i) => {
    const out = v8 ? stacked(ctx, t, batch, 0, `state output ${i}`) : t;
    if (out !== undefined) ctx.setOutputType(i, out);
  });
  for (let j = 0; j < k; j++) {
    let t = stacked(ctx, body.outputs[n + j], seqLen, v8 ? 0 : (outAxes[j] ?? 0), `scan output ${j}`);
    if (v8) t = stacked(ctx, t, batch, 0, `scan output ${j}`);
    if (t !== undefined) ctx.setOutputType(n + j, t);
  }
}

/** SequenceMap runs the body once per element; sequence inputs give one element, tensors are passed whole. */
function sequenceMap(ctx: InferContext): void {
  const first = ctx.inputType(0);
  if (first !== undefined && first.kind !== 'sequence') ctx.fail(`input_sequence must be a sequence, got ${formatType(first)}`);
  const bodyInputs = Array.from({ length: ctx.inputCount }, (_, i) => {
    const t = ctx.inputType(i);
    return t?.kind === 'sequence' ? t.elem : t;
  });
  const outs = ctx.inferSubgraph('body', bodyInputs);
  if (outs.length !== ctx.outputCount) ctx.fail(`body has ${outs.length} outputs but the node has ${ctx.outputCount}`);
  outs.forEach((t, i) => ctx.setOutputType(i, t === undefined ? { kind: 'sequence' } : { kind: 'sequence', elem: t }));
}

registerShapeRules({ If: ifRule, Loop: loop, Scan: scan, SequenceMap: sequenceMap });
