/**
 * Reader for the `code/**.py` entries of TorchScript archives: tokenizer, parser and class table.
 * Wire level only: nothing here knows the IR; src/importers/torch turns the AST into aten nodes.
 */
export * from './ast.js';
export { TorchScriptSyntaxError } from './syntax-error.js';
export { tokenize, KEYWORDS, type Token, type TokenKind } from './tokenizer.js';
export { parseTorchScript } from './parser.js';
export { formatExpr, formatStmts, quote } from './print.js';
export {
  loadTorchScriptCode,
  qualifierOf,
  submoduleNames,
  type TorchScriptClass,
  type TorchScriptCode,
  type TorchScriptFile,
  type TorchScriptFunction,
} from './class-table.js';
