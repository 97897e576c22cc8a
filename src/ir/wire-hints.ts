/**
 * Note [wire hints]: what a decoded file said that the IR has no field for, so that import -> export gives
 * back the same message. The IR keeps what a model means; proto2 also records *how* it was written: a field
 * set to its default ('' or 0) is present on the wire and differs from an absent one (NodeProto.domain ""
 * vs no domain, opset_import without a domain), fields the IR has no place for (TensorProto.segment,
 * fields of a newer ONNX kept by the codec as `$unknowns`), or the exact entries behind a list the IR
 * normalises (metadata pairs, opset maps, external_data entries).
 *
 * An importer records them in side tables keyed by the IR object (nothing is added to the IR classes);
 * the matching exporter consults them. They live here, beside the IR, because importers and exporters
 * must not import each other; nothing in the IR reads them, and they name no wire type. A pass that
 * replaces an object loses its hints, which only means the new object is written the canonical way. A
 * pass that edits an object in place is safe too: raw lists are reused only while the IR content still
 * equals what they were decoded into (see `rawListFor`).
 */
import type { ExternalLocation } from './tensor.js';

export interface WireHints {
  /** Scalar fields the file set to their default value ('' or 0), so proto2 keeps them present. */
  present?: Set<string>;
  /** Fields the exporter would normally write that the file left unset (AttributeProto.type in old files). */
  absent?: Set<string>;
  /** Decoded fields the IR has no place for, written back verbatim (`$unknowns` among them). */
  extra?: Record<string, unknown>;
}

const hints = new WeakMap<object, WireHints>();

function hintsOf(owner: object): WireHints {
  let h = hints.get(owner);
  if (h === undefined) hints.set(owner, (h = {}));
  return h;
}

/** Records, for each of `fields`, that `msg` holds it set to its default value ('' or 0 or a zero Long). */
export function notePresentDefaults(owner: object, msg: object, fields: readonly string[]): void {
  for (const f of fields) {
    if (!Object.prototype.hasOwnProperty.call(msg, f)) continue;
    const v = (msg as Record<string, unknown>)[f];
    if (v === '' || v === 0 || isZeroLong(v)) (hintsOf(owner).present ??= new Set()).add(f);
  }
}

export function noteAbsent(owner: object, field: string): void {
  (hintsOf(owner).absent ??= new Set()).add(field);
}

/** Keeps decoded fields verbatim, for `applyExtra` to put back on the outgoing message. */
export function noteExtra(owner: object, fields: Record<string, unknown>): void {
  const h = hintsOf(owner);
  h.extra = { ...h.extra, ...fields };
}

/** Keeps the `$unknowns` list of `msg` (fields of a newer schema, raw; non-enumerable), if any. */
export function noteUnknowns(owner: object, msg: object): void {
  const u = unknownsOf(msg);
  if (u !== undefined) noteExtra(owner, { $unknowns: u });
}

export function unknownsOf(msg: object): Uint8Array[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(msg, '$unknowns')) return undefined;
  const u = (msg as { $unknowns?: Uint8Array[] }).$unknowns;
  return u !== undefined && u.length > 0 ? u : undefined;
}

/** Whether the exporter should write a scalar equal to its default: only when the file had it. */
export function wasPresent(owner: object, field: string): boolean {
  return hints.get(owner)?.present?.has(field) ?? false;
}

export function wasAbsent(owner: object, field: string): boolean {
  return hints.get(owner)?.absent?.has(field) ?? false;
}

/** Copies the verbatim fields of `owner` onto an outgoing message. */
export function applyExtra(owner: object, out: Record<string, unknown>): void {
  const extra = hints.get(owner)?.extra;
  if (extra !== undefined) Object.assign(out, extra);
}

/** Sets `out[field] = value` unless the value is the field's default and the file did not write it. */
export function putScalar(out: Record<string, unknown>, field: string, value: string | number, dflt: string | number, owner: object): void {
  if (value !== dflt || wasPresent(owner, field)) out[field] = value;
}

interface RawList {
  raw: unknown;
  signature: string;
}
const rawLists = new WeakMap<object, RawList>();

/**
 * Remembers the decoded entries behind an IR list (metadata pairs, an opset Map, an ExternalLocation).
 * `signature` is a canonical text of the IR content built from them; the raw entries are written back
 * only while the IR content still has that signature.
 */
export function keepRawList(owner: object, raw: unknown, signature: string): void {
  rawLists.set(owner, { raw, signature });
}

/** The remembered raw entries, if the IR object still holds exactly what they said. */
export function rawListFor<T>(owner: object, signature: string): T | undefined {
  const r = rawLists.get(owner);
  return r !== undefined && r.signature === signature ? (r.raw as T) : undefined;
}

function isZeroLong(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v && (v as { low: number }).low === 0 && (v as { high: number }).high === 0;
}

/** What an ExternalLocation says, minus the folder (which the entries never name), for `keepRawList`. */
export function externalSignature(loc: ExternalLocation): string {
  return JSON.stringify([loc.location, loc.offset ?? null, loc.length ?? null, loc.checksum ?? null, loc.extra ?? []]);
}

/** The signature of key/value pairs (metadata_props, bindings, opset entries) for `keepRawList`. */
export function pairsSignature(pairs: Iterable<readonly [unknown, unknown]>): string {
  return JSON.stringify([...pairs].map(([k, v]) => [k, typeof v === 'bigint' ? `${v}n` : v]));
}

/** Where a ValueInfoProto sits in its graph. */
export type ValueInfoSlot = 'input' | 'output' | 'value_info';

interface KeptValueInfo {
  value: object;
  proto: object;
}
const keptValueInfos = new WeakMap<object, Map<string, KeptValueInfo>>();

/**
 * Keeps a ValueInfoProto verbatim when the value it describes would not give it back: a second entry for
 * one value that says something else, a TypeProto the IR cannot hold, unknown fields. Used only while
 * the same value still sits at that slot.
 */
export function keepValueInfoProto(graph: object, slot: ValueInfoSlot, index: number, value: object, proto: object): void {
  let m = keptValueInfos.get(graph);
  if (m === undefined) keptValueInfos.set(graph, (m = new Map()));
  m.set(`${slot}:${index}`, { value, proto });
}

export function keptValueInfoProto(graph: object, slot: ValueInfoSlot, index: number, value: object): object | undefined {
  const k = keptValueInfos.get(graph)?.get(`${slot}:${index}`);
  return k !== undefined && k.value === value ? k.proto : undefined;
}
