import yargs from 'yargs';
import { BridgeError } from '../src/ir/errors.js';
import { commands } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';

/**
 * Runs the CLI and returns its exit code. Any BridgeError becomes one line on stderr and exit code 2;
 * anything else is a bug in onnxbridge and is reported as one (with its stack), also exit code 2.
 */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let code: number = ExitCode.ok;
  let usageError: string | undefined;
  const y = yargs([...argv])
    .scriptName('onnxbridge')
    .usage('$0 <command> [options]\n\nMove trained models between frameworks through ONNX.')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 ok, 1 a check failed, 2 bad input or usage.')
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg ?? 'bad usage';
    });
  for (const spec of commands) {
    y.command(spec.command, spec.describe, (b) => spec.builder(b), async (args) => {
      code = await spec.run(args as never, io);
    });
  }
  try {
    let helpText = '';
    await y.parseAsync([...argv], {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError !== undefined) {
      io.err(`${helpText ? `${helpText}\n\n` : ''}error: ${usageError}`);
      return ExitCode.badInput;
    }
    if (helpText) io.out(helpText);
    return code;
  } catch (e) {
    return reportError(e, io, argv.includes('--json'));
  }
}

/** One line on stderr; with --json also a JSON object on stdout, so scripts that parse stdout see why. */
export function reportError(e: unknown, io: CliIO, json = false): number {
  if (e instanceof BridgeError) {
    io.err(`error: ${e.message}`);
    if (json) {
      const where = Object.fromEntries(Object.entries({ file: e.file, node: e.node, op: e.op, path: e.path }).filter(([, v]) => v !== undefined));
      io.out(JSON.stringify({ ok: false, error: { kind: e.name, message: e.detail, ...where } }, null, 2));
    }
    return ExitCode.badInput;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`internal error (a bug in onnxbridge, please report it): ${err.stack ?? err.message}`);
  return ExitCode.badInput;
}
