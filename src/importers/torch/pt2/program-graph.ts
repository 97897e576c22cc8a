/**
 * A torch.export program as an IR graph of source nodes (domains `aten` and `prim`), ready for the ATen
 * lowering table: user inputs become graph inputs typed from their TensorMeta (dynamic dims stay symbols),
 * lifted parameters/buffers/constants become initializers named by FQN, every program node becomes one
 * source node (Note [source node arguments]) whose outputs carry torch's own types, and the user outputs
 * become graph outputs. Nothing is lowered here.
 */
import { DataType } from '../../../ir/dtype.js';
import { FormatError } from '../../../ir/errors.js';
import { Graph } from '../../../ir/graph.js';
import { Model } from '../../../ir/model.js';
import { Node } from '../../../ir/node.js';
import { tensorType, type ValueType } from '../../../ir/types.js';
import type { Value } from '../../../ir/value.js';
import { ArgumentKind, type Argument, type Node as ProgramNode, type Pt2Program, graphInputRoles, symbolRanges, unionKey } from '../../../formats/torch/pt2/index.js';
import type { ByteOrder } from '../../../formats/torch/storage.js';
import { SourceGraphBuilder } from '../source-graph.js';
import { argumentValue, type ArgScope } from './arguments.js';
import { checkStateUpdates, userOutputs } from './outputs.js';
import { sourceOpOf } from './targets.js';
import { inputType, SYM_INT_TYPE, symbolBounds, tensorMetaType } from './value-types.js';
import { WeightReader } from './weights.js';

export interface ProgramGraphOptions {
  /** The archive's file name, for messages. */
  file?: string;
  /** The archive's `byteorder` record (default little). */
  byteOrder?: ByteOrder;
}

/** The ai.onnx opset a source model declares until lowering sets the target one. */
const PLACEHOLDER_OPSET = 18;

/** Builds the source-domain model of a program read by readPt2. */
export function programToModel(pt2: Pt2Program, options: ProgramGraphOptions = {}): Model {
  const b = new ProgramGraphBuilder(pt2, options);
  b.addInputs();
  for (const [i, n] of pt2.program.graph_module.graph.nodes.entries()) b.addNode(n, i);
  b.addOutputs();
  uniquifyNames(b.graph);
  const aten = pt2.program.opset_version['aten'] ?? 1;
  return new Model(b.graph, new Map([['', PLACEHOLDER_OPSET], ['aten', aten], ['prim', 1]]), 10);
}

class ProgramGraphBuilder implements ArgScope {
  readonly graph: Graph;
  readonly builder: SourceGraphBuilder;
  /** Program names (tensors, SymInts) -> the values that define them. */
  private readonly values = new Map<string, Value>();
  private readonly file: string | undefined;
  private constants = 0;

  constructor(
    private readonly pt2: Pt2Program,
    private readonly options: ProgramGraphOptions,
  ) {
    this.graph = new Graph(pt2.modelName);
    this.builder = new SourceGraphBuilder(this.graph);
    this.file = options.file;
  }

  private get g(): Pt2Program['program']['graph_module']['graph'] {
    return this.pt2.program.graph_module.graph;
  }

  value(name: string, where: string): Value {
    const v = this.values.get(name);
    if (v === undefined) throw new FormatError(`${where} reads ${JSON.stringify(name)}, which no input or earlier node defines`, { file: this.file });
    return v;
  }

  unsupported(what: string, where: string): Value {
    // A source node without a rule: the driver reports `prim::unsupported_argument.<what>` at node `where`.
    return this.builder.call('prim', 'unsupported_argument', what, [], [], [''], where).output(0);
  }

  tensorConstant(t: Parameters<ArgScope['tensorConstant']>[0]): Value {
    return this.builder.tensorConstant(t, `pt2_const_${this.constants++}`);
  }

  private define(name: string, v: Value, where: string): void {
    if (this.values.has(name)) throw new FormatError(`${where} defines ${JSON.stringify(name)} a second time`, { file: this.file });
    this.values.set(name, v);
  }

  /** torch's type for an intermediate value; the lowering works without one when it has no ONNX form. */
  private typeOf(name: string): ValueType | undefined {
    const meta = this.g.tensor_values[name];
    return meta === undefined ? undefined : tensorMetaType(meta);
  }

  /** Graph inputs: user inputs stay inputs, lifted state becomes initializers named by FQN. */
  addInputs(): void {
    const roles = graphInputRoles(this.pt2.program);
    const ranges = symbolRanges(this.pt2.program);
    const weights = new WeightReader(this.options.byteOrder ?? 'little', this.file);
    for (const [i, arg] of this.g.inputs.entries()) {
      const kind = unionKey(arg);
      const name = argName(arg);
      const where = `graph input ${i}`;
      // Literals are inputs torch specialized (constant_input): nodes hold the value itself.
      if (name === undefined) continue;
      const role = roles.get(name);
      if (role === undefined) throw new FormatError(`${where} ${JSON.stringify(name)} has no input spec`, { file: this.file });
      if (role.kind === 'parameter' || role.kind === 'buffer' || role.kind === 'tensor_constant') {
        const t = this.pt2.tensors.get(role.fqn ?? '');
        if (t === undefined) throw new FormatError(`no payload for ${role.fqn} (${name})`, { file: this.file });
        const v = this.graph.addInitializer(t.fqn, weights.tensor(t));
        v.type = tensorType(t.dtype, t.sizes);
        this.define(name, v, where);
      } else if (role.kind === 'user_input' && kind === 'as_tensor') {
        const type = inputType(this.g.tensor_values[name], name, this.file);
        const v = this.graph.addInput(name, type);
        const bounds = symbolBounds(type, ranges);
        if (bounds !== undefined) v.docString = bounds;
        this.define(name, v, where);
      } else if (role.kind === 'user_input' && (kind === 'as_sym_int' || kind === 'as_sym_float' || kind === 'as_sym_bool')) {
        // A dynamic Python number argument: a 0-d input the caller feeds.
        const dtype = kind === 'as_sym_int' ? DataType.INT64 : kind === 'as_sym_float' ? DataType.DOUBLE : DataType.BOOL;
        this.define(name, this.graph.addInput(name, tensorType(dtype, [])), where);
      } else {
        // Effect tokens (with_effects) and anything newer: reported by the driver where a node reads it.
        this.define(name, this.unsupported(`${role.kind}_input`, name), where);
      }
    }
  }

  addNode(n: ProgramNode, index: number): void {
    const { domain, op, overload } = sourceOpOf(n.target);
    const name = n.name ?? `${op}_${index}`;
    const args: (Value | null)[] = [];
    const kwargs: [string, Value | null][] = [];
    for (const na of n.inputs) {
      const v = argumentValue(this, na.arg, `${name}.${na.name}`);
      if (na.kind === ArgumentKind.KEYWORD) kwargs.push([na.name, v]);
      else args.push(v);
    }
    const slots = n.outputs.flatMap((o) => outputSlots(o));
    const odd = [...new Set(slots.filter((s) => s.unknown !== undefined).map((s) => s.unknown))];
    // An output kind we cannot represent: the node still goes in, with a marker the driver reports.
    for (const k of odd) kwargs.push([`__unsupported_output_${k}`, this.unsupported(`output_${k}`, `${name}.outputs`)]);
    const node = this.builder.call(domain, op, overload, args, kwargs, slots.map((s) => s.name), name);
    node.outputs.forEach((v, k) => {
      const slot = slots[k]!;
      if (slot.name === '') return;
      // torch's own type for the value; the driver checks what a rule builds against it.
      v.type = slot.symInt ? SYM_INT_TYPE : this.typeOf(slot.name);
      this.define(slot.name, v, `node ${JSON.stringify(name)}`);
    });
  }

  /** Graph outputs: the user outputs, in order, named as in the program. */
  addOutputs(): void {
    const outs = userOutputs(this.pt2.program, this);
    for (const { value, index } of outs) {
      // An output must be a value of its own: not an input or initializer (ONNX outputs are node outputs
      // here), not a shared constant, not an output listed twice.
      const p = value.producer;
      const shared = p === undefined || (p.domain === '' && p.opType === 'Constant') || value.isGraphOutput();
      this.graph.addOutput(shared ? this.identity(value, `${value.name || 'output'}_${index}`) : value);
    }
    checkStateUpdates(this.pt2.program, this.values, outs, this.file);
  }

  private identity(v: Value, name: string): Value {
    const node = new Node('Identity', [v], { name, outputs: [name] });
    node.output(0).type = v.type;
    this.graph.appendNode(node);
    return node.output(0);
  }
}

/** The program name an argument defines or refers to (tensor, SymInt, token, custom object), if any. */
function argName(arg: Argument): string | undefined {
  const inner = (arg as Record<string, unknown>)[unionKey(arg)];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return undefined;
  const o = inner as { name?: unknown; as_name?: unknown };
  if (typeof o.name === 'string') return o.name;
  return typeof o.as_name === 'string' ? o.as_name : undefined;
}

interface OutputSlot {
  /** '' for None and for outputs without a name. */
  name: string;
  symInt?: boolean;
  /** Set for an output kind this importer cannot represent. */
  unknown?: string;
}

/** The node outputs one output Argument stands for: a tensor list (split, chunk, unbind) gives one each. */
function outputSlots(o: Argument): OutputSlot[] {
  const kind = unionKey(o);
  switch (kind) {
    case 'as_tensor':
      return [{ name: o.as_tensor!.name }];
    case 'as_tensors':
      return o.as_tensors!.map((t) => ({ name: t.name }));
    case 'as_optional_tensors':
      return o.as_optional_tensors!.map((t) => ({ name: t.as_tensor?.name ?? '' }));
    case 'as_optional_tensor':
      return [{ name: o.as_optional_tensor!.as_tensor?.name ?? '' }];
    case 'as_sym_int':
      return [{ name: o.as_sym_int!.as_name ?? '', symInt: true }];
    case 'as_sym_float':
      return [{ name: o.as_sym_float!.as_name ?? '' }];
    case 'as_sym_bool':
      return [{ name: o.as_sym_bool!.as_name ?? '' }];
    case 'as_none':
      return [{ name: '' }];
    default:
      return [{ name: '', unknown: kind }];
  }
}

/**
 * Program names are unique among themselves, but FQNs (initializers) and the builder's constants share
 * the ONNX namespace with them. Inputs and initializers keep their names (callers bind inputs by name);
 * a later value with a taken name gets a suffix.
 */
function uniquifyNames(graph: Graph): void {
  const taken = new Set<string>(graph.inputs.map((v) => v.name));
  const claim = (v: Value): void => {
    if (taken.has(v.name)) {
      let k = 1;
      while (taken.has(`${v.name}_${k}`)) k++;
      v.name = `${v.name}_${k}`;
    }
    taken.add(v.name);
  };
  // An initializer named like an input would become that input's default value in ONNX.
  for (const v of [...graph.initializers.values()]) {
    if (!taken.has(v.name)) {
      taken.add(v.name);
      continue;
    }
    graph.removeInitializer(v);
    claim(v);
    graph.addInitializer(v, v.constValue!);
  }
  for (const node of graph) for (const v of node.outputs) if (v.name !== '') claim(v);
}
