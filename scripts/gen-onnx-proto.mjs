#!/usr/bin/env node
/**
 * Turns src/formats/onnx/{onnx,onnx-data}.proto into generated/onnx-descriptor.ts (protobufjs JSON
 * descriptor) and generated/onnx-types.ts (message shapes) there, with scripts/lib/proto-codegen.mjs.
 * Usage: node scripts/gen-onnx-proto.mjs [--check]   (--check: write nothing, exit 1 when stale)
 */
import { runProtoCodegen } from './lib/proto-codegen.mjs';

runProtoCodegen({
  format: 'onnx',
  sources: ['onnx.proto', 'onnx-data.proto'],
  packagePrefix: /^\.onnx\./,
  descriptorBody: (json) =>
    '/** The ONNX schema as a protobufjs JSON descriptor (proto2 semantics are kept via `edition`). */\n' +
    `export const onnxDescriptor: INamespace = ${json};\n`,
  wireDoc:
    '/**\n' +
    ' * Shapes of ONNX messages as protobufjs decodes them (snake_case names, proto2 presence):\n' +
    ' * an absent singular field is undefined (see Note [no prototype defaults] in schema.ts); a decoded\n' +
    ' * repeated field is always an array, possibly empty; int64 fields decode as Long and encode from Long\n' +
    ' * or number; bytes are views into the decoded buffer; enum fields hold numbers.\n' +
    ' */\n',
  messagesName: 'OnnxMessages',
});
