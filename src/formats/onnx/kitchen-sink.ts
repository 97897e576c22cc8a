/**
 * A ModelProto that sets every field of every message in onnx.proto at least once, with values at the
 * edges (int64 beyond 2^53, negative int64, explicit zeros, -0, empty strings, non-UTF-8 bytes). Built
 * for codec tests and for anyone who needs "a model that uses the whole schema"; it is not a runnable
 * model. Fresh objects on every call, so tests may mutate them.
 */
import type {
  AttributeProto,
  FunctionProto,
  GraphProto,
  ModelProto,
  SparseTensorProto,
  StringStringEntryProto,
  TensorProto,
  TypeProto,
  ValueInfoProto,
} from './generated/onnx-types.js';
import { LongClass as Long } from './schema.js';

/** 2^63 - 1, 2^53 + 1 and -2^63: values a JS number cannot hold exactly. */
export const INT64_MAX = Long.MAX_VALUE;
export const INT64_MIN = Long.MIN_VALUE;
export const BEYOND_2_53 = Long.fromString('9007199254740993');
export const UINT64_MAX = Long.MAX_UNSIGNED_VALUE;

const props = (tag: string): StringStringEntryProto[] => [
  { key: `${tag}.k`, value: 'v' },
  { key: '', value: '' },
];

function tensor(name: string): TensorProto {
  return {
    dims: [2, BEYOND_2_53, 0],
    data_type: 17, // FLOAT8E4M3FN: unknown to ONNX 1.10 readers, still an int32 on the wire
    segment: { begin: 0, end: INT64_MAX },
    float_data: [1.5, -0, Number.POSITIVE_INFINITY],
    int32_data: [0, -1, 2147483647, -2147483648],
    string_data: [new Uint8Array([0xff, 0xfe]), new Uint8Array(0)],
    int64_data: [INT64_MIN, INT64_MAX, -1],
    name,
    doc_string: 'tensor doc',
    raw_data: new Uint8Array([0, 1, 2, 253, 254, 255]),
    external_data: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '4096' }],
    data_location: 1,
    double_data: [Math.PI, -1e308],
    uint64_data: [UINT64_MAX, 0],
    metadata_props: props('tensor'),
  };
}

function sparse(): SparseTensorProto {
  return { values: tensor('sv'), indices: { dims: [1], data_type: 7, int64_data: [3] }, dims: [10, BEYOND_2_53] };
}

function types(): TypeProto[] {
  const shape = {
    dim: [{ dim_value: BEYOND_2_53, denotation: 'DATA_BATCH' }, { dim_param: 'N' }, { denotation: 'unknown' }],
  };
  return [
    { tensor_type: { elem_type: 26, shape }, denotation: 'TENSOR' },
    { sequence_type: { elem_type: { tensor_type: { elem_type: 1 } } } },
    { map_type: { key_type: 7, value_type: { tensor_type: { elem_type: 1, shape: { dim: [] } } } } },
    { optional_type: { elem_type: { sequence_type: { elem_type: { tensor_type: { elem_type: 6 } } } } } },
    { sparse_tensor_type: { elem_type: 1, shape } },
    { opaque_type: { domain: 'com.example', name: 'Blob' } },
  ];
}

function valueInfo(name: string, type: TypeProto): ValueInfoProto {
  return { name, type, doc_string: `${name} doc`, metadata_props: props(name) };
}

function attributes(subgraph: GraphProto): AttributeProto[] {
  return [
    { name: 'f', type: 1, f: -0, doc_string: 'negative zero' },
    { name: 'i', type: 2, i: INT64_MAX },
    { name: 'i0', type: 2, i: 0 }, // explicit zero: proto2 keeps it present
    { name: 's', type: 3, s: new Uint8Array([0xc3, 0x28]) }, // invalid UTF-8 on purpose
    { name: 't', type: 4, t: tensor('attr_t') },
    { name: 'g', type: 5, g: subgraph },
    { name: 'st', type: 11, sparse_tensor: sparse() },
    { name: 'tp', type: 13, tp: types()[0]! },
    { name: 'floats', type: 6, floats: [0.25, -2] },
    { name: 'ints', type: 7, ints: [INT64_MIN, 1, BEYOND_2_53] },
    { name: 'strings', type: 8, strings: [new Uint8Array([104, 105]), new Uint8Array(0)] },
    { name: 'tensors', type: 9, tensors: [tensor('a'), tensor('b')] },
    { name: 'graphs', type: 10, graphs: [subgraph, subgraph] },
    { name: 'sparse_tensors', type: 12, sparse_tensors: [sparse()] },
    { name: 'type_protos', type: 14, type_protos: types() },
    { name: 'ref', type: 2, ref_attr_name: 'alpha' },
  ];
}

function graph(name: string, depth: number): GraphProto {
  const inner: GraphProto = depth > 0 ? graph(`${name}_body`, depth - 1) : { name: `${name}_leaf` };
  const allTypes = types();
  return {
    node: [
      {
        input: ['x', '', 'w'],
        output: ['y'],
        name: `${name}_node`,
        op_type: 'Custom',
        domain: 'com.example',
        overload: 'v2',
        attribute: attributes(inner),
        doc_string: 'node doc',
        metadata_props: props('node'),
        device_configurations: [
          {
            configuration_id: 'mesh',
            sharding_spec: [
              {
                tensor_name: 'x',
                device: [0, 1, BEYOND_2_53],
                index_to_device_group_map: [{ key: 0, value: [0, 1] }, { key: INT64_MAX, value: [] }],
                sharded_dim: [
                  { axis: -1, simple_sharding: [{ dim_value: 8, num_shards: 2 }, { dim_param: 'B', num_shards: 4 }] },
                ],
              },
            ],
            pipeline_stage: 3,
          },
        ],
      },
    ],
    name,
    initializer: [tensor(`${name}_init`)],
    sparse_initializer: [sparse()],
    doc_string: 'graph doc',
    input: allTypes.map((t, i) => valueInfo(`in${i}`, t)),
    output: [valueInfo('y', allTypes[0]!)],
    value_info: [valueInfo('vi', allTypes[4]!)],
    quantization_annotation: [{ tensor_name: 'y', quant_parameter_tensor_names: props('q') }],
    metadata_props: props('graph'),
  };
}

function fn(): FunctionProto {
  return {
    name: 'MyFn',
    input: ['a'],
    output: ['b'],
    attribute: ['alpha'],
    attribute_proto: [{ name: 'beta', type: 1, f: 0.5 }],
    node: [{ input: ['a'], output: ['b'], op_type: 'Identity' }],
    doc_string: 'function doc',
    opset_import: [{ domain: '', version: 21 }],
    domain: 'com.example',
    overload: 'v2',
    value_info: [valueInfo('b', types()[0]!)],
    metadata_props: props('function'),
  };
}

export function kitchenSinkModel(): ModelProto {
  return {
    ir_version: 14,
    opset_import: [{ domain: '', version: 26 }, { domain: 'com.example', version: INT64_MAX }],
    producer_name: 'onnxbridge tests',
    producer_version: '0.0.0',
    domain: 'org.example',
    model_version: BEYOND_2_53,
    doc_string: 'Every field of the schema. 日本語 too.',
    graph: graph('main', 2),
    metadata_props: props('model'),
    training_info: [
      {
        initialization: graph('init', 0),
        algorithm: graph('algo', 0),
        initialization_binding: [{ key: 'w', value: 'w0' }],
        update_binding: [{ key: 'w', value: 'w1' }],
      },
    ],
    functions: [fn()],
    configuration: [{ name: 'mesh', num_devices: 2, device: ['cuda:0', 'cuda:1'] }],
  };
}
