import type { Argv } from 'yargs';
import { parseInputShapes } from '../../src/api/input-shapes.js';
import { BACKENDS, type Backend } from '../../src/parity/engines.js';
import { dtypeLabel } from '../../src/parity/inputs.js';
import { runModel, saveTensors, tensorStats } from '../../src/parity/run-model.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { table } from '../io.js';

interface Args {
  model: string;
  inputs?: string[];
  random: boolean;
  seed: number;
  'input-shape'?: string[];
  backend: Backend;
  threads?: number;
  save?: string;
  json: boolean;
}

/** Options `run` and `parity` share: where the inputs come from. */
export function inputOptions(y: Argv): Argv {
  return y
    .option('inputs', { type: 'string', array: true, describe: 'a folder of input_N.pb, a .json file, a .pb file (single-input models) or name=path.pb pairs' })
    .option('random', { type: 'boolean', default: false, describe: 'seeded random inputs from the model\'s input types (the default without --inputs)' })
    .option('seed', { type: 'number', default: 0, describe: 'seed for --random' })
    .option('input-shape', { type: 'string', array: true, describe: 'dims for symbolic input dims of random inputs, e.g. x:1x3x224x224 (others default to 1)' });
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toFixed(4);
}

export const runCommand: CommandSpec<Args> = {
  command: 'run <model>',
  describe: 'Run an ONNX model on inputs from files or seeded random ones, and print each output\'s dtype, shape and min/max/mean',
  builder: (y: Argv) =>
    inputOptions(y.positional('model', { type: 'string', describe: 'path to a .onnx file', demandOption: true }))
      .option('backend', { choices: BACKENDS, default: 'onnxruntime' as Backend, describe: 'the engine to run on' })
      .option('threads', { type: 'number', describe: 'cpu backend: threads for large float32 MatMul/Gemm/Conv (default 1; results are bit-identical)' })
      .option('save', { type: 'string', describe: 'write input_N.pb and output_N.pb to this folder (a reference data set for parity --against)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 run model.onnx --random --seed 1', 'run on seeded random inputs')
      .example('$0 run model.onnx --inputs test_data_set_0 --save out/', 'run on recorded inputs and save the outputs'),
  async run(args, io) {
    const r = await runModel(args.model, {
      backend: args.backend,
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      ...(args.inputs !== undefined ? { inputs: args.inputs } : {}),
      random: args.random,
      seed: args.seed,
      ...(args['input-shape'] ? { inputShapes: parseInputShapes(args['input-shape']) } : {}),
    });
    const saved = args.save !== undefined ? saveTensors(args.save, r.inputs, r.outputs) : [];
    const describe = (ts: typeof r.inputs, withStats: boolean) =>
      ts.map((t) => ({ name: t.name, dtype: dtypeLabel(t.tensor.dtype), shape: [...t.tensor.dims], ...(withStats ? { stats: tensorStats(t.tensor) ?? null } : {}) }));
    if (args.json) {
      io.out(JSON.stringify({ model: r.model, backend: r.backend, inputsFrom: r.inputsInfo, inputs: describe(r.inputs, false), outputs: describe(r.outputs, true), notes: r.notes, ...(args.save !== undefined ? { saved } : {}) }, null, 2));
      return ExitCode.ok;
    }
    const from = r.inputsInfo.source === 'random' ? `random inputs, seed ${r.inputsInfo.seed}` : `inputs ${r.inputsInfo.files?.join(' ')}`;
    io.out(`${r.model} on ${r.backend} (${from})`);
    for (const n of r.notes) io.out(`note: ${n}`);
    const rows = r.outputs.map((o) => {
      const s = tensorStats(o.tensor);
      return [o.name, dtypeLabel(o.tensor.dtype), `[${o.tensor.dims.join(',')}]`, s ? `min ${num(s.min)}  max ${num(s.max)}  mean ${num(s.mean)}${s.nan > 0 ? `  NaN ${s.nan}` : ''}` : ''];
    });
    io.out(table(['output', 'dtype', 'shape', 'stats'], rows));
    if (args.save !== undefined) io.out(`saved ${saved.length} tensors to ${args.save}`);
    return ExitCode.ok;
  },
};
