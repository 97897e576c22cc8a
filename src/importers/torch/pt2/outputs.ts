/**
 * The program's outputs. `output_specs` line up with `graph.outputs` and say what each one is: user
 * outputs (and a loss) become graph outputs; the rest are side effects of a call.
 *
 * Note [state updates in a stateless model]: a functionalized program returns the new values of the
 * buffers (and parameters) it updated in place (`buffer_mutation`), and torch writes them back after
 * each call. An ONNX model keeps no state, so the converted model always starts from the saved values:
 * it answers like torch's first call. That is exact when no user output reads an updated buffer (the
 * update is bookkeeping, e.g. a counter nobody returns): then the update is dropped. When a user output
 * reads one, old value or new, torch's answers drift from call to call and ONNX cannot follow: refuse.
 * Inputs mutated in place (`user_input_mutation`) only change the caller's tensor, not our outputs;
 * gradients and effect tokens belong to training and effect graphs and are dropped too.
 */
import { UnsupportedOpsError, type UnsupportedOp } from '../../../ir/errors.js';
import type { Node } from '../../../ir/node.js';
import type { Value } from '../../../ir/value.js';
import { type Argument, type ExportedProgram, unionKey } from '../../../formats/torch/pt2/index.js';
import { argumentValue, type ArgScope } from './arguments.js';

export interface UserOutput {
  /** Position among the user outputs. */
  index: number;
  value: Value;
}

export function userOutputs(program: ExportedProgram, scope: ArgScope): UserOutput[] {
  const out: UserOutput[] = [];
  for (const [i, spec] of program.graph_module.signature.output_specs.entries()) {
    const arg: Argument | undefined = spec.user_output?.arg ?? (spec.loss_output ? { as_tensor: spec.loss_output.arg } : undefined);
    if (arg === undefined) continue; // a side effect: Note [state updates in a stateless model]
    // A None leaf of the returned structure holds no tensor; torch's flat outputs skip it as well.
    const value = argumentValue(scope, arg, `output ${i}`);
    if (value !== null) out.push({ index: out.length, value });
  }
  return out;
}

/** Refuses programs whose user outputs read state that torch updates on every call (see the Note). */
export function checkStateUpdates(program: ExportedProgram, values: ReadonlyMap<string, Value>, outputs: readonly UserOutput[], file: string | undefined): void {
  const sig = program.graph_module.signature;
  const placeholderOf = new Map<string, string>();
  for (const spec of sig.input_specs) {
    if (spec.buffer) placeholderOf.set(spec.buffer.buffer_name, spec.buffer.arg.name);
    if (spec.parameter) placeholderOf.set(spec.parameter.parameter_name, spec.parameter.arg.name);
  }
  // Value -> the state it holds (its saved or its updated value), and the node that updates it.
  const watched = new Map<Value, { fqn: string; node: string }>();
  for (const spec of sig.output_specs) {
    const update = spec.buffer_mutation
      ? { fqn: spec.buffer_mutation.buffer_name, name: spec.buffer_mutation.arg.name }
      : spec.parameter_mutation
        ? { fqn: spec.parameter_mutation.parameter_name, name: spec.parameter_mutation.arg.name }
        : undefined;
    if (update === undefined) continue;
    const next = values.get(update.name);
    const saved = values.get(placeholderOf.get(update.fqn) ?? '');
    const info = { fqn: update.fqn, node: next?.producer?.name ?? update.name };
    for (const v of [next, saved]) if (v !== undefined) watched.set(v, info);
  }
  if (watched.size === 0) return;

  const found = new Map<string, UnsupportedOp>();
  for (const { index, value } of outputs) {
    for (const hit of readsOf(value, watched)) {
      const op = `state update of ${hit.fqn} (user output ${index} reads it; torch updates it on every call and an ONNX model keeps no state)`;
      const e = found.get(op);
      if (e) e.count++;
      else found.set(op, { op, count: 1, exampleNode: hit.node });
    }
  }
  if (found.size > 0) throw new UnsupportedOpsError([...found.values()], { file });
}

/** The watched values `v` depends on, walking producers back to the inputs. */
function readsOf<T>(v: Value, watched: ReadonlyMap<Value, T>): T[] {
  const hits = new Set<T>();
  const seen = new Set<Node>();
  const stack: Value[] = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    const w = watched.get(x);
    if (w !== undefined) hits.add(w);
    const p = x.producer;
    if (p === undefined || seen.has(p)) continue;
    seen.add(p);
    for (const i of p.inputs) if (i !== null) stack.push(i);
  }
  return [...hits];
}
