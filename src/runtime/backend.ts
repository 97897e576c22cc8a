/** A backend: a name, the kernel registry the session plans with, and an optional one-time async setup. */
import type { KernelRegistry } from './registry.js';

export interface Backend {
  readonly name: string;
  readonly kernels: KernelRegistry;
  /**
   * Called by `Session.create` before planning; idempotent. Kernels are synchronous, so anything they need
   * that loads asynchronously (compiled WebAssembly) is made ready here.
   */
  init?(): Promise<void>;
}
