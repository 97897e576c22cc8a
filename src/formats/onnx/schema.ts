/**
 * The protobufjs reflection of our ONNX schema, built once from the generated JSON descriptor.
 * protobufjs/light has Root.fromJSON and the code-generating encoders/decoders but no .proto parser,
 * which keeps the browser bundle small.
 */
import type Long from 'long';
import protobuf from 'protobufjs/light.js';
import { onnxDescriptor } from './generated/onnx-descriptor.js';
import type { OnnxMessages } from './generated/onnx-types.js';

export type OnnxMessageName = keyof OnnxMessages;

// Note [int64 needs Long]: without the `long` package protobufjs decodes int64 as a JS number, silently
// rounding values above 2^53 (dims of huge tensors, uint64_data, int64 attributes like INT64_MAX used as
// "to the end" in Slice). Refuse to run rather than corrupt models.
if (!protobuf.util.Long) {
  throw new Error('onnxbridge: protobufjs has no Long support (package "long" missing); int64 values would lose precision');
}

/** long.js's Long class as protobufjs loaded it (so no second copy of `long` is needed at run time). */
export const LongClass = protobuf.util.Long as unknown as typeof Long;

// resolveAll links field types now; wire-diagnose.ts reads field.resolvedType, which is null before.
export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(onnxDescriptor);
onnxRoot.resolveAll();

/** Flat name (as in generated/onnx-types.ts) to reflected type, e.g. `TensorProto_Segment`. */
const byName = new Map<string, protobuf.Type>();
(function collect(ns: protobuf.NamespaceBase): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) {
      byName.set(child.fullName.replace(/^\.onnx\./, '').replace(/\./g, '_'), child);
      stripPrototypeDefaults(child);
    }
    if (child instanceof protobuf.Namespace) collect(child); // a Type is a Namespace: nested messages
  }
})(onnxRoot);

// Note [no prototype defaults]: protobufjs puts each field's default on the decoded message's prototype,
// so an absent `ir_version` reads as Long(0) and an absent `graph` as null. That hides proto2 presence
// and contradicts the optional fields of generated/onnx-types.ts. Removing them makes an absent singular
// field read as undefined. (Repeated fields are own arrays after decode, possibly empty.)
function stripPrototypeDefaults(type: protobuf.Type): void {
  const proto = type.ctor.prototype as Record<string, unknown>;
  for (const field of type.fieldsArray) delete proto[field.name];
}

export function messageType(name: OnnxMessageName): protobuf.Type {
  const t = byName.get(name);
  if (t === undefined) throw new Error(`onnx schema: no message ${name}`);
  return t;
}

/** Whether `v` is a protobufjs Long (int64 fields decode to these). */
export function isLong(v: unknown): v is Long {
  return LongClass.isLong(v);
}
