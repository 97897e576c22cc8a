import type { Node } from '../../ir/node.js';
import type { LowerContext } from './lower-context.js';

/**
 * Turns one source-domain node (e.g. `aten::conv2d`) into ONNX nodes through its LowerContext: read the
 * arguments, emit ONNX ops, set the outputs. A rule that meets a variant it cannot express calls
 * `ctx.unsupported(why)`, which lists the node with the other unsupported ops instead of failing alone.
 */
export type LoweringRule = (ctx: LowerContext) => void;

/**
 * A rule for structural source nodes (e.g. `prim::ListConstruct`) that consumers read through their
 * producer: the node stays until every consumer is lowered, then goes with the dead code. One still
 * in use at the end is unsupported.
 */
export const keepForConsumers: LoweringRule = () => {};

/**
 * Rules keyed by fully qualified source op: `aten::conv2d` covers every overload, `aten::add.Tensor`
 * one overload (checked first). Each family file registers its rows once; a second registration of a
 * key is a bug and throws.
 */
export class LoweringTable {
  private readonly rules = new Map<string, LoweringRule>();

  constructor(readonly sourceDomains: readonly string[]) {}

  register(table: Record<string, LoweringRule>): void {
    for (const [key, rule] of Object.entries(table)) {
      const sep = key.indexOf('::');
      if (sep <= 0 || !this.sourceDomains.includes(key.slice(0, sep))) {
        throw new Error(`lowering key ${key} must be <domain>::<op>[.<overload>] with a domain of ${this.sourceDomains.join(', ')}`);
      }
      if (this.rules.has(key)) throw new Error(`lowering for ${key} registered twice`);
      this.rules.set(key, rule);
    }
  }

  /** The rule for a node: its exact overload first, then the op as a whole. */
  find(node: Node): LoweringRule | undefined {
    const base = `${node.domain}::${node.opType}`;
    return (node.overload ? this.rules.get(`${base}.${node.overload}`) : undefined) ?? this.rules.get(base);
  }

  isSource(node: Node): boolean {
    return this.sourceDomains.includes(node.domain);
  }

  keys(): string[] {
    return [...this.rules.keys()].sort();
  }
}

/** The name users see for a source node's op: `aten::add.Tensor`. */
export function sourceOpName(node: Node): string {
  return `${node.domain}::${node.opType}${node.overload ? `.${node.overload}` : ''}`;
}
