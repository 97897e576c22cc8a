/**
 * A valid ModelProto that uses what the backend test data does not: functions (attribute names and
 * defaults, reference attributes, value_info, overloads), training info reading the main graph's
 * initializers, sparse initializers, an initializer that is also an input, quantization annotations,
 * device configurations, metadata everywhere, denotations, fields set to their defaults (proto2
 * presence), every typed tensor encoding, int64 beyond 2^53, non-UTF-8 attribute strings, unknown
 * fields, tensor segments, an attribute without `type`, nodes out of topological order, and a subgraph
 * reading outer values. Fresh objects on every call.
 */
import type { ModelProto, NodeProto, TensorProto, TypeProto, ValueInfoProto } from '../../src/formats/onnx/generated/onnx-types.js';
import { LongClass as Long } from '../../src/formats/onnx/schema.js';

export const INT64_MAX = Long.MAX_VALUE;
export const BEYOND_2_53 = Long.fromString('9007199254740993');
/** An unknown field (number 99, varint 1), as a newer ONNX might write. */
export const UNKNOWN = (): Uint8Array[] => [new Uint8Array([0x98, 0x06, 0x01])];

const f32 = (dims: number[]): TypeProto => ({ tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: d })) } } });
const vi = (name: string, type?: TypeProto, extra: Partial<ValueInfoProto> = {}): ValueInfoProto => ({ name, ...(type ? { type } : {}), ...extra });
const raw = (floats: number[]): Uint8Array => new Uint8Array(new Float32Array(floats).buffer);

function tensors(): TensorProto[] {
  return [
    { name: 'w', dims: [2], data_type: 1, raw_data: raw([1, 2]), doc_string: '', metadata_props: [{ key: 'k', value: 'v' }] },
    { name: 'w_typed', dims: [2], data_type: 1, float_data: [0.5, -0], data_location: 0, $unknowns: UNKNOWN() } as TensorProto,
    { name: 'i8', dims: [3], data_type: 3, int32_data: [-1, 127, -128] },
    { name: 'f16', dims: [2], data_type: 10, int32_data: [0x3c00, 0xfc00] },
    { name: 'b', dims: [2], data_type: 9, int32_data: [1, 0] },
    { name: 'i4', dims: [3], data_type: 22, int32_data: [0x7f, 0x08] },
    { name: 'i64', dims: [3], data_type: 7, int64_data: [INT64_MAX, -1, BEYOND_2_53] },
    { name: 'u64', dims: [2], data_type: 13, uint64_data: [Long.MAX_UNSIGNED_VALUE, 7] },
    { name: 'u32', dims: [1], data_type: 12, uint64_data: [4294967295] },
    { name: 'd', dims: [1], data_type: 11, double_data: [Math.PI] },
    { name: 'c64', dims: [1], data_type: 14, float_data: [1, -1] },
    { name: 's', dims: [2], data_type: 8, string_data: [new Uint8Array([0xff]), new TextEncoder().encode('ok')] },
    { name: 'empty', dims: [0], data_type: 1 },
    { name: 'seg', dims: [1], data_type: 1, raw_data: raw([3]), segment: { begin: 0, end: 1 } },
  ];
}

/** Main graph: nodes listed out of order (Add before the Identity making its input), an If whose branch reads outer values. */
function mainNodes(): NodeProto[] {
  const branch = (name: string, op: string): NonNullable<NodeProto['attribute']>[number] => ({
    name,
    type: 5,
    g: {
      name: `${name}_g`,
      node: [{ input: ['x', 'w'], output: [`${name}_y`], op_type: op }],
      output: [vi(`${name}_y`)],
    },
  });
  return [
    { input: ['t', 'w'], output: ['sum'], op_type: 'Add', domain: '', name: 'add', doc_string: '' },
    { input: ['x'], output: ['t'], op_type: 'Identity', $unknowns: UNKNOWN() } as NodeProto,
    {
      input: ['cond'],
      output: ['if_out'],
      op_type: 'If',
      attribute: [branch('then_branch', 'Add'), branch('else_branch', 'Sub')],
      metadata_props: [{ key: 'node', value: 'meta' }],
    },
    {
      input: ['x', '', 'w'],
      output: ['custom_y', ''],
      op_type: 'MyFn',
      domain: 'custom',
      overload: 'v2',
      attribute: [
        { name: 'alpha', type: 1, f: 0.25, doc_string: '' },
        { name: 'big', type: 2, i: INT64_MAX },
        { name: 'ints', type: 7, ints: [BEYOND_2_53, -3, 0] },
        { name: 'bytes', type: 3, s: new Uint8Array([0xc3, 0x28]) },
        { name: 'texts', type: 8, strings: [new TextEncoder().encode('héllo'), new Uint8Array([0xfe])] },
        { name: 'untyped', i: 5 }, // IR < 4 files leave type out
        { name: 'zero', type: 2 }, // i absent: reads as 0, must stay absent
        { name: 'tp', type: 13, tp: { sequence_type: { elem_type: f32([1]) }, denotation: 'SEQ' } },
        { name: 'ts', type: 9, tensors: [{ dims: [1], data_type: 6, int32_data: [4] }] },
        { name: 'sp', type: 11, sparse_tensor: { values: { dims: [1], data_type: 1, float_data: [9] }, indices: { dims: [1], data_type: 7, int64_data: [2] }, dims: [4] } },
        { name: 'odd', type: 2, i: 1, f: 2.5 }, // a value field that does not belong to the type
      ],
      device_configurations: [{ configuration_id: 'mesh', pipeline_stage: 1 }],
    },
  ];
}

export function richModel(): ModelProto {
  const tensorType: TypeProto = {
    tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N', denotation: 'DATA_BATCH' }, { dim_value: 2 }, {}] } },
    denotation: 'TENSOR',
  };
  return {
    ir_version: 10,
    opset_import: [{ version: 21 }, { domain: 'custom', version: 1 }, { domain: 'ai.onnx.preview.training', version: 1 }],
    producer_name: '',
    model_version: BEYOND_2_53,
    doc_string: 'rich',
    metadata_props: [{ key: 'author', value: 'me' }, { value: 'no key' }],
    graph: {
      name: 'main',
      node: mainNodes(),
      initializer: tensors(),
      sparse_initializer: [{ values: { name: 'sp_w', dims: [2], data_type: 1, float_data: [1, 2] }, indices: { dims: [2], data_type: 7, int64_data: [0, 3] }, dims: [2, 2] }],
      input: [vi('x', tensorType, { doc_string: 'input x', metadata_props: [{ key: 'a', value: 'b' }] }), vi('cond', { tensor_type: { elem_type: 9, shape: {} } }), vi('w', f32([2]))],
      output: [vi('sum', { tensor_type: { elem_type: 0 } }), vi('if_out'), vi('custom_y', { map_type: { key_type: 0, value_type: f32([]) } })],
      value_info: [
        vi('t', f32([2])),
        vi('t', f32([3])), // disagrees with the first entry: kept verbatim
        vi('nowhere', { opaque_type: { domain: 'd', name: 'n' } }), // names nothing in the graph
        vi('sum', {}), // a TypeProto with nothing set
        { name: 'w', type: f32([2]), $unknowns: UNKNOWN() } as ValueInfoProto,
      ],
      quantization_annotation: [{ tensor_name: 'w', quant_parameter_tensor_names: [{ key: 'SCALE_TENSOR', value: 'd' }] }],
      metadata_props: [{ key: 'graph', value: '' }],
      doc_string: '',
      $unknowns: UNKNOWN(),
    } as ModelProto['graph'],
    training_info: [
      {
        initialization: { name: 'init', node: [{ input: ['w'], output: ['w0'], op_type: 'Identity' }], output: [vi('w0')] },
        algorithm: { name: 'algo', node: [{ input: ['w', 'x'], output: ['w1'], op_type: 'Add' }], output: [vi('w1')] },
        initialization_binding: [{ key: 'w', value: 'w0' }],
        update_binding: [{ key: 'w', value: 'w1' }],
      },
    ],
    functions: [
      {
        name: 'MyFn',
        domain: 'custom',
        overload: 'v2',
        input: ['a', 'opt', 'b'],
        output: ['y', 'unused'],
        attribute: ['alpha'],
        attribute_proto: [{ name: 'beta', type: 1, f: 0.5 }],
        node: [
          { input: ['a', 'b'], output: ['m'], op_type: 'Mul' },
          { input: ['m'], output: ['y'], op_type: 'LeakyRelu', attribute: [{ name: 'alpha', type: 1, ref_attr_name: 'alpha' }] },
          { input: ['m'], output: ['unused'], op_type: 'Identity' },
        ],
        opset_import: [{ domain: '', version: 21 }],
        value_info: [vi('m', f32([2]))],
        doc_string: 'fn',
        metadata_props: [{ key: 'fn', value: '1' }],
      },
    ],
    configuration: [{ name: 'mesh', num_devices: 2, device: ['cpu:0', 'cpu:1'] }],
    $unknowns: UNKNOWN(),
  } as ModelProto;
}
