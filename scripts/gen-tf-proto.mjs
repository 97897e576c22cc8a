#!/usr/bin/env node
/**
 * Turns src/formats/tf/*.proto (our copy of the TensorFlow messages) into generated/tf-descriptor.ts
 * (protobufjs JSON descriptor) and generated/tf-types.ts (message shapes) there, with
 * scripts/lib/proto-codegen.mjs, which also types TF's proto3 `map<>` fields (attrs, signatures).
 * Usage: node scripts/gen-tf-proto.mjs [--check]   (--check: write nothing, exit 1 when stale)
 */
import { runProtoCodegen } from './lib/proto-codegen.mjs';

runProtoCodegen({
  format: 'tf',
  // Order matters only for the order of declarations in the output; imports are resolved in one root.
  sources: ['well-known.proto', 'graph.proto', 'saved-model.proto', 'tensor-bundle.proto'],
  // `.tensorflow.AttrValue.ListValue` -> `AttrValue_ListValue`; `.google.protobuf.Any` -> `Any`.
  packagePrefix: /^\.(tensorflow|google\.protobuf)\./,
  // A separate constant: map fields carry `keyType`, which INamespace's field type does not declare, so
  // assigning the literal directly would fail TypeScript's excess-property check.
  descriptorBody: (json) =>
    `const descriptor = ${json};\n\n` +
    "/** The TensorFlow schema as a protobufjs JSON descriptor (proto3 is protobufjs's default edition). */\n" +
    'export const tfDescriptor: INamespace = descriptor;\n',
  wireDoc:
    '/**\n' +
    ' * Shapes of TensorFlow messages as protobufjs decodes them (snake_case names). proto3: an absent field\n' +
    ' * means its default (0, "", false, no message); it reads as undefined (see Note [no prototype defaults]\n' +
    ' * in schema.ts). A decoded repeated field is always an array and a decoded map always an object, possibly\n' +
    ' * empty; int64 fields decode as Long; bytes are views into the decoded buffer; enum fields hold numbers.\n' +
    ' */\n',
  messagesName: 'TfMessages',
});
