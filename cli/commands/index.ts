import type { CommandSpec } from '../command.js';
import { convertCommand } from './convert.js';
import { inspectCommand } from './inspect.js';
import { parityCommand } from './parity.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly CommandSpec<never>[] = [convertCommand, inspectCommand, parityCommand, runCommand, validateCommand] as never;
