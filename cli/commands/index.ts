import type { CommandSpec } from '../command.js';
import { inspectCommand } from './inspect.js';
import { validateCommand } from './validate.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly CommandSpec<never>[] = [inspectCommand, validateCommand] as never;
