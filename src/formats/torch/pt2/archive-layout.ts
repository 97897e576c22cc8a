/**
 * Which torch.export layout an archive uses (FORMATS.md 2.1), before anything is parsed:
 *   pt2             current PT2 archive (torch >= about 2.9): models/<m>.json + per-storage payloads + configs
 *   pt2-legacy      PT2 archive of about torch 2.8: weights as one torch.save file data/weights/<m>.pt
 *   zipfile         torch 2.1 to about 2.7: serialized_exported_program.json + serialized_state_dict.pt
 *   torchscript     a torch.jit.save archive handed to the wrong reader
 *   unknown
 * Entry names are relative to the archive root. torch writes every entry under one top folder (the file
 * stem); whether the zip reader strips it or not, `rootedReader` finds it, as torch's is_pt2_package does.
 */

/**
 * What readPt2 needs from a zip reader (src/formats/torch/zip-archive.ts's ZipArchive fits). `read` is only
 * called for names `list()` returned, so a reader may either return undefined or throw for a missing entry.
 */
export interface ArchiveReader {
  /** Bytes of an entry (undefined or an error when absent). */
  read(relPath: string): Uint8Array | undefined;
  /** All entry names. */
  list(): string[];
}

export type Pt2LayoutKind = 'pt2' | 'pt2-legacy' | 'zipfile' | 'torchscript' | 'unknown';

export interface Pt2Layout {
  kind: Pt2LayoutKind;
  /** Prefix of every entry (`probe/`), or '' when the names start at the root. */
  root: string;
  /** Program names found under models/ (pt2 and pt2-legacy). */
  models: string[];
  /** One line for messages: what the layout is and which torch wrote it. */
  description: string;
}

export const MODELS_DIR = 'models/';
const MARKERS = ['archive_format', 'serialized_exported_program.json', 'data.pkl'];

/**
 * The archive seen from its root folder: names without the prefix, and a `read` that answers undefined
 * for an absent entry whatever the underlying reader does.
 */
export function rootedReader(archive: ArchiveReader): { reader: ArchiveReader; root: string } {
  const names = archive.list();
  const root = findRoot(names);
  const inside = names.filter((n) => n.startsWith(root)).map((n) => n.slice(root.length));
  const present = new Set(inside);
  return {
    root,
    reader: { read: (p) => (present.has(p) ? archive.read(root + p) : undefined), list: () => inside },
  };
}

function findRoot(names: readonly string[]): string {
  const set = new Set(names);
  const candidates = ['', ...new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')))];
  for (const c of candidates) if (MARKERS.some((m) => set.has(c + m))) return c;
  for (const c of candidates) if (names.some((n) => n.startsWith(c + MODELS_DIR) && n.endsWith('.json'))) return c;
  return '';
}

/** Program names: `models/<name>.json` -> `<name>`. */
export function modelNames(names: readonly string[]): string[] {
  return names
    .filter((n) => n.startsWith(MODELS_DIR) && n.endsWith('.json') && !n.slice(MODELS_DIR.length).includes('/'))
    .map((n) => n.slice(MODELS_DIR.length, -'.json'.length))
    .sort();
}

/** Classifies an archive without parsing any of its JSON. */
export function detectPt2Layout(archive: ArchiveReader): Pt2Layout {
  const { reader, root } = rootedReader(archive);
  const names = reader.list();
  const set = new Set(names);
  const models = modelNames(names);
  if (set.has('archive_format') || models.length > 0) {
    const legacy = models.filter((m) => set.has(`data/weights/${m}.pt`));
    if (legacy.length > 0) {
      return {
        kind: 'pt2-legacy',
        root,
        models,
        description:
          `PT2 archive in the legacy layout of about torch 2.8 (weights as one torch.save file ` +
          `data/weights/${legacy[0]}.pt)`,
      };
    }
    return { kind: 'pt2', root, models, description: 'PT2 archive (torch.export.save, torch 2.9 or later)' };
  }
  if (set.has('serialized_exported_program.json')) {
    const version = textOf(reader.read('version'));
    const v = version === undefined ? '' : `, schema version ${version}`;
    return {
      kind: 'zipfile',
      root,
      models: [],
      description:
        `torch.export archive in the pre-2.8 zipfile layout (serialized_exported_program.json + ` +
        `serialized_state_dict.pt${v})`,
    };
  }
  if (set.has('data.pkl') && (set.has('constants.pkl') || names.some((n) => n.startsWith('code/')))) {
    return { kind: 'torchscript', root, models: [], description: 'TorchScript archive (torch.jit.save), not a torch.export program' };
  }
  return { kind: 'unknown', root, models: [], description: 'not a torch.export archive (no archive_format, models/ or serialized_exported_program.json)' };
}

/** Small text entries (archive_format, version), trimmed; bad UTF-8 shows as U+FFFD in the message that follows. */
export function textOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : new TextDecoder('utf-8').decode(bytes).trim();
}
