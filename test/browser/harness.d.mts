/** Types of harness.mjs (see there). */
import type { Page } from 'playwright-core';

export declare const CHROMIUM: string;
export declare function chromiumMissing(): string | undefined;

export type Files = Map<string, string | Uint8Array>;
export declare function serve(files: Files): Promise<{ url: string; close(): Promise<void> }>;

export interface OpenBrowser {
  files: Files;
  page: Page;
  version: string;
  errors: string[];
  close(): Promise<void>;
}
export declare function openBrowser(bundleDir: string): Promise<OpenBrowser>;

/** A tensor the page fetches from `url`. */
export interface TensorRef {
  name: string;
  type: string;
  dims: number[];
  url: string;
}
export declare function publishTensor(files: Files, url: string, name: string, tensor: { type: string; dims: readonly number[]; data: ArrayBufferView | string[] }): TensorRef;

export interface PageRunArgs {
  model: string;
  sets: { inputs: TensorRef[] }[];
  timing?: { warmup: number; runs: number };
}
export interface PageOutput {
  name: string;
  type: string;
  dims: number[];
  data: ArrayLike<unknown>;
}
export interface PageRunResult {
  /** Per set, the outputs in session.outputNames order. */
  results: PageOutput[][];
  medianMs?: number;
  /** Whether the CPU backend's WebAssembly kernels were instantiated in the page. */
  wasm: boolean;
  crossOriginIsolated: boolean;
}
export declare function runInPage(page: Page, args: PageRunArgs): Promise<PageRunResult>;
