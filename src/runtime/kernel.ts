/**
 * What a kernel sees: typed inputs, attributes (with the schema's defaults filled in), the opset in force,
 * and output allocation through the memory plan. A kernel is one function `(ctx) => void`.
 */
import { attrNumber, attrText, AttributeType, type Attribute, type Int64 } from '../ir/attribute.js';
import { KernelError } from '../ir/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Tensor as IrTensor } from '../ir/tensor.js';
import type { AttributeSchema } from '../ir/ops/schema.js';
import type { Tensor, TensorType } from './tensor.js';
import type { RuntimeValue } from './values.js';

export interface KernelContext {
  readonly opType: string;
  readonly domain: string;
  /** The node's name, for messages. */
  readonly nodeName: string;
  /** The opset version of the node's domain in the model. */
  readonly opset: number;
  readonly attrs: NodeAttributes;
  /** Number of input slots (omitted optional inputs count, as null). */
  readonly inputCount: number;
  readonly outputCount: number;
  /** Input `i`; throws a KernelError when it is omitted. */
  input(i: number): Tensor;
  /** Input `i` or undefined when omitted or beyond the node's inputs. */
  optionalInput(i: number): Tensor | undefined;
  /** Input `i` of any kind (tensor, sequence, optional), or undefined when omitted. */
  inputValue(i: number): RuntimeValue | undefined;
  /**
   * Whether input `i` holds the same tensor, with the same values, on every run of the session: an
   * initializer, or what cached steps made from initializers alone (Note [cached steps] in plan.ts). A
   * kernel may keep things derived from such an input's values (a packed copy of a weight) across runs,
   * keyed by the tensor's data object.
   */
  isConstant(i: number): boolean;
  /**
   * What a plan fused into this step's kernel (Note [fused activations] in cpu/fusion/activation.ts): a bias
   * and an activation the kernel must apply to every element of output 0, in that order, last. Only kernels
   * whose traits say so get one.
   */
  readonly epilogue: Epilogue | undefined;
  /**
   * Allocates output `i` from the memory plan. Numeric buffers come zero-filled, except for the ops a
   * backend declares to write every element and to work elementwise (Note [in-place steps] in plan.ts):
   * their output 0 may hold old values, or be the buffer of an input that dies at this step.
   */
  output(i: number, dims: readonly number[], type: TensorType): Tensor;
  /**
   * A value the kernel derives from shapes and attributes only (tap tables, packed constant weights), made
   * once per step and `key` and kept for the session's life. `key` must name everything `make` depends on
   * besides the node itself (input dims, dtypes); never cache anything derived from activation values.
   */
  memo<T>(key: string, make: () => T): T;
  /** Sets output `i` to a tensor the kernel made itself (never pooled). */
  setOutput(i: number, t: Tensor): void;
  /** Sets output `i` to a sequence or optional (opaque to the memory plan; its tensors must be the kernel's own copies). */
  setValue(i: number, v: RuntimeValue): void;
  /** Whether output `i` is wanted (present in the node). */
  hasOutput(i: number): boolean;
  /** A KernelError naming this node and op. */
  error(message: string): KernelError;
  /**
   * Runs a subgraph of this node (an If branch, a Loop/Scan body) on `inputs`, given in the order of the
   * subgraph's inputs; the subgraph sees every value of the enclosing scopes. Returns its outputs in order.
   * They may be tensors of the outer scope or constants: copy them before handing them on as outputs.
   */
  runGraph(graph: Graph, inputs: readonly Tensor[]): Tensor[];
  /** `runGraph` with inputs and outputs of any kind (tensor, sequence, optional). */
  runGraphValues(graph: Graph, inputs: readonly RuntimeValue[]): RuntimeValue[];
}

/**
 * A kernel writes every output through `ctx.output` (or `setOutput` with a tensor it made itself); it never
 * hands an input tensor back as an output, since the memory plan may reuse the input's buffer.
 */
export type Kernel = (ctx: KernelContext) => void;

/** The ops a plan fused into a kernel, applied to output 0 after everything else the kernel computes. */
export interface Epilogue {
  /**
   * The input position of a vector as long as output 0's last axis (any leading dims 1), added along that
   * axis first: a fused bias Add.
   */
  readonly bias?: number;
  /** The input position of a tensor of output 0's dims, added after the bias (Note [fused residual]). */
  readonly residual?: number;
  readonly activation?: Activation;
}

/**
 * An activation applied last (after bias, alpha, beta). `clamp` says when it is a clamp that a kernel may
 * fold into its own loops; `apply` is the activation's kernel as it would have run on its own, over `n`
 * elements of `y` from `o`, in place.
 */
export interface Activation {
  /** The activation's op type, for labels and messages. */
  readonly op: string;
  /**
   * y = (y < lo ? lo : y), then (y > hi ? hi : y) (Relu: lo 0, hi Infinity): the comparisons of the Relu
   * and Clip kernels, so NaN and signed zeros come out as they do unfused.
   */
  readonly clamp?: { readonly lo: number; readonly hi: number };
  apply(y: Float32Array | Float64Array, o: number, n: number): void;
}

/** What a plan may assume of a kernel beyond the contract above. */
export interface KernelTraits {
  /** It applies `ctx.epilogue.activation` on every path: a plan may fuse an activation into it. */
  readonly epilogue?: boolean;
  /**
   * It also adds `ctx.epilogue.bias` on every path, when this says the bias fits this run's inputs (a
   * vector as long as output 0's last axis, leading dims 1, no more dims than output 0): a plan may fuse
   * a bias Add into it, declining the runs it does not fit.
   */
  readonly bias?: (ctx: KernelContext, bias: Tensor) => boolean;
  /** It adds `ctx.epilogue.residual` on every path, when this says the tensor fits this run. */
  readonly residual?: (ctx: KernelContext, z: Tensor) => boolean;
  /** It writes every element of every output it allocates, so a reused buffer need not be zero-filled. */
  readonly fills?: boolean;
}

const traits = new WeakMap<Kernel, KernelTraits>();

/** Records `t` for kernel `k` (returned, for use in a table). */
export function withTraits(k: Kernel, t: KernelTraits): Kernel {
  traits.set(k, t);
  return k;
}

export function traitsOf(k: Kernel): KernelTraits {
  return traits.get(k) ?? {};
}

/** A family's kernels by exact ONNX op name. */
export type KernelTable = Readonly<Record<string, Kernel | KernelEntry>>;

export interface KernelEntry {
  kernel: Kernel;
  /** Opset versions the kernel supports, inclusive; all when absent. */
  versions?: readonly [from: number, to: number][];
}

/** A node's attributes, falling back on the schema's defaults (an OpSchema, or the runtime's op-table entry). */
export class NodeAttributes {
  constructor(
    private readonly own: ReadonlyMap<string, Attribute>,
    private readonly schema: { readonly attributes: readonly AttributeSchema[] } | undefined,
    private readonly where: { node: string; op: string },
  ) {}

  has(name: string): boolean {
    return this.own.has(name);
  }

  private get(name: string): { type: AttributeType; value: unknown } | undefined {
    const a = this.own.get(name);
    if (a !== undefined && a.value !== undefined) return a;
    const s = this.schema?.attributes.find((x) => x.name === name);
    if (s?.default !== undefined) return { type: s.type, value: s.default };
    return undefined;
  }

  private missing(name: string): KernelError {
    return new KernelError(`attribute ${JSON.stringify(name)} is required`, this.where);
  }

  int(name: string, dflt?: number): number {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return attrNumber(a.value as Int64);
  }

  /** An int kept exact (e.g. int64 extremes). */
  bigint(name: string, dflt?: bigint): bigint {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return BigInt(a.value as Int64);
  }

  float(name: string, dflt?: number): number {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return Number(a.value);
  }

  ints(name: string, dflt?: number[]): number[] {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return (a.value as Int64[]).map(attrNumber);
  }

  /** Undefined when neither the node nor the schema gives a value. */
  intsOpt(name: string): number[] | undefined {
    const a = this.get(name);
    return a === undefined ? undefined : (a.value as Int64[]).map(attrNumber);
  }

  floats(name: string, dflt?: number[]): number[] {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return (a.value as number[]).map(Number);
  }

  string(name: string, dflt?: string): string {
    const a = this.get(name);
    if (a === undefined) {
      if (dflt === undefined) throw this.missing(name);
      return dflt;
    }
    return attrText(a.value as string);
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name);
    return a === undefined ? undefined : (a.value as string[]).map(attrText);
  }

  tensor(name: string): IrTensor | undefined {
    const a = this.own.get(name);
    return a?.type === AttributeType.TENSOR ? (a.value as IrTensor) : undefined;
  }

  graph(name: string): Graph | undefined {
    const a = this.own.get(name);
    return a?.type === AttributeType.GRAPH ? (a.value as Graph) : undefined;
  }
}
