import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { inspect, type InspectReport } from '../../src/api/inspect.js';
import { loadModel } from '../../src/api/model-io.js';
import type { CommandSpec } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatBytes, formatCount } from '../format.js';
import { table } from '../io.js';

interface Args {
  model: string;
  json: boolean;
}

export const inspectCommand: CommandSpec<Args> = {
  command: 'inspect <model>',
  describe: 'Summarise an ONNX model: IR version, producer, opsets, inputs/outputs, op histogram, parameters, external data',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'path to a .onnx file', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example('$0 inspect model.onnx', 'print a summary')
      .example('$0 inspect model.onnx --json', 'machine-readable summary'),
  async run(args, io) {
    const model = await loadModel(args.model);
    const report = inspect(model);
    const fileBytes = statSync(args.model).size;
    if (args.json) io.out(JSON.stringify({ file: args.model, fileBytes, ...report }, null, 2));
    else io.out(render(args.model, fileBytes, report));
    return ExitCode.ok;
  },
};

function render(file: string, fileBytes: number, r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${file} (${formatBytes(fileBytes)})`);
  const producer = [r.producer.name, r.producer.version].filter(Boolean).join(' ') || 'unknown';
  lines.push(`IR version ${r.irVersion}, producer ${producer}${r.modelVersion ? `, model version ${r.modelVersion}` : ''}`);
  lines.push(`opsets: ${r.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}`);
  lines.push('', 'inputs:', indent(table(['name', 'type'], r.inputs.map((e) => [e.name, e.type]))));
  lines.push('', 'outputs:', indent(table(['name', 'type'], r.outputs.map((e) => [e.name, e.type]))));
  lines.push('', `ops (${r.nodeCount} nodes):`);
  lines.push(indent(table(['op', 'count'], r.ops.map((o) => [o.domain ? `${o.domain}.${o.op}` : o.op, String(o.count)]))));
  const p = r.parameters;
  lines.push('', `parameters: ${formatCount(p.elements)} (${formatBytes(p.bytes)}) in ${p.tensors} tensors`);
  if (r.externalData.length > 0) {
    lines.push('external data:');
    for (const e of r.externalData) lines.push(`  ${e.location}: ${e.tensors} tensors, ${formatBytes(e.bytes)}`);
  }
  if (r.functions.length > 0) lines.push(`functions: ${r.functions.join(', ')}`);
  const meta = Object.entries(r.metadata);
  if (meta.length > 0) lines.push('metadata:', ...meta.map(([k, v]) => `  ${k}: ${v}`));
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

