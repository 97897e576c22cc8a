/**
 * Typed errors. Every error that reaches a user names where it happened: the file, the node, the op.
 * The CLI maps any BridgeError to exit code 2 (bad input) and prints `message` alone, no stack.
 */
export interface ErrorLocation {
  file?: string;
  node?: string;
  op?: string;
  /** A dotted path inside the file, e.g. `graph.initializer[3]` or `graph.node[12].attribute[alpha]`. */
  path?: string;
}

export class BridgeError extends Error {
  readonly file?: string;
  readonly node?: string;
  readonly op?: string;
  readonly path?: string;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, where), options);
    this.detail = message;
    this.name = new.target.name;
    this.file = where.file;
    this.node = where.node;
    this.op = where.op;
    this.path = where.path;
  }

  /** The same error with a file attached, for layers that learn the file name only on the way out. */
  withFile(file: string): BridgeError {
    if (this.file !== undefined) return this;
    const Ctor = this.constructor as new (m: string, w: ErrorLocation, o?: { cause?: unknown }) => BridgeError;
    const copy = new Ctor(this.detail, { file, node: this.node, op: this.op, path: this.path }, { cause: this.cause });
    return copy;
  }
}

/** The bytes of a file are not what the format says they should be. */
export class FormatError extends BridgeError {}
/** A model breaks an invariant of the IR or of the ONNX spec (SSA, topological order, types, attributes). */
export class CheckError extends BridgeError {}
/** Shapes or types that cannot go together. */
export class ShapeError extends BridgeError {}
/** A pass threw; the message names the pass and the passes before it. */
export class PassError extends BridgeError {}
/** A kernel failed or met an input it cannot run. */
export class KernelError extends BridgeError {}
/** Wrong use of the CLI or the API (missing file, bad option value). */
export class UsageError extends BridgeError {}

/** Ops an importer or engine cannot handle, all of them at once, with counts and an example node each. */
export class UnsupportedOpsError extends BridgeError {
  readonly ops: readonly UnsupportedOp[];
  constructor(ops: readonly UnsupportedOp[], where: ErrorLocation = {}) {
    const lines = ops.map((o) => `  ${o.op} x${o.count} (e.g. node ${JSON.stringify(o.exampleNode)})`);
    super(`${ops.length} unsupported op${ops.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, where);
    this.ops = ops;
  }
}

export interface UnsupportedOp {
  op: string;
  count: number;
  exampleNode: string;
}

function formatMessage(message: string, where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.path !== undefined) parts.push(where.path);
  if (where.node !== undefined) parts.push(`node ${JSON.stringify(where.node)}`);
  if (where.op !== undefined) parts.push(`op ${where.op}`);
  return parts.length === 0 ? message : `${parts.join(', ')}: ${message}`;
}
