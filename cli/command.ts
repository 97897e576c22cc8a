import type { Argv } from 'yargs';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit-codes.js';

/** One CLI command: its yargs definition and what it does. Registered in cli/commands/index.ts. */
export interface CommandSpec<A = Record<string, unknown>> {
  readonly command: string;
  readonly describe: string;
  builder(y: Argv): Argv;
  run(args: A, io: CliIO): Promise<ExitCode>;
}
