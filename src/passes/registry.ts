/**
 * The built-in passes, by name: what `optimize --passes` accepts and `optimize --help` lists. Each pass
 * declares its name and summary itself; this file only collects them.
 */
import { UsageError } from '../ir/errors.js';
import { foldConstants } from './fold-constants.js';
import type { Pass } from './infra/pass.js';
import { fuseConvBatchNorm } from './fuse-conv-batchnorm.js';
import { optimizeTransposes } from './optimize-transposes.js';

/** In the order a default pipeline runs them: folded weights first, so Transposes meet constants. */
export const BUILTIN_PASSES: readonly Pass[] = [foldConstants, fuseConvBatchNorm, optimizeTransposes];

/** The built-in pass called `name`; a UsageError listing the known names otherwise. */
export function getPass(name: string): Pass {
  const pass = BUILTIN_PASSES.find((p) => p.name === name);
  if (pass === undefined) throw new UsageError(`unknown pass ${JSON.stringify(name)}; known passes: ${BUILTIN_PASSES.map((p) => p.name).join(', ')}`);
  return pass;
}

/** `name  summary` lines, for help text. */
export function describePasses(): string[] {
  const width = Math.max(...BUILTIN_PASSES.map((p) => p.name.length));
  return BUILTIN_PASSES.map((p) => `${p.name.padEnd(width)}  ${p.summary}`);
}
