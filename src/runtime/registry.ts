/**
 * The kernel registry: one table `(domain, op) -> KernelEntry`. A backend builds one from its kernel
 * family tables; the session asks it for the kernel in force at the model's opset.
 */
import { normalizeDomain } from '../ir/ops/schema-json.js';
import type { Kernel, KernelEntry, KernelTable } from './kernel.js';

export type { KernelTable };

export class KernelRegistry {
  private readonly table = new Map<string, KernelEntry>();

  /** Adds every entry of a family table for one domain; a second registration of an op is an error. */
  add(domain: string, entries: KernelTable): this {
    for (const [op, e] of Object.entries(entries)) {
      const key = keyOf(domain, op);
      if (this.table.has(key)) throw new Error(`kernel for ${op} (domain ${JSON.stringify(domain)}) registered twice`);
      this.table.set(key, typeof e === 'function' ? { kernel: e } : e);
    }
    return this;
  }

  /** The kernel for `op` at `opset`, or undefined when there is none. */
  lookup(domain: string, op: string, opset: number): Kernel | undefined {
    const e = this.table.get(keyOf(domain, op));
    if (e === undefined) return undefined;
    if (e.versions && !e.versions.some(([a, b]) => opset >= a && opset <= b)) return undefined;
    return e.kernel;
  }

  /** Every registered (domain, op), sorted: the generated list of supported ops. */
  ops(): { domain: string; op: string }[] {
    return [...this.table.keys()].sort().map((k) => {
      const [domain, op] = k.split('\u0000') as [string, string];
      return { domain, op };
    });
  }
}

function keyOf(domain: string, op: string): string {
  return `${normalizeDomain(domain)}\u0000${op}`;
}
