import type { Argv } from 'yargs';
import { parseInputShapes } from '../../src/api/input-shapes.js';
import { UsageError } from '../../src/ir/errors.js';
import { bisect, type BisectReport } from '../../src/parity/bisect.js';
import { compare } from '../../src/parity/compare.js';
import { BACKENDS, type Backend } from '../../src/parity/engines.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { renderParity } from '../parity-table.js';
import { inputOptions } from './run.js';

interface Args {
  model: string;
  against: string;
  backend?: Backend;
  inputs?: string[];
  random: boolean;
  seed: number;
  'input-shape'?: string[];
  rtol?: number;
  atol?: number;
  json: boolean;
  bisect: boolean;
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
      .option('backend', { choices: BACKENDS, describe: 'the engine under test (default: onnxruntime; cpu for --bisect)' })
      .option('rtol', { type: 'number', describe: 'relative tolerance for every output (default: meta.json, else 1e-4; exact for integers)' })
      .option('atol', { type: 'number', describe: 'absolute tolerance for every output (default: meta.json, else 1e-5; exact for integers)' })
      .option('bisect', {
        type: 'boolean',
        default: false,
        describe: 'also compare every intermediate tensor (our CPU engine against onnxruntime unless --against/--backend say otherwise) and name the first node whose output diverges',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (schema: src/parity/report.schema.json)' })
      .example('$0 parity model.onnx --random --seed 3', 'check that onnxruntime\'s graph optimisations do not change the outputs')
      .example('$0 parity model.onnx --against fixtures/onnx/small-cnn', 'compare with recorded reference outputs'),
  async run(args, io) {
    for (const [k, v] of [['rtol', args.rtol], ['atol', args.atol]] as const) {
      if (v !== undefined && !(v >= 0)) throw new UsageError(`--${k} must be a number >= 0, got ${v}`);
    }
    const report = await compare(args.model, {
      against: args.against,
      backend: args.backend ?? 'onnxruntime',
      ...(args.inputs !== undefined ? { inputs: args.inputs } : {}),
      random: args.random,
      seed: args.seed,
      ...(args['input-shape'] ? { inputShapes: parseInputShapes(args['input-shape']) } : {}),
      tolerance: { rtol: args.rtol, atol: args.atol },
    });
    let bisected: BisectReport | undefined;
    if (args.bisect) {
      if (args.against !== 'onnxruntime' && args.against !== 'cpu') throw new UsageError('--bisect needs --against onnxruntime or cpu, not a reference folder');
      bisected = await bisect(args.model, {
        backend: args.backend ?? (args.against === 'cpu' ? 'onnxruntime' : 'cpu'),
        against: args.against,
        ...(args.inputs !== undefined ? { inputs: args.inputs } : {}),
        random: args.random,
        seed: args.seed,
        ...(args['input-shape'] ? { inputShapes: parseInputShapes(args['input-shape']) } : {}),
        tolerance: { rtol: args.rtol, atol: args.atol },
      });
    }
    if (args.json) {
      io.out(JSON.stringify(bisected ? { ...report, bisect: bisected } : report, null, 2));
    } else {
      io.out(`${report.model}: ${report.backend} against ${report.against}`);
      for (const n of report.notes) io.out(`note: ${n}`);
      for (const o of report.sets.flatMap((s) => s.outputs)) if (o.problem) io.out(`${o.name}: ${o.problem}`);
      io.out(renderParity(report));
      if (bisected) {
        const d = bisected.divergence;
        io.out(`bisect (${bisected.backend} against ${bisected.against}, ${bisected.compared} intermediate tensors):`);
        if (!d) io.out('  every intermediate tensor agrees');
        else {
          io.out(`  first diverging node: ${d.node} (${d.op}) -> ${d.output}: max abs ${d.maxAbsError.toExponential(3)}, max rel ${d.maxRelError.toExponential(3)}${d.problem ? ` (${d.problem})` : ''}`);
          for (const i of d.inputs) io.out(`  input ${i.name}: min ${i.min.toPrecision(5)} max ${i.max.toPrecision(5)} mean ${i.mean.toPrecision(5)}${i.hasNaN ? ' (has NaN)' : ''}`);
        }
      }
    }
    return report.ok && !bisected?.divergence ? ExitCode.ok : ExitCode.checkFailed;
  },
};
