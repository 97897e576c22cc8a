import type { Attribute } from '../attribute.js';
import { BridgeError, ShapeError } from '../errors.js';
import type { Graph } from '../graph.js';
import { opsetVersion, type Func, type Model, type OpsetImports } from '../model.js';
import type { Node } from '../node.js';
import type { ConstantData } from '../ops/infer-context.js';
import { getSchema } from '../ops/registry.js';
import { getShapeRule } from '../ops/shape-rule.js';
import '../ops/rules.js';
import { tensorType, type ValueType } from '../types.js';
import type { Value } from '../value.js';
import { tensorToConstant } from './constant-data.js';
import { mergeTypes, TypeConflict } from './merge-types.js';
import { NodeContext, type InferEnv } from './node-context.js';

export interface InferOptions {
  /** Write the merged types back onto the model's values (default true). */
  apply?: boolean;
}

export interface InferReport {
  /** Nodes visited, subgraphs included. */
  nodes: number;
  /** Node outputs whose dtype and every dim are known (numbers or symbols). */
  complete: number;
  /** Node outputs with a known type but some unknown dims or rank. */
  partial: number;
  /** Node outputs with no type at all. */
  unknown: number;
  /** Problems found: rule failures (ShapeError) and contradictions with declared types. */
  errors: BridgeError[];
  /** Ops with a schema but no shape rule yet: op -> count. */
  missingRules: Map<string, number>;
}

const MAX_FUNCTION_DEPTH = 32;

/**
 * Infers types and shapes through the model in topological order, node by node, using the rule
 * registered for each op, through If/Loop/Scan bodies and model-local functions. Linear in the
 * number of nodes (a function body is inferred once per call site).
 */
export function emptyInferReport(): InferReport {
  return { nodes: 0, complete: 0, partial: 0, unknown: 0, errors: [], missingRules: new Map() };
}

export function inferShapes(model: Model, options: InferOptions = {}): InferReport {
  const report = emptyInferReport();
  const engine = new Engine(model, model.opsetImports, report, 0);
  engine.inferGraph(model.graph);
  if (options.apply ?? true) engine.apply();
  return report;
}

export class Engine implements InferEnv {
  readonly types = new Map<Value, ValueType | undefined>();
  readonly consts = new Map<Value, ConstantData | undefined>();
  resolveRef?: (ref: string) => Attribute | undefined;

  constructor(
    private readonly model: Model | undefined,
    private readonly opsets: OpsetImports,
    private readonly report: InferReport,
    private readonly depth: number,
  ) {}

  typeOf(v: Value): ValueType | undefined {
    if (this.types.has(v)) return this.types.get(v);
    let t = v.type;
    const c = v.constValue;
    if (c !== undefined) {
      try {
        t = mergeTypes(t, tensorType(c.dtype, c.dims));
      } catch {
        // A declared input type that contradicts its initializer is the checker's to report.
      }
    }
    this.types.set(v, t);
    return t;
  }

  constantOf(v: Value): ConstantData | undefined {
    if (this.consts.has(v)) return this.consts.get(v);
    // From IR 4 on, an initializer that is also a graph input is only a default the caller may
    // override; before IR 4 every initializer had to be listed as an input, so it is still a constant.
    const overridable = v.isGraphInput() && (this.model?.irVersion ?? 4) >= 4;
    const c = v.constValue !== undefined && !overridable ? tensorToConstant(v.constValue) : undefined;
    this.consts.set(v, c);
    return c;
  }

  inferGraph(graph: Graph): void {
    for (const node of graph) this.inferNode(node);
  }

  /**
   * Infers a subgraph from its declared types plus `inputTypes`. A rule may call this more than once for
   * the same body (Loop iterates to a fixpoint of its carried types), so what an earlier call found is
   * forgotten first: only declarations and the new input types count.
   */
  inferSubgraph(graph: Graph, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[] {
    this.forget(graph);
    graph.inputs.forEach((v, i) => this.setType(v, inputTypes[i], undefined));
    this.inferGraph(graph);
    return graph.outputs.map((v) => this.typeOf(v));
  }

  private forget(graph: Graph): void {
    for (const v of graph.inputs) this.types.delete(v);
    for (const n of graph) {
      for (const v of n.outputs) {
        this.types.delete(v);
        this.consts.delete(v);
      }
      n.subgraphs().forEach((g) => this.forget(g));
    }
  }

  /** Writes merged types onto the values this engine saw (the model's own graphs only). */
  apply(): void {
    for (const [v, t] of this.types) if (t !== undefined) v.type = t;
  }

  /** Infers one node from what is known of its inputs (importers call this as they emit nodes). */
  inferNode(node: Node): void {
    this.report.nodes++;
    const fn = this.model?.findFunction(node.domain, node.opType, node.overload);
    if (fn !== undefined) this.inferCall(node, fn);
    else this.inferOp(node);
    for (const v of node.outputs) this.count(v);
  }

  private inferOp(node: Node): void {
    const opset = opsetVersion(this.opsets, node.domain);
    const schema = opset === undefined ? undefined : getSchema(node.domain, node.opType, opset);
    const rule = getShapeRule(node.domain, node.opType);
    if (opset === undefined || schema === undefined) return; // unknown ops are the checker's to report
    if (rule === undefined) {
      const key = node.domain ? `${node.domain}::${node.opType}` : node.opType;
      this.report.missingRules.set(key, (this.report.missingRules.get(key) ?? 0) + 1);
      return;
    }
    const ctx = new NodeContext(node, opset, schema, this);
    try {
      rule(ctx);
    } catch (e) {
      this.report.errors.push(asShapeError(e, node));
      return;
    }
    node.outputs.forEach((v, i) => this.setType(v, ctx.outputTypes[i], node, ctx.outputConstants[i]));
  }

  private inferCall(node: Node, fn: Func): void {
    if (this.depth >= MAX_FUNCTION_DEPTH) {
      this.report.errors.push(new ShapeError(`function calls nest deeper than ${MAX_FUNCTION_DEPTH}`, { node: node.name, op: node.opType }));
      return;
    }
    const inner = new Engine(this.model, fn.opsetImports, this.report, this.depth + 1);
    inner.resolveRef = (ref) => node.attributes.get(ref) ?? fn.attributeDefaults.find((a) => a.name === ref);
    fn.graph.inputs.forEach((formal, i) => {
      const actual = node.input(i);
      inner.types.set(formal, actual ? this.typeOf(actual) : undefined);
      inner.consts.set(formal, actual ? this.constantOf(actual) : undefined);
    });
    inner.inferGraph(fn.graph);
    node.outputs.forEach((v, i) => {
      const formal = fn.graph.outputs[i];
      this.setType(v, formal ? inner.typeOf(formal) : undefined, node, formal ? inner.constantOf(formal) : undefined);
    });
  }

  private setType(v: Value, inferred: ValueType | undefined, node: Node | undefined, constant?: ConstantData): void {
    try {
      this.types.set(v, mergeTypes(this.typeOf(v), inferred));
    } catch (e) {
      if (!(e instanceof TypeConflict)) throw e;
      const where = node ? { node: node.name, op: node.opType } : {};
      this.report.errors.push(new ShapeError(`value ${JSON.stringify(v.name)}: ${e.message}`, where));
    }
    if (constant !== undefined) this.consts.set(v, constant);
  }

  private count(v: Value): void {
    const t = this.types.get(v) ?? v.type;
    if (t === undefined) this.report.unknown++;
    else if ((t.kind === 'tensor' || t.kind === 'sparse_tensor') && (t.shape === undefined || t.shape.some((d) => d === null))) this.report.partial++;
    else this.report.complete++;
  }
}

function asShapeError(e: unknown, node: Node): BridgeError {
  if (e instanceof BridgeError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ShapeError(`shape rule failed unexpectedly: ${msg}`, { node: node.name, op: node.opType });
}
