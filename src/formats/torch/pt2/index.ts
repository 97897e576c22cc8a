/**
 * Reader for torch.export `.pt2` archives (FORMATS.md 2): the program JSON validated against
 * pt2-program.schema.json, the payload configs and views of the payloads. Wire level only: nothing here
 * knows the IR; src/importers/torch lowers the program.
 */
export type * from './types.js';
export { ArgumentKind, unionKey, wireFloat } from './types.js';
export { type ArchiveReader, type Pt2Layout, type Pt2LayoutKind, detectPt2Layout, modelNames } from './archive-layout.js';
export { readPt2, SUPPORTED_SCHEMA_MAJOR, type Pt2Program, type ReadPt2Options } from './read-pt2.js';
export { type Pt2Tensor, type PayloadSource } from './payloads.js';
export { parseJsonEntry, validatePayloadConfig, validateProgram } from './validate.js';
export { ScalarType, elementBytes, scalarTypeName, scalarTypeToDataType } from './scalar-type.js';
export {
  type Dim,
  type ParsedSymExpr,
  type SymbolRange,
  dimSymbols,
  parseSymExpr,
  symIntHint,
  symIntToDim,
  symbolRanges,
  tensorDims,
} from './sym-dims.js';
export { type GraphInputKind, type GraphInputRole, constantInputs, graphInputRoles } from './signature.js';
