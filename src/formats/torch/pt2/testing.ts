/**
 * Test support: in-memory archives built from testdata/<model>/ (the JSON entries torch wrote) with
 * stand-in payloads of the real byte lengths listed in payloads.json. Payload byte k of entry e is
 * (k + length of e) & 255, so tests can tell payloads apart without the real weights.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchiveReader } from './archive-layout.js';

export const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Model folders under testdata/. */
export function testdataModels(): string[] {
  return readdirSync(TESTDATA)
    .filter((n) => statSync(path.join(TESTDATA, n)).isDirectory())
    .sort();
}

/** An archive as a plain map; `read` answers undefined for absent names, as the interface allows. */
export class MemoryArchive implements ArchiveReader {
  constructor(readonly entries: Map<string, Uint8Array>) {}
  read(relPath: string): Uint8Array | undefined {
    return this.entries.get(relPath);
  }
  list(): string[] {
    return [...this.entries.keys()];
  }
  /** A copy with every name under `prefix` (torch's top folder, e.g. `model/`). */
  withPrefix(prefix: string): MemoryArchive {
    return new MemoryArchive(new Map([...this.entries].map(([k, v]) => [prefix + k, v])));
  }
  /** A copy with some entries replaced (Uint8Array or JSON text) or removed (undefined). */
  with(changes: Record<string, Uint8Array | string | object | undefined>): MemoryArchive {
    const m = new Map(this.entries);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) m.delete(k);
      else if (v instanceof Uint8Array) m.set(k, v);
      else m.set(k, new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)));
    }
    return new MemoryArchive(m);
  }
  json(relPath: string): unknown {
    const b = this.entries.get(relPath);
    if (b === undefined) throw new Error(`no ${relPath}`);
    return JSON.parse(new TextDecoder().decode(b)) as unknown;
  }
}

export function standInPayload(length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let k = 0; k < length; k++) b[k] = (k + length) & 255;
  return b;
}

/** testdata/<model>/ as an archive: its files plus stand-in payloads. */
export function testdataArchive(model: string): MemoryArchive {
  const dir = path.join(TESTDATA, model);
  const entries = new Map<string, Uint8Array>();
  const walk = (rel: string): void => {
    for (const n of readdirSync(path.join(dir, rel))) {
      const r = rel === '' ? n : `${rel}/${n}`;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else if (r !== 'payloads.json') entries.set(r, new Uint8Array(readFileSync(path.join(dir, r))));
    }
  };
  walk('');
  const sizes = JSON.parse(readFileSync(path.join(dir, 'payloads.json'), 'utf8')) as Record<string, number>;
  for (const [entry, length] of Object.entries(sizes)) entries.set(entry, standInPayload(length));
  return new MemoryArchive(entries);
}

/** A program JSON of testdata, parsed afresh (tests mutate it). */
export function testdataProgram(model: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(TESTDATA, model, 'models', 'model.json'), 'utf8')) as Record<string, unknown>;
}
