import type { Argv } from 'yargs';
import { parseInputShapes } from '../../src/api/input-shapes.js';
import { UsageError } from '../../src/ir/errors.js';
import { compare } from '../../src/parity/compare.js';
import { BACKENDS, type Backend } from '../../src/parity/engines.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { renderParity } from '../parity-table.js';
import { inputOptions } from './run.js';

interface Args {
  model: string;
  against: string;
  backend: Backend;
  inputs?: string[];
  random: boolean;
  seed: number;
  'input-shape'?: string[];
  rtol?: number;
  atol?: number;
  json: boolean;
}

export const parityCommand: CommandSpec<Args> = {
  command: 'parity <model>',
  describe: 'Run an ONNX model and compare every output with another run: onnxruntime without graph optimisation, our CPU engine, or a reference folder',
  builder: (y: Argv) =>
    inputOptions(y.positional('model', { type: 'string', describe: 'path to a .onnx file', demandOption: true }))
      .option('against', {
        type: 'string',
        default: 'onnxruntime',
        describe: "'onnxruntime' (the same model, graph optimisation disabled), 'cpu', or a reference folder (input_N.pb/output_N.pb, test_data_set_N/, meta.json)",
      })
      .option('backend', { choices: BACKENDS, default: 'onnxruntime' as Backend, describe: 'the engine under test' })
      .option('rtol', { type: 'number', describe: 'relative tolerance for every output (default: meta.json, else 1e-4; exact for integers)' })
      .option('atol', { type: 'number', describe: 'absolute tolerance for every output (default: meta.json, else 1e-5; exact for integers)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (schema: src/parity/report.schema.json)' })
      .example('$0 parity model.onnx --random --seed 3', 'check that onnxruntime\'s graph optimisations do not change the outputs')
      .example('$0 parity model.onnx --against fixtures/onnx/small-cnn', 'compare with recorded reference outputs'),
  async run(args, io) {
    for (const [k, v] of [['rtol', args.rtol], ['atol', args.atol]] as const) {
      if (v !== undefined && !(v >= 0)) throw new UsageError(`--${k} must be a number >= 0, got ${v}`);
    }
    const report = await compare(args.model, {
      against: args.against,
      backend: args.backend,
      ...(args.inputs !== undefined ? { inputs: args.inputs } : {}),
      random: args.random,
      seed: args.seed,
      ...(args['input-shape'] ? { inputShapes: parseInputShapes(args['input-shape']) } : {}),
      tolerance: { rtol: args.rtol, atol: args.atol },
    });
    if (args.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      io.out(`${report.model}: ${report.backend} against ${report.against}`);
      for (const n of report.notes) io.out(`note: ${n}`);
      for (const o of report.sets.flatMap((s) => s.outputs)) if (o.problem) io.out(`${o.name}: ${o.problem}`);
      io.out(renderParity(report));
    }
    return report.ok ? ExitCode.ok : ExitCode.checkFailed;
  },
};
