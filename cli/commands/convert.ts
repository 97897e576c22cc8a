import type { Argv } from 'yargs';
import { convert, CONVERT_STAGES, DEFAULT_OPSET } from '../../src/api/convert.js';
import { parseInputShapes } from '../../src/api/input-shapes.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { renderParity } from '../parity-table.js';
import { StageProgress } from '../progress.js';

interface Args {
  file: string;
  output?: string;
  opset?: number;
  'input-shape'?: string[];
  check: boolean;
  reference?: string;
  signature?: string;
  rtol?: number;
  atol?: number;
  json: boolean;
}

export const convertCommand: CommandSpec<Args> = {
  command: 'convert <file>',
  describe: 'Convert a TorchScript archive (.pt), a torch.export program (.pt2), a TensorFlow SavedModel directory, frozen GraphDef (.pb) or TF.js model.json, or an ONNX model to ONNX, optionally checking parity',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'the artifact to convert', demandOption: true })
      .option('output', { alias: 'o', type: 'string', describe: 'the ONNX file to write (default: beside the input, .onnx)' })
      .option('opset', { type: 'number', describe: `ai.onnx opset of the result (13-23; default ${DEFAULT_OPSET}, an ONNX input keeps its own)` })
      .option('input-shape', { type: 'string', array: true, describe: 'fix an input\'s dims, e.g. x:1x3x224x224 (repeatable)' })
      .option('check', { type: 'boolean', default: false, describe: 'run the result in onnxruntime and compare with the reference outputs' })
      .option('reference', { type: 'string', describe: 'reference folder (test_data_set_N/input_N.pb, output_N.pb, meta.json); default: beside the artifact' })
      .option('signature', { type: 'string', describe: 'the SavedModel signature to convert (default serving_default)' })
      .option('rtol', { type: 'number', describe: 'relative tolerance for every output (default: meta.json, else 1e-4)' })
      .option('atol', { type: 'number', describe: 'absolute tolerance for every output (default: meta.json, else 1e-5)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 convert model.pt -o model.onnx --check', 'convert a TorchScript archive and check it against the outputs beside it')
      .example('$0 convert model.pt2 --input-shape x:1x3x224x224', 'fix the input shape')
      .example('$0 convert saved_model/ --signature serving_default -o model.onnx', 'convert one signature of a SavedModel'),
  async run(args, io) {
    const progress = new StageProgress(args.check ? CONVERT_STAGES : CONVERT_STAGES.filter((s) => s !== 'check'), io);
    let result;
    try {
      result = await convert(args.file, {
        ...(args.output !== undefined ? { output: args.output } : {}),
        ...(args.opset !== undefined ? { opset: args.opset } : {}),
        ...(args['input-shape'] ? { inputShapes: parseInputShapes(args['input-shape']) } : {}),
        check: args.check,
        ...(args.reference !== undefined ? { reference: args.reference } : {}),
        ...(args.signature !== undefined ? { signature: args.signature } : {}),
        tolerance: { rtol: args.rtol, atol: args.atol },
        onStage: (s) => progress.stage(s),
      });
    } finally {
      progress.stop();
    }
    const { model, validation, parity } = result;
    const ok = validation.ok && (parity?.ok ?? true);
    if (args.json) {
      io.out(JSON.stringify({ input: result.input, format: result.format, output: result.output, opset: result.opset, nodes: model.graph.nodeCount, validation, ...(parity ? { parity } : {}), ok }, null, 2));
    } else {
      io.out(`${result.input} (${result.format}) -> ${result.output}: ${model.graph.nodeCount} nodes, opset ${result.opset}`);
      for (const e of validation.errors) io.out(`${e.kind} error: ${e.node !== undefined ? `node ${JSON.stringify(e.node)}: ` : ''}${e.message}`);
      if (parity) io.out(renderParity(parity));
    }
    return ok ? ExitCode.ok : ExitCode.checkFailed;
  },
};
