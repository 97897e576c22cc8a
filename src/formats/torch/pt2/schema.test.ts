import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../ir/errors.js';
import { testdataArchive, testdataModels, testdataProgram } from './testing.js';
import { validatePayloadConfig, validateProgram } from './validate.js';

const ENTRY = 'models/model.json';

/** The FormatError a mutated program gets, or a failure if it validates. */
function rejection(program: unknown): FormatError {
  try {
    validateProgram(program, ENTRY, 'm.pt2');
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected the program to be rejected');
}

/** Tests mutate parsed JSON freely; `any` keeps the mutations short. */
type Json = Record<string, any>;
const graphOf = (p: Json): Json => p.graph_module.graph as Json;

describe('pt2 program schema on programs torch 2.13 wrote', () => {
  const models = testdataModels();

  it('has the generated programs', () => {
    expect(models).toEqual(expect.arrayContaining(['mlp', 'cnn-bn', 'lstm', 'transformer-encoder', 'dynamic-batch']));
    expect(models.length).toBeGreaterThanOrEqual(10);
  });

  it.each(models)('%s: program and payload configs validate', (model) => {
    const archive = testdataArchive(model);
    const p = validateProgram(archive.json(ENTRY), ENTRY);
    expect(p.schema_version).toEqual({ major: 8, minor: 20 });
    expect(p.torch_version).toMatch(/^2\.13\./);
    for (const entry of ['data/weights/model_weights_config.json', 'data/constants/model_constants_config.json']) {
      validatePayloadConfig(archive.json(entry), entry);
    }
  });
});

describe('pt2 program schema rejects what torch would not write', () => {
  it('a missing graph_module', () => {
    const p: Json = testdataProgram('mlp');
    delete p.graph_module;
    const e = rejection(p);
    expect(e.message).toContain('m.pt2, models/model.json');
    expect(e.message).toContain('$: missing "graph_module"');
  });

  it('a node whose inputs is not a list', () => {
    const p: Json = testdataProgram('mlp');
    graphOf(p).nodes[1].inputs = { name: 'x' };
    expect(rejection(p).message).toContain('$.graph_module.graph.nodes[1].inputs: must be array');
  });

  it('an Argument with two keys, naming both', () => {
    const p: Json = testdataProgram('mlp');
    graphOf(p).nodes[0].inputs[0].arg = { as_tensor: { name: 'x' }, as_int: 3 };
    expect(rejection(p).message).toContain(
      '$.graph_module.graph.nodes[0].inputs[0].arg: a union must have exactly one key (got as_tensor, as_int)',
    );
  });

  it('an empty Argument and a key that is no argument kind', () => {
    const p: Json = testdataProgram('mlp');
    graphOf(p).outputs[0] = {};
    graphOf(p).inputs[0] = { tensor: { name: 'x' } };
    const m = rejection(p).message;
    expect(m).toContain('$.graph_module.graph.outputs[0]: a union must have exactly one key (got none)');
    expect(m).toContain('$.graph_module.graph.inputs[0].tensor: not an argument kind (expected as_<kind>)');
  });

  it('a float that is neither a number nor a non-finite marker', () => {
    const p: Json = testdataProgram('multi-output');
    const node = (graphOf(p).nodes as Json[]).find((n) => n.target === 'torch.ops.aten.masked_fill.Scalar');
    expect(node?.inputs[2].arg).toEqual({ as_float: '-Infinity' }); // what torch writes for -inf
    node!.inputs[2].arg = { as_float: 'inf' };
    expect(rejection(p).message).toMatch(/nodes\[\d+\]\.inputs\[2\]\.arg\.as_float: must be a number or one of Infinity/);
  });

  it('an unknown InputSpec variant, a symbolic size without expr_str, a bad range constraint', () => {
    const p: Json = testdataProgram('dynamic-batch');
    p.graph_module.signature.input_specs[0] = { lifted_thing: { arg: { name: 'p' } } };
    graphOf(p).tensor_values.x.sizes[0] = { as_expr: { hint: { as_int: 4 } } };
    p.range_constraints.s77.max_val = 'big';
    const m = rejection(p).message;
    expect(m).toContain('$.graph_module.signature.input_specs[0]: unknown key "lifted_thing"');
    expect(m).toContain('$.graph_module.graph.tensor_values.x.sizes[0].as_expr: missing "expr_str"');
    expect(m).toContain('$.range_constraints.s77.max_val: must be integer,null');
  });

  it('lists the first five problems and counts the rest', () => {
    const p: Json = testdataProgram('transformer-encoder');
    for (const n of graphOf(p).nodes as Json[]) n.target = 7;
    const m = rejection(p).message;
    expect(m.split('\n').filter((l) => l.includes('.target: must be string'))).toHaveLength(5);
    expect(m).toMatch(/\.\.\. and \d+ more$/);
  });

  it('keys outside JSON identifiers are quoted in the path', () => {
    const p: Json = testdataProgram('mlp');
    graphOf(p).tensor_values['odd name'] = { dtype: 7 };
    expect(rejection(p).message).toContain('$.graph_module.graph.tensor_values["odd name"]: missing "sizes"');
  });

  it('a payload config entry without use_pickle', () => {
    const archive = testdataArchive('mlp');
    const entry = 'data/weights/model_weights_config.json';
    const c = archive.json(entry) as Json;
    delete c.config['fc1.weight'].use_pickle;
    expect(() => validatePayloadConfig(c, entry)).toThrow(/\$\.config\["fc1\.weight"\]: missing "use_pickle"/);
  });
});

describe('pt2 program schema leaves room where torch grows', () => {
  it('accepts unknown fields on dataclasses and an unknown as_* Argument variant', () => {
    const p: Json = testdataProgram('mlp');
    p.some_future_field = [1, 2];
    graphOf(p).nodes[0].future_node_field = { x: 1 };
    graphOf(p).nodes[0].inputs[0].arg = { as_future_kind: { anything: true } };
    expect(() => validateProgram(p, ENTRY)).not.toThrow();
  });

  it('accepts programs written before optional fields existed', () => {
    const p: Json = testdataProgram('mlp');
    for (const k of ['verifiers', 'torch_version', 'guards_code']) delete p[k];
    for (const n of graphOf(p).nodes as Json[]) {
      delete n.name;
      delete n.is_hop_single_tensor_return;
      for (const i of n.inputs as Json[]) delete i.kind;
    }
    delete graphOf(p).sym_float_values;
    delete p.graph_module.treespec_namedtuple_fields;
    expect(() => validateProgram(p, ENTRY)).not.toThrow();
  });
});
