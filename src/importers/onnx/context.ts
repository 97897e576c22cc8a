import type Long from 'long';
import type { Int64 } from '../../ir/attribute.js';
import type { DataType } from '../../ir/dtype.js';
import { CheckError, FormatError, type ErrorLocation } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import type { Value } from '../../ir/value.js';
import type { TensorProto } from '../../formats/onnx/generated/onnx-types.js';

/**
 * Makes the IR tensor for a TensorProto with data_location = EXTERNAL. The caller (src/api) knows where
 * files are; it validates location, offset and length now and reads the bytes only when asked.
 * Kept as a hook so the importer itself never touches the file system.
 */
export type ExternalOpener = (proto: TensorProto, dtype: DataType, dims: readonly number[]) => Tensor;

export interface ImportOptions {
  /** The file the model came from, named in every error. */
  file?: string;
  /** Opens external tensors; without one, a model with external data is refused. */
  openExternal?: ExternalOpener;
  /**
   * Reorder nodes topologically when the file lists them out of order. Off by default: the file order is
   * kept so that a model round-trips unchanged (ONNX requires sorted files, so this rarely matters).
   */
  sortNodes?: boolean;
}

/** State shared by one import: options, and which values already took their type from a ValueInfoProto. */
export class ImportContext {
  readonly file?: string;
  readonly openExternal?: ExternalOpener;
  /**
   * Values that already took type, doc string and metadata from a ValueInfoProto (the first one seen):
   * that proto's canonical text, and whether the value can say all of it (see import-values.ts).
   */
  readonly described = new Map<Value, { text: string; complete: boolean }>();

  constructor(options: ImportOptions) {
    this.file = options.file;
    this.openExternal = options.openExternal;
  }

  formatError(message: string, where: Omit<ErrorLocation, 'file'> = {}): FormatError {
    return new FormatError(message, { ...where, file: this.file });
  }

  checkError(message: string, where: Omit<ErrorLocation, 'file'> = {}): CheckError {
    return new CheckError(message, { ...where, file: this.file });
  }
}

/**
 * Names visible in one graph. A subgraph's scope has its enclosing graph's scope as parent, so an inner
 * node reading an outer name gets the outer Value itself (Note [IR invariants], point 5). Inner names
 * may shadow outer ones; ONNX forbids it but files that do it still have one meaning.
 */
export class Scope {
  private readonly names = new Map<string, Value>();

  constructor(readonly parent?: Scope) {}

  /** Adds `v` under its name; a second definition in the same graph is a CheckError. */
  define(v: Value, what: string, ctx: ImportContext): void {
    if (v.name === '') return; // unnamed values cannot be referenced
    const old = this.names.get(v.name);
    if (old !== undefined && old !== v) {
      const p = v.producer;
      throw ctx.checkError(`value ${JSON.stringify(v.name)} is defined twice (again as ${what})`, p ? { node: p.name, op: p.opType } : {});
    }
    this.names.set(v.name, v);
  }

  own(name: string): Value | undefined {
    return this.names.get(name);
  }

  resolve(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const v = s.names.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/** int64 on the wire (a Long, or a number from hand-built messages) as a number when exact, else a bigint. */
export function toInt64(v: Long | number): Int64 {
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? n : BigInt(v.toString());
}

/** An int64 that must be a safe non-negative count (dims, sizes); anything else is a FormatError. */
export function toCount(v: Long | number, what: string, ctx: ImportContext): number {
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw ctx.formatError(`${what}: ${String(v)} is too large`);
  if (n < 0) throw ctx.formatError(`${what}: ${n} is negative`);
  return n;
}

/** The own, set fields of a decoded message (protobufjs leaves absent fields as non-own or undefined). */
export function has(msg: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field) && (msg as Record<string, unknown>)[field] !== undefined;
}
