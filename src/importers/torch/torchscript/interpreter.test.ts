/**
 * The interpreter on code of our own, run against the mlp fixture's real pickles and weights (its root
 * class rewritten; see test-archives.ts): constant control flow, inlining, argument encoding, unpacking,
 * outputs, in-place ops, and a clear error for each construct it cannot or will not run.
 */
import { describe, expect, it } from 'vitest';
import { AttributeType } from '../../../ir/attribute.js';
import { DataType } from '../../../ir/dtype.js';
import { BridgeError, FormatError, UnsupportedOpsError } from '../../../ir/errors.js';
import type { Model } from '../../../ir/model.js';
import type { Node } from '../../../ir/node.js';
import { ArrayTensor, StringTensor } from '../../../ir/tensor.js';
import type { Value } from '../../../ir/value.js';
import { importBytes, mlpWith, opList } from './test-archives.js';

const SIG = `  def forward(self: __torch__.nets_vision.Mlp,
    x: Tensor) -> Tensor:`;
const FILE = 'code/__torch__/nets_vision.py';
/** Line of the first statement of forward's body in mlpWith's class. */
const BODY_LINE = 12;

async function run(body: string, extra?: Record<string, string>, sig = SIG): Promise<Model> {
  return importBytes(await mlpWith(`${sig}\n${body}`, extra));
}

async function failure(body: string, extra?: Record<string, string>, sig = SIG): Promise<BridgeError> {
  try {
    await run(body, extra, sig);
  } catch (e) {
    if (e instanceof BridgeError) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}

function node(m: Model, op: string, k = 0): Node {
  const found = [...m.graph].filter((n) => `${n.domain}::${n.opType}` === op)[k];
  if (found === undefined) throw new Error(`no ${op} #${k}`);
  return found;
}

function constant(v: Value | null): ArrayTensor | StringTensor {
  const t = v?.producer?.attrTensor('value');
  if (!(t instanceof ArrayTensor || t instanceof StringTensor)) throw new Error(`${v?.name} is not a Constant`);
  return t;
}

describe('TorchScript interpreter', () => {
  it('runs if, for range() and while with constant conditions at import time', async () => {
    const m = await run(`    fc2 = self.fc2
    h = (self.fc1).forward(x, )
    for i in range(3):
      if torch.eq(torch.remainder(i, 2), 0):
        h = torch.relu(h)
      else:
        h = (fc2).forward(h, )
    k = 0
    while torch.lt(k, 2):
      h = torch.tanh(h)
      k = torch.add(k, 1)
    if self.training:
      h = torch.neg(h)
    return h`);
    expect(opList(m)).toEqual(['aten::linear', 'aten::relu', 'aten::linear', 'aten::relu', 'aten::tanh', 'aten::tanh']);
    // Submodule tensors are named by their path, once however often the module runs; fc3 never does.
    expect([...m.graph.initializers.keys()].sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    expect(node(m, 'aten::linear', 1).name).toBe('fc2/linear');
  });

  it('refuses control flow that depends on the inputs, naming the line', async () => {
    const e = await failure(`    if torch.gt(torch.size(x, 0), 1):
      y = torch.relu(x)
    else:
      y = x
    return y`);
    expect(e).toBeInstanceOf(UnsupportedOpsError);
    expect((e as UnsupportedOpsError).ops).toEqual([{ op: expect.stringMatching(/^prim::If \(the condition torch\.gt/), count: 1, exampleNode: `${FILE} line ${BODY_LINE}` }]);
    expect(e.message).toMatch(/^test\.pt: 1 unsupported op/);
    const loop = await failure(`    for i in range(torch.size(x, 0)):
      x = torch.relu(x)
    return x`);
    expect((loop as UnsupportedOpsError).ops[0]?.op).toMatch(/^prim::Loop/);
  });

  it('names the file, the code entry and the line of an unknown name, function, attribute or method', async () => {
    const cases: [string, RegExp][] = [
      ['    return torch.relu(y)', /name "y" is not defined/],
      ['    return math.sqrt(x)', /unknown function math\.sqrt/],
      ['    w = self.nope\n    return x', /has no attribute "nope"/],
      ['    return (self.fc1).backward(x, )', /has no method backward/],
      ['    return frobnicate(x)', /unknown function frobnicate\(\)/],
    ];
    for (const [body, want] of cases) {
      const e = await failure(body);
      expect(e, body).toBeInstanceOf(FormatError);
      expect(e.message, body).toMatch(want);
      expect(e.message, body).toContain(`test.pt, ${FILE} line ${BODY_LINE}: `);
    }
  });

  it('refuses ops outside aten and prim, and constructs it does not interpret, as unsupported', async () => {
    const nms = await failure('    return ops.torchvision.nms(x, x, 0.5)');
    expect((nms as UnsupportedOpsError).ops[0]?.op).toBe('torchvision::nms');
    const builtin = await failure('    return isinstance(x, Tensor)');
    expect((builtin as UnsupportedOpsError).ops[0]?.op).toBe('the builtin isinstance()');
    const raise = await failure('    ops.prim.RaiseException("boom")\n    return x');
    expect((raise as UnsupportedOpsError).ops[0]?.op).toMatch(/RaiseException.*boom/);
  });

  it('gives a call assigned to N targets N outputs, and unpacks a list used whole through prim::ListUnpack', async () => {
    const m = await run(`    q, k, = torch.chunk(x, 2, 1)
    _0 = torch.split(x, 8, 1)
    a, b, = _0
    _1 = torch.cat(_0, 1)
    return torch.add(torch.add(q, k), torch.add(torch.add(a, b), _1))`);
    expect(node(m, 'aten::chunk').outputs.map((v) => v.name)).toEqual(['q', 'k']);
    const split = node(m, 'aten::split');
    expect(split.outputs).toHaveLength(1);
    const unpack = node(m, 'prim::ListUnpack');
    expect(unpack.input(0)).toBe(split.output(0));
    expect(unpack.outputs.map((v) => v.name)).toEqual(['a', 'b']);
    expect(node(m, 'aten::cat').input(0)).toBe(split.output(0));
  });

  it('encodes arguments as Note [source node arguments] says', async () => {
    const m = await run(`    _0 = torch.gelu(x, approximate="tanh")
    _1 = torch.mul(_0, 2.)
    _2 = torch.view(_1, [int(torch.size(x, 0)), -1])
    _3 = torch.max_pool1d(_2, [2], annotate(List[int], []), [0], [1])
    _4 = torch.stack([_0, _1], 0)
    _5 = torch.index(x, annotate(List[Optional[Tensor]], [None, x]))
    _6 = torch.add(_4, x.size(1))
    return (_3, _5, _6)`);
    const gelu = node(m, 'aten::gelu');
    expect(gelu.attr('kwarg_names')).toEqual({ name: 'kwarg_names', type: AttributeType.STRINGS, value: ['approximate'] });
    expect((constant(gelu.input(1)) as StringTensor).texts()).toEqual(['tanh']);
    const two = constant(node(m, 'aten::mul').input(1)) as ArrayTensor;
    expect([two.dtype, [...two.data]]).toEqual([DataType.DOUBLE, [2]]);
    const dims = node(m, 'aten::view').input(1)!.producer!;
    expect(`${dims.domain}::${dims.opType}`).toBe('prim::ListConstruct');
    expect(dims.input(0)?.producer?.opType).toBe('Int');
    expect([...(constant(dims.input(1)) as ArrayTensor).data]).toEqual([-1n]);
    const stride = constant(node(m, 'aten::max_pool1d').input(2)) as ArrayTensor;
    expect([stride.dtype, stride.dims]).toEqual([DataType.INT64, [0]]);
    expect(node(m, 'aten::stack').input(0)?.producer?.inputs).toEqual([gelu.output(0), node(m, 'aten::mul').output(0)]);
    expect(node(m, 'aten::index').input(1)?.producer?.inputs).toEqual([null, m.graph.inputs[0]]);
    const size = node(m, 'aten::size', 1);
    expect(size.input(0)).toBe(m.graph.inputs[0]);
    expect([...(constant(size.input(1)) as ArrayTensor).data]).toEqual([1n]);
  });

  it('inlines scripted free functions with default arguments, and getattr on modules', async () => {
    const helpers = { 'code/__torch__/helpers.py': 'def twice(x: Tensor,\n    scale: float=2.) -> Tensor:\n  return torch.mul(x, scale)\n' };
    const m = await run('    fc1 = getattr(self, "fc1")\n    return __torch__.helpers.twice((fc1).forward(x, ), scale=3.)', helpers);
    expect(opList(m)).toEqual(['aten::linear', 'aten::mul']);
    expect([...(constant(node(m, 'aten::mul').input(1)) as ArrayTensor).data]).toEqual([3]);
  });

  it('stops runaway recursion', async () => {
    const e = await failure(`    return (self).again(x, )
  def again(self: __torch__.nets_vision.Mlp,
    x: Tensor) -> Tensor:
    return (self).again(x, )`);
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/nest more than 200 deep/);
  });

  it('returns tuples as several outputs and dicts as outputs named by key; an input returned is copied', async () => {
    const m = await run(
      `    a, b, = (self).pair(x, )
    out = torch.tanh(a)
    return {"out": b, "t": out, "same": x}
  def pair(self: __torch__.nets_vision.Mlp,
    x: Tensor) -> Tuple[Tensor, Tensor]:
    return (torch.relu(x), torch.neg(x))`,
      undefined,
      SIG.replace('-> Tensor', '-> Dict[str, Tensor]'),
    );
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['out', 't', 'same']);
    expect(m.graph.outputs.map((v) => v.producer?.opType)).toEqual(['neg', 'tanh', 'Identity']);
    expect(m.graph.outputs[2]!.producer!.input(0)).toBe(m.graph.inputs[0]);
  });

  it('sends reads after an in-place op to its result, and refuses reads made stale by a write into a view', async () => {
    const m = await run(`    h = (self.fc1).forward(x, )
    _0 = torch.relu_(h)
    _1 = torch.add(h, h)
    s = torch.slice(_1, 1, 0, 4)
    _2 = torch.sigmoid_(s)
    return (_2, s)`);
    const relu = node(m, 'aten::relu_').output(0);
    expect(node(m, 'aten::add').inputs).toEqual([relu, relu]);
    const sig = node(m, 'aten::sigmoid_').output(0);
    expect(m.graph.outputs[0]).toBe(sig);
    expect(m.graph.outputs[1]!.producer!.input(0)).toBe(sig);
    const e = await failure('    s = torch.slice(x, 1, 0, 4)\n    _0 = torch.relu_(s)\n    return torch.add(x, _0)');
    expect((e as UnsupportedOpsError).ops[0]?.op).toBe('aten::relu_ (an in-place write into a view of "x", which is read afterwards)');
  });

  it('binds forward arguments that are not tensors to their defaults, and refuses those without one', async () => {
    const sig = '  def forward(self: __torch__.nets_vision.Mlp,\n    x: Tensor,\n    n: int=2) -> Tensor:';
    const m = await run('    return torch.mul(x, n)', undefined, sig);
    expect(m.graph.inputs.map((v) => v.name)).toEqual(['x']);
    expect([...(constant(node(m, 'aten::mul').input(1)) as ArrayTensor).data]).toEqual([2n]);
    const e = await failure('    return torch.mul(x, n)', undefined, sig.replace('=2', ''));
    expect((e as UnsupportedOpsError).ops[0]?.op).toMatch(/^a forward input of type int \(n\)/);
  });

  it('reports bad code as a syntax error naming the archive and the code entry', async () => {
    const e = await failure('    return torch.relu(x');
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(new RegExp(`^test\\.pt, ${FILE}: line \\d+, column \\d+: `));
  });
});
