/**
 * Reads a torch.export `.pt2` archive at the wire level: the program JSON (validated against our schema),
 * the weights and constants configs, and a view of every payload. No IR here; src/importers/torch lowers
 * the result.
 */
import { FormatError } from '../../../ir/errors.js';
import { type ArchiveReader, detectPt2Layout, rootedReader, textOf } from './archive-layout.js';
import { type Pt2Tensor, readPayloads } from './payloads.js';
import type { ExportedProgram } from './types.js';
import { parseJsonEntry, validatePayloadConfig, validateProgram } from './validate.js';

/** The program schema major this reader understands; a new major is a breaking change by torch's rules. */
export const SUPPORTED_SCHEMA_MAJOR = 8;
/** The PT2 archive spec versions this reader understands (torch 2.13 still writes 0). */
const SUPPORTED_ARCHIVE_VERSIONS = new Set([0]);

export interface ReadPt2Options {
  /** Which program, when the archive holds several (`models/<name>.json`). */
  model?: string;
  /** The archive's file name, for messages. */
  file?: string;
}

export interface Pt2Program {
  modelName: string;
  /** Prefix of every entry in the archive (`model/`), '' when none. */
  root: string;
  archiveVersion: number;
  program: ExportedProgram;
  /** Parameters, buffers and constants by FQN (`fc1.weight`, `bn.running_mean`, `lifted_tensor_0`). */
  tensors: Map<string, Pt2Tensor>;
}

export function readPt2(archive: ArchiveReader, options: ReadPt2Options = {}): Pt2Program {
  const file = options.file;
  const layout = detectPt2Layout(archive);
  if (layout.kind !== 'pt2') {
    const hint = layout.kind === 'torchscript' ? '' : '; re-save it with torch.export.save from torch 2.9 or later';
    throw new FormatError(`${layout.description}: this reader supports the current PT2 archive layout only${hint}`, { file });
  }
  const { reader, root } = rootedReader(archive);

  const format = textOf(reader.read('archive_format'));
  if (format !== undefined && format !== 'pt2') {
    throw new FormatError(`archive_format is ${JSON.stringify(format)}, expected "pt2"`, { file, path: 'archive_format' });
  }
  const versionText = textOf(reader.read('archive_version')) ?? '0'; // absent means 0, as torch reads it
  const archiveVersion = /^\d+$/.test(versionText) ? Number(versionText) : NaN;
  if (!SUPPORTED_ARCHIVE_VERSIONS.has(archiveVersion)) {
    throw new FormatError(`archive_version ${JSON.stringify(versionText)} is not one this reader knows (0)`, {
      file,
      path: 'archive_version',
    });
  }

  const modelName = chooseModel(layout.models, options.model, file);
  const programEntry = `models/${modelName}.json`;
  const program = validateProgram(parseJsonEntry(mustRead(reader, programEntry, file), programEntry, file), programEntry, file);
  const sv = program.schema_version;
  if (sv.major !== SUPPORTED_SCHEMA_MAJOR) {
    throw new FormatError(
      `program schema version ${sv.major}.${sv.minor} (torch ${program.torch_version ?? 'unknown'}); ` +
        `this reader understands ${SUPPORTED_SCHEMA_MAJOR}.x`,
      { file, path: programEntry },
    );
  }

  const tensors = new Map<string, Pt2Tensor>();
  for (const [dir, source, names] of [
    ['data/weights/', 'weights', [`${modelName}_weights_config.json`, `${modelName}_model_param_config.json`]],
    ['data/constants/', 'constants', [`${modelName}_constants_config.json`, `${modelName}_model_constants_config.json`]],
  ] as const) {
    const found = names.map((n) => ({ entry: dir + n, bytes: reader.read(dir + n) })).find((c) => c.bytes !== undefined);
    // A missing config is an error only when the program lifts a tensor from it (checkLiftedInputs).
    if (found?.bytes === undefined) continue;
    const config = validatePayloadConfig(parseJsonEntry(found.bytes, found.entry, file), found.entry, file);
    for (const [fqn, t] of readPayloads(reader, config, found.entry, dir, source, file)) {
      if (tensors.has(fqn)) {
        throw new FormatError(`${fqn} appears in both the weights and the constants config`, { file, path: found.entry });
      }
      tensors.set(fqn, t);
    }
  }
  checkLiftedInputs(program, tensors, modelName, file);
  return { modelName, root, archiveVersion, program, tensors };
}

function chooseModel(models: readonly string[], wanted: string | undefined, file: string | undefined): string {
  if (models.length === 0) {
    throw new FormatError('PT2 archive holds no program under models/ (an AOTInductor-only package?)', { file });
  }
  if (wanted !== undefined) {
    if (models.includes(wanted)) return wanted;
    throw new FormatError(`no program named ${JSON.stringify(wanted)}; the archive holds ${models.join(', ')}`, { file });
  }
  const [only] = models;
  if (models.length === 1 && only !== undefined) return only;
  throw new FormatError(`the archive holds ${models.length} programs (${models.join(', ')}); choose one with the "model" option`, {
    file,
  });
}

function mustRead(reader: ArchiveReader, entry: string, file: string | undefined): Uint8Array {
  const bytes = reader.read(entry);
  if (bytes === undefined) throw new FormatError(`missing entry ${entry}`, { file });
  return bytes;
}

/** Every parameter, buffer and tensor constant the signature lifts must have a payload. */
function checkLiftedInputs(
  program: ExportedProgram,
  tensors: ReadonlyMap<string, Pt2Tensor>,
  modelName: string,
  file: string | undefined,
): void {
  const missing: string[] = [];
  const customObjs: string[] = [];
  for (const spec of program.graph_module.signature.input_specs) {
    const fqn = spec.parameter?.parameter_name ?? spec.buffer?.buffer_name ?? spec.tensor_constant?.tensor_constant_name;
    if (fqn !== undefined && !tensors.has(fqn)) missing.push(fqn);
    if (spec.custom_obj !== undefined) customObjs.push(`${spec.custom_obj.custom_obj_name} (${spec.custom_obj.arg.class_fqn})`);
  }
  if (customObjs.length > 0) {
    throw new FormatError(`the program takes custom objects (TorchBind), which are not supported: ${customObjs.join(', ')}`, {
      file,
      path: `models/${modelName}.json`,
    });
  }
  if (missing.length > 0) {
    throw new FormatError(
      `no payload for ${missing.length} lifted input${missing.length === 1 ? '' : 's'} (looked in ` +
        `data/weights/${modelName}_weights_config.json and data/constants/${modelName}_constants_config.json): ` +
        missing.slice(0, 10).join(', ') +
        (missing.length > 10 ? `, ... (${missing.length - 10} more)` : ''),
      { file },
    );
  }
}
