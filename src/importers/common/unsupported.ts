import { UnsupportedOpsError, type UnsupportedOp } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { sourceOpName } from './lowering-table.js';

/**
 * Gathers every op an importer cannot convert so that they are reported together, each with its count
 * and the first node that uses it (and why, when a rule refused a particular variant).
 */
export class UnsupportedCollector {
  private readonly ops = new Map<string, UnsupportedOp & { reason?: string }>();

  add(node: Node, reason?: string): void {
    const op = reason ? `${sourceOpName(node)} (${reason})` : sourceOpName(node);
    const e = this.ops.get(op);
    if (e) e.count++;
    else this.ops.set(op, { op, count: 1, exampleNode: node.name ?? '' });
  }

  get size(): number {
    return this.ops.size;
  }

  throwIfAny(file?: string): void {
    if (this.ops.size === 0) return;
    const list = [...this.ops.values()].sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
    throw new UnsupportedOpsError(list, file === undefined ? {} : { file });
  }
}
