"""Writes the TensorFlow test artifacts of src/formats/tf and src/formats/tfjs, and the numbers TensorFlow
itself reports about them (expected.json), with tensorflow-cpu==2.21.0 and tensorflowjs==4.22.0.

    python3 -m venv /tmp/tfenv2 && /tmp/tfenv2/bin/pip install tensorflow-cpu==2.21.0 numpy
    /tmp/tfenv2/bin/pip install --no-deps tensorflowjs==4.22.0 tf-keras==2.21.0 tensorflow-hub==0.16.1
    /tmp/tfenv2/bin/python src/formats/tf/testdata/make.py

Outputs, next to this script:
  saved_model/      tf.saved_model.save of a tf.Module, variables split over several data shards
  frozen.pb         the serving function as a frozen GraphDef (variables folded into Const nodes)
  frozen.json       the same GraphDef in protobuf's JSON mapping (MessageToDict), as TF.js writes graphs
  tfjs/, tfjs_uint8/, tfjs_float16/   TF.js graph models converted from saved_model/ (plain, quantized)
  expected.json     what TF and tensorflowjs read back: checkpoint entries and values, graph and signature facts
  tf-proto-fields.json   field numbers/types of the TF messages our .proto files declare, from TF's own
                    descriptors, so a test can check our schema against the real one
"""
import glob
import json
import os
import shutil
import sys
import types
from collections import Counter

import numpy as np
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

HERE = os.path.dirname(os.path.abspath(__file__))
tf.random.set_seed(0)
rng = np.random.default_rng(0)


class Tiny(tf.Module):
    """Variables of several dtypes (float32, int32, int64, bool, string) and two signatures."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32), name='w')
        self.b = tf.Variable(np.array([0.1, -0.2, 0.3], np.float32), name='b')
        self.step = tf.Variable(np.int64(7), name='step')
        self.mask = tf.Variable([True, False, True], name='mask')
        self.counts = tf.Variable(np.array([[1, -2], [3, 40000]], np.int32), name='counts')
        self.label = tf.Variable(b'tiny model', dtype=tf.string, name='label')

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name='x')])
    def serve(self, x):
        y = tf.nn.relu(tf.matmul(x, self.w) + self.b) * tf.cast(self.mask, tf.float32)
        return {'y': y, 'total': tf.reduce_sum(self.counts) + tf.cast(self.step, tf.int32)}

    @tf.function(input_signature=[tf.TensorSpec([2], tf.int32, name='a')])
    def scale(self, a):
        return {'scaled': a * self.counts[0]}


def write_saved_model(module, out):
    shutil.rmtree(out, ignore_errors=True)
    # Small shards: every variable lands in its own data file, so readers must handle several shards.
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=64)
    options = tf.saved_model.SaveOptions(experimental_sharding_callback=policy)
    tf.saved_model.save(module, out, signatures={'serving_default': module.serve, 'scale': module.scale}, options=options)


def checkpoint_facts(prefix):
    """Every key of the bundle as TF's own reader sees it, with values for the variables."""
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map()
    out = {}
    for key in sorted(dtypes):
        value = reader.get_tensor(key)
        entry = {'dtype': dtypes[key].as_datatype_enum, 'shape': list(shapes[key])}
        if key != '_CHECKPOINTABLE_OBJECT_GRAPH':
            arr = np.asarray(value)
            if arr.dtype == object or arr.dtype.kind == 'S':
                entry['values'] = [bytes(v).decode('utf-8') for v in arr.reshape(-1)]
            else:
                entry['values'] = arr.reshape(-1).tolist()
        out[key] = entry
    return out


def data_files(prefix):
    return sorted(os.path.basename(p) for p in glob.glob(prefix + '.data-*'))


def graph_facts(graph_def):
    ops = Counter(n.op for n in graph_def.node)
    return {
        'node_count': len(graph_def.node),
        'ops': dict(sorted(ops.items())),
        'function_count': len(graph_def.library.function),
        'producer': graph_def.versions.producer,
    }


def saved_model_facts(out):
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(out, 'saved_model.pb'), 'rb') as f:
        sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    sigs = {}
    for key, sig in sorted(mg.signature_def.items()):
        sigs[key] = {
            'method_name': sig.method_name,
            'inputs': {k: {'name': v.name, 'dtype': v.dtype, 'shape': [d.size for d in v.tensor_shape.dim]}
                       for k, v in sorted(sig.inputs.items())},
            'outputs': {k: {'name': v.name, 'dtype': v.dtype, 'shape': [d.size for d in v.tensor_shape.dim]}
                        for k, v in sorted(sig.outputs.items())},
        }
    og = mg.object_graph_def
    kinds = Counter(n.WhichOneof('kind') for n in og.nodes)
    variables = {n.variable.name: {'dtype': n.variable.dtype, 'shape': [d.size for d in n.variable.shape.dim]}
                 for n in og.nodes if n.WhichOneof('kind') == 'variable'}
    return {
        'schema_version': sm.saved_model_schema_version,
        'meta_graph_count': len(sm.meta_graphs),
        'tags': list(mg.meta_info_def.tags),
        'tensorflow_version': mg.meta_info_def.tensorflow_version,
        'graph': graph_facts(mg.graph_def),
        'function_names': sorted(f.signature.name for f in mg.graph_def.library.function),
        'signatures': sigs,
        'object_graph': {'node_count': len(og.nodes), 'kinds': dict(sorted(kinds.items())),
                         'concrete_function_count': len(og.concrete_functions), 'variables': variables},
        'saver_restore_op': mg.saver_def.restore_op_name,
    }


def write_frozen(module, out):
    frozen = convert_variables_to_constants_v2(module.serve.get_concrete_function())
    gd = frozen.graph.as_graph_def()
    with open(out, 'wb') as f:
        f.write(gd.SerializeToString())
    # The same graph in protobuf's JSON mapping, as TF.js writes modelTopology: the two must decode alike.
    from google.protobuf import json_format
    with open(out.replace('.pb', '.json'), 'w') as f:
        json.dump(json_format.MessageToDict(gd), f, indent=None, separators=(',', ':'))
        f.write('\n')
    consts = {}
    for n in gd.node:
        if n.op == 'Const':
            arr = tf.make_ndarray(n.attr['value'].tensor)
            consts[n.name] = {'dtype': n.attr['dtype'].type, 'shape': list(arr.shape), 'values': arr.reshape(-1).tolist()}
    facts = graph_facts(gd)
    facts['inputs'] = [t.name for t in frozen.inputs]
    facts['outputs'] = [t.name for t in frozen.outputs]
    facts['consts'] = consts
    return facts


def load_tfjs_converter():
    # tensorflowjs 4.22 imports tensorflow_decision_forests and jax at module level although the SavedModel
    # path never uses them; stand-ins keep us from installing both (tensorflow and keras load first, so
    # neither sees the fake jax).
    import keras  # noqa: F401
    import tf_keras  # noqa: F401
    for name in ['tensorflow_decision_forests', 'jax', 'jax.experimental']:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules['jax.experimental'].jax2tf = None
    from tensorflowjs import read_weights
    from tensorflowjs.converters import tf_saved_model_conversion_v2
    return tf_saved_model_conversion_v2, read_weights


def write_tfjs(converter, read_weights, saved_model, out, quantization=None):
    shutil.rmtree(out, ignore_errors=True)
    # 40-byte shards: the weights of one group span several files, so readers must concatenate them.
    converter.convert_tf_saved_model(saved_model, out, quantization_dtype_map=quantization, weight_shard_size_bytes=40)
    with open(os.path.join(out, 'model.json')) as f:
        model = json.load(f)
    weights = {}
    for group in read_weights.read_weights(model['weightsManifest'], out):
        for w in group:
            arr = np.asarray(w['data'])
            values = [bytes(v).decode('utf-8') for v in arr.reshape(-1)] if arr.dtype == object else arr.reshape(-1).tolist()
            weights[w['name']] = {'dtype': str(arr.dtype), 'shape': list(arr.shape), 'values': values}
    topology = model['modelTopology']
    return {
        'format': model.get('format'),
        'node_count': len(topology['node']),
        'ops': dict(sorted(Counter(n['op'] for n in topology['node']).items())),
        'function_count': len(topology.get('library', {}).get('function', [])),
        'shard_files': [p for g in model['weightsManifest'] for p in g['paths']],
        'signature_inputs': sorted(model['signature'].get('inputs', {})),
        'signature_outputs': sorted(model['signature'].get('outputs', {})),
        'weights': weights,
    }


PROTO_MODULES = [
    'tensorflow.core.framework.types_pb2', 'tensorflow.core.framework.tensor_shape_pb2',
    'tensorflow.core.framework.resource_handle_pb2', 'tensorflow.core.framework.tensor_pb2',
    'tensorflow.core.framework.attr_value_pb2', 'tensorflow.core.framework.full_type_pb2',
    'tensorflow.core.framework.node_def_pb2', 'tensorflow.core.framework.op_def_pb2',
    'tensorflow.core.framework.function_pb2', 'tensorflow.core.framework.versions_pb2',
    'tensorflow.core.framework.graph_pb2', 'tensorflow.core.framework.graph_debug_info_pb2',
    'tensorflow.core.framework.tensor_slice_pb2', 'tensorflow.core.framework.variable_pb2',
    'tensorflow.core.protobuf.saved_model_pb2', 'tensorflow.core.protobuf.meta_graph_pb2',
    'tensorflow.core.protobuf.saver_pb2', 'tensorflow.core.protobuf.struct_pb2',
    'tensorflow.core.protobuf.saved_object_graph_pb2', 'tensorflow.core.protobuf.trackable_object_graph_pb2',
    'tensorflow.core.protobuf.tensor_bundle_pb2',
]


def proto_fields():
    """{message full name: {field name: [number, type, repeated]}} and {enum: {name: number}} from TF's descriptors."""
    import importlib
    from google.protobuf import descriptor as D
    type_names = {v: k[5:].lower() for k, v in vars(D.FieldDescriptor).items() if k.startswith('TYPE_')}
    messages, enums = {}, {}

    def visit(m):
        fields = {}
        for f in m.fields:
            t = f.message_type.full_name if f.message_type else f.enum_type.full_name if f.enum_type else type_names[f.type]
            repeated = f.is_repeated if hasattr(f, 'is_repeated') else f.label == D.FieldDescriptor.LABEL_REPEATED
            fields[f.name] = [f.number, t, bool(repeated)]
        messages[m.full_name] = fields
        for n in m.nested_types:
            visit(n)
        for e in m.enum_types:
            enums[e.full_name] = {v.name: v.number for v in e.values}

    for name in PROTO_MODULES:
        fd = importlib.import_module(name).DESCRIPTOR
        for e in fd.enum_types_by_name.values():
            enums[e.full_name] = {v.name: v.number for v in e.values}
        for m in fd.message_types_by_name.values():
            visit(m)
    return {'messages': dict(sorted(messages.items())), 'enums': dict(sorted(enums.items()))}


def main():
    module = Tiny()
    sm_dir = os.path.join(HERE, 'saved_model')
    write_saved_model(module, sm_dir)
    prefix = os.path.join(sm_dir, 'variables', 'variables')
    converter, read_weights = load_tfjs_converter()
    expected = {
        'tensorflow_version': tf.__version__,
        'saved_model': saved_model_facts(sm_dir),
        'checkpoint': checkpoint_facts(prefix),
        'data_files': data_files(prefix),
        'frozen': write_frozen(module, os.path.join(HERE, 'frozen.pb')),
        'tfjs': {
            'tfjs': write_tfjs(converter, read_weights, sm_dir, os.path.join(HERE, 'tfjs')),
            'tfjs_uint8': write_tfjs(converter, read_weights, sm_dir, os.path.join(HERE, 'tfjs_uint8'), {'uint8': True}),
            'tfjs_float16': write_tfjs(converter, read_weights, sm_dir, os.path.join(HERE, 'tfjs_float16'), {'float16': True}),
        },
    }
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')
    with open(os.path.join(HERE, 'tf-proto-fields.json'), 'w') as f:
        json.dump(proto_fields(), f, indent=None, separators=(',', ':'), sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
