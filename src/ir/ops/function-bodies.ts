/**
 * The static function bodies of ONNX schemas (`has_function`), from generated/function-bodies.json:
 * JSON access only. Each body is a serialized FunctionProto (base64); decoding it is the caller's job
 * (src/runtime/function-expand.ts), since src/ir never imports the protobuf layer.
 */
import raw from './generated/function-bodies.json' with { type: 'json' };
import type { OpSchema } from './schema.js';

/** One body of a schema: ONNX keeps one per opset it was written against (`function_opset_versions`). */
export interface FunctionBodyEntry {
  /** The ai.onnx opset the body is written for. */
  readonly opset: number;
  readonly opsetImports: Readonly<Record<string, number>>;
  /** The FunctionProto, base64-encoded. */
  readonly functionProto: string;
}

interface RawEntry {
  opset: number;
  opset_imports: Record<string, number>;
  function_proto: string;
}

const bodies = (raw as { bodies: Record<string, RawEntry[]> }).bodies;

/** Every static body of `schema`, ascending by opset; empty when it has none. */
export function functionBodies(schema: OpSchema): readonly FunctionBodyEntry[] {
  const key = `${schema.domain === 'ai.onnx' ? '' : schema.domain}::${schema.name}::${schema.sinceVersion}`;
  return (bodies[key] ?? []).map((b) => ({ opset: b.opset, opsetImports: b.opset_imports, functionProto: b.function_proto }));
}

/**
 * The body to use at `opset`: the newest written for an opset <= `opset`, else the oldest (the caller
 * checks that the ops it uses mean the same at `opset`).
 */
export function functionBodyFor(schema: OpSchema, opset: number): FunctionBodyEntry | undefined {
  const all = functionBodies(schema);
  return [...all].reverse().find((b) => b.opset <= opset) ?? all[0];
}
