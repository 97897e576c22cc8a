/**
 * What each graph input of a program is. Lifted state (parameters, buffers, constants) arrives as graph
 * inputs whose names the signature maps to FQNs; resolve by name, never by position (FORMATS.md 2.3).
 */
import type { ConstantValue, ExportedProgram } from './types.js';

export type GraphInputKind = 'user_input' | 'parameter' | 'buffer' | 'tensor_constant' | 'custom_obj' | 'token';

export interface GraphInputRole {
  kind: GraphInputKind;
  /** State-dict or constants FQN for lifted state. */
  fqn?: string;
  /** Buffers only: false for non-persistent buffers (stored with the constants). */
  persistent?: boolean;
}

/** Graph input name -> its role. A user input that is not a tensor (a SymInt) is keyed by its name too. */
export function graphInputRoles(program: ExportedProgram): Map<string, GraphInputRole> {
  const out = new Map<string, GraphInputRole>();
  for (const spec of program.graph_module.signature.input_specs) {
    if (spec.parameter) out.set(spec.parameter.arg.name, { kind: 'parameter', fqn: spec.parameter.parameter_name });
    else if (spec.buffer) {
      out.set(spec.buffer.arg.name, { kind: 'buffer', fqn: spec.buffer.buffer_name, persistent: spec.buffer.persistent });
    } else if (spec.tensor_constant) {
      out.set(spec.tensor_constant.arg.name, { kind: 'tensor_constant', fqn: spec.tensor_constant.tensor_constant_name });
    } else if (spec.custom_obj) {
      out.set(spec.custom_obj.arg.name, { kind: 'custom_obj', fqn: spec.custom_obj.custom_obj_name });
    } else if (spec.token) out.set(spec.token.arg.name, { kind: 'token' });
    else if (spec.user_input) {
      const arg = spec.user_input.arg;
      const name = arg.as_tensor?.name ?? arg.as_sym_int?.as_name ?? arg.as_sym_float?.as_name ?? arg.as_sym_bool?.as_name;
      if (name !== undefined) out.set(name, { kind: 'user_input' });
    }
  }
  return out;
}

/**
 * Inputs torch specialized to a constant (an `int`/`float` argument of forward): they appear in
 * graph.inputs as literals and in the signature as `constant_input`, name -> value.
 */
export function constantInputs(program: ExportedProgram): Map<string, ConstantValue> {
  const out = new Map<string, ConstantValue>();
  for (const spec of program.graph_module.signature.input_specs) {
    if (spec.constant_input) out.set(spec.constant_input.name, spec.constant_input.value);
  }
  return out;
}

