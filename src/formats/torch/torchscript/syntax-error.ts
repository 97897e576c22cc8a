/**
 * The one error the TorchScript code reader throws for bad source: a FormatError that names the archive
 * entry, the 1-based line and column, and what the parser expected there.
 */
import { FormatError } from '../../../ir/errors.js';

/** A position in one code entry. Lines and columns count from 1; columns count UTF-16 code units. */
export interface Loc {
  /** The archive entry the source came from, e.g. `traced/code/__torch__.py`. */
  file: string;
  line: number;
  column: number;
}

export class TorchScriptSyntaxError extends FormatError {
  readonly line: number;
  readonly column: number;

  constructor(message: string, loc: Loc) {
    super(`line ${loc.line}, column ${loc.column}: ${message}`, { file: loc.file });
    this.line = loc.line;
    this.column = loc.column;
  }
}
