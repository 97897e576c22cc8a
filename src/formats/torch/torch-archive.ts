/**
 * A PyTorch zip archive, told apart by what it holds (FORMATS.md §1.1, §2.2): a TorchScript archive
 * (`torch.jit.save`: data.pkl + code/), a torch.export package (`archive_format` = pt2), or a plain
 * `torch.save` file (data.pkl + data/). Reads pickles with their storages resolved from the archive.
 */
import { FormatError } from '../../ir/errors.js';
import { unpickle, type GlobalResolver, type PickleLimits } from './pickle/unpickler.js';
import { kindOf, PyTuple, TorchStorageType, type CallSite, type PickleValue } from './pickle/values.js';
import { TorchStorage, type ByteOrder } from './storage.js';
import { openZipArchive, type ZipArchive, type ZipLimits } from './zip-archive.js';

export type TorchArchiveKind = 'torchscript' | 'pt2' | 'torch-save';

export interface UnpickleArchiveOptions {
  /** Folder of the storage records the pickle's persistent ids name; default: the pickle's name without `.pkl`. */
  storageFolder?: string;
  resolveGlobal?: GlobalResolver;
  limits?: Partial<PickleLimits>;
}

export class TorchArchive {
  /** Storages by record path, shared by every pickle of the archive that names them. */
  private readonly storages = new Map<string, TorchStorage>();

  constructor(
    readonly kind: TorchArchiveKind,
    readonly zip: ZipArchive,
    readonly byteOrder: ByteOrder,
  ) {}

  get file(): string {
    return this.zip.file;
  }

  list(): string[] {
    return this.zip.list();
  }

  has(relPath: string): boolean {
    return this.zip.has(relPath);
  }

  read(relPath: string): Uint8Array {
    return this.zip.read(relPath);
  }

  readText(relPath: string): string {
    return this.zip.readText(relPath);
  }

  /** The zip-format version record (`.data/version`, or `version` before format 6), if there is one. */
  get formatVersion(): number | undefined {
    const rel = this.has('.data/version') ? '.data/version' : this.has('version') ? 'version' : undefined;
    if (rel === undefined) return undefined;
    const text = this.readText(rel).trim();
    if (!/^\d+$/.test(text)) throw new FormatError(`version record ${JSON.stringify(text.slice(0, 20))} is not a number`, { file: this.file, path: rel });
    return Number(text);
  }

  /** Decodes a pickle of the archive (e.g. `data.pkl`); tensors come back as IR tensors over the archive's bytes. */
  unpickle(entry: string, options: UnpickleArchiveOptions = {}): PickleValue {
    const folder = options.storageFolder ?? entry.replace(/\.pkl$/, '');
    return unpickle(this.read(entry), {
      file: this.file,
      entry,
      resolveGlobal: options.resolveGlobal,
      limits: options.limits,
      persistentLoad: (pid, site) => this.loadStorage(pid, folder, site),
    });
  }

  /** The persistent id `('storage', <storage class>, key, location, numel)` -> the record `<folder>/<key>`. */
  private loadStorage(pid: PickleValue, folder: string, site: CallSite): TorchStorage {
    const fail = (message: string): FormatError => new FormatError(message, { file: this.file, path: `${site.entry} byte ${site.offset}` });
    if (!(pid instanceof PyTuple)) throw fail(`a persistent id must be a tuple, not a ${kindOf(pid)}`);
    const [tag, type, key, location, numel] = pid.items;
    if (tag !== 'storage' || pid.length < 5 || pid.length > 6) throw fail("a persistent id that is not ('storage', class, key, location, numel)");
    if (!(type instanceof TorchStorageType)) throw fail(`a persistent id names a ${kindOf(type)}, not a storage class`);
    if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) throw fail(`bad storage key ${JSON.stringify(key)}`);
    if (typeof location !== 'string') throw fail('a storage location must be a string');
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw fail(`bad storage size ${String(numel)}`);
    const path = `${folder}/${key}`;
    const known = this.storages.get(path);
    if (known !== undefined) return known;
    if (!this.has(path)) throw fail(`storage record ${path} is missing from the archive`);
    const record = this.read(path);
    const bytes = numel * (type.dtype?.itemSize ?? 1);
    if (record.byteLength < bytes) throw fail(`storage ${path} has ${record.byteLength} bytes, fewer than the ${bytes} its ${numel} elements need`);
    const storage = new TorchStorage(path, record.subarray(0, bytes), this.byteOrder, type.dtype, location);
    this.storages.set(path, storage);
    return storage;
  }
}

/** Opens a PyTorch zip archive and says which kind it is; anything else is a FormatError saying what it is not. */
export async function openTorchArchive(bytes: Uint8Array, file: string, limits?: ZipLimits): Promise<TorchArchive> {
  const zip = await openZipArchive(bytes, file, limits);
  const byteOrder = readByteOrder(zip);
  const format = zip.has('archive_format') ? zip.readText('archive_format').trim() : undefined;
  if (format === 'pt2') return new TorchArchive('pt2', zip, byteOrder);
  if (format !== undefined) throw new FormatError(`archive_format is ${JSON.stringify(format.slice(0, 40))}, not "pt2"`, { file, path: 'archive_format' });
  const rel = zip.list();
  if (zip.has('data.pkl')) {
    if (rel.some((p) => p.startsWith('code/'))) return new TorchArchive('torchscript', zip, byteOrder);
    if (zip.has('bytecode.pkl')) throw notOurs(file, 'a mobile (lite interpreter) archive without code/');
    return new TorchArchive('torch-save', zip, byteOrder);
  }
  if (zip.has('serialized_exported_program.json')) {
    throw notOurs(file, 'a torch.export archive from torch 2.7 or older (serialized_exported_program.json); re-save it with torch 2.8 or newer');
  }
  throw notOurs(file, `a zip archive without data.pkl or archive_format (first entries: ${rel.slice(0, 3).join(', ')})`);
}

function notOurs(file: string, what: string): FormatError {
  return new FormatError(`not a TorchScript archive (data.pkl + code/), a .pt2 archive (archive_format = pt2) or a torch.save file: ${what}`, { file });
}

function readByteOrder(zip: ZipArchive): ByteOrder {
  if (!zip.has('byteorder')) return 'little'; // writers before torch 2.1 left it out; they ran on little-endian hosts
  const order = zip.readText('byteorder').trim();
  if (order !== 'little' && order !== 'big') throw new FormatError(`byteorder is ${JSON.stringify(order.slice(0, 20))}, not little or big`, { file: zip.file, path: 'byteorder' });
  return order;
}
