import type { Argv } from 'yargs';
import { loadModel } from '../../src/api/model-io.js';
import { validate } from '../../src/api/validate.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';

interface Args {
  model: string;
  json: boolean;
}

export const validateCommand: CommandSpec<Args> = {
  command: 'validate <model>',
  describe: 'Check an ONNX model (SSA, topological order, op schemas, types, attributes, opsets) and infer its shapes',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'path to a .onnx file', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example('$0 validate model.onnx', 'exit 0 when valid, 1 when a check fails'),
  async run(args, io) {
    const model = await loadModel(args.model);
    const report = validate(model);
    if (args.json) {
      io.out(JSON.stringify({ file: args.model, ...report }, null, 2));
    } else {
      for (const e of report.errors) {
        const where = [e.node !== undefined ? `node ${JSON.stringify(e.node)}` : '', e.op ? `op ${e.op}` : ''].filter(Boolean).join(', ');
        io.out(`${e.kind} error: ${where ? `${where}: ` : ''}${e.message}`);
      }
      const s = report.shapes;
      const outputs = s.complete + s.partial + s.unknown;
      io.out(
        `${report.ok ? 'valid' : `invalid: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`}; ` +
          `${s.nodes} nodes; shapes fully inferred for ${s.complete} of ${outputs} node outputs`,
      );
      const missing = Object.entries(s.missingRules);
      if (missing.length > 0) io.out(`no shape rule yet for: ${missing.map(([op, n]) => `${op} x${n}`).join(', ')}`);
    }
    return report.ok ? ExitCode.ok : ExitCode.checkFailed;
  },
};
