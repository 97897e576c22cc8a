/** A backend: a name and the kernel registry the session plans with. */
import type { KernelRegistry } from './registry.js';

export interface Backend {
  readonly name: string;
  readonly kernels: KernelRegistry;
}
