/**
 * Parses the code of real archives written by torch 2.13.0 (testdata/<case>/, made by testdata/extract.py)
 * and checks the class table and the shape of each forward.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dottedName, typeToString, type CallExpr, type Expr, type ForStmt, type IfStmt, type Stmt, type TorchScriptCode } from './index.js';
import { loadTorchScriptCode, submoduleNames } from './class-table.js';
import { parseTorchScript } from './parser.js';
import { formatStmts } from './print.js';
import { caseEntries, stmtShape, withoutLoc } from './test-helpers.js';

const DIR = fileURLToPath(new URL('./testdata', import.meta.url));
const CASES = readdirSync(DIR).filter((d) => statSync(`${DIR}/${d}`).isDirectory()).sort();
const load = (name: string): TorchScriptCode => loadTorchScriptCode(caseEntries(`${DIR}/${name}`, name));

function forward(code: TorchScriptCode, cls: string, method = 'forward'): Stmt[] {
  const c = code.classes.get(cls);
  if (c === undefined) throw new Error(`no class ${cls}; have ${[...code.classes.keys()].join(', ')}`);
  const m = c.methods.get(method);
  if (m === undefined) throw new Error(`no method ${method} in ${cls}`);
  return m.body;
}
const shapes = (body: Stmt[]): string[] => body.map(stmtShape);
function callAt(body: Stmt[], i: number): CallExpr {
  const s = body[i];
  const v = s?.kind === 'assign' || s?.kind === 'return' || s?.kind === 'expr' ? s.value : undefined;
  if (v?.kind !== 'call') throw new Error(`statement ${i} has no call`);
  return v;
}

describe('testdata: every extracted file', () => {
  it('has the expected cases', () => {
    expect(CASES).toEqual([
      'chunk_unpack', 'conv_bn_relu', 'dict_return', 'lstm', 'scripted', 'scripted_classes', 'scripted_misc', 'transformer_encoder',
    ]);
  });

  for (const name of CASES) {
    it(`${name}: loads, and printing then re-parsing every file gives the same AST`, () => {
      const entries = caseEntries(`${DIR}/${name}`, name);
      const code = loadTorchScriptCode(entries);
      expect(code.files.size).toBe(entries.size);
      for (const [entry, file] of code.files) {
        const again = parseTorchScript(formatStmts(file.ast.body), entry);
        expect(withoutLoc(again.body), entry).toBe(withoutLoc(file.ast.body));
      }
      // Every module-typed attribute names a class of the archive.
      for (const cls of code.classes.values()) {
        for (const t of cls.attributes.values()) {
          if (t.name.startsWith('__torch__.')) expect(code.classes.has(t.name), `${cls.qualifiedName}: ${t.name}`).toBe(true);
        }
      }
    });
  }
});

describe('testdata: traced modules', () => {
  it('conv_bn_relu: classes, parameter and buffer lists, nested submodule calls', () => {
    const code = load('conv_bn_relu');
    expect([...code.classes.keys()].sort()).toEqual([
      '__torch__.ConvBnRelu', '__torch__.torch.nn.modules.activation.ReLU',
      '__torch__.torch.nn.modules.batchnorm.BatchNorm2d', '__torch__.torch.nn.modules.conv.Conv2d',
    ]);
    const root = code.classes.get('__torch__.ConvBnRelu');
    expect(root && submoduleNames(code, root)).toEqual(['conv', 'bn', 'relu']);
    expect(root && typeToString(root.attributes.get('_is_full_backward_hook') as never)).toBe('Optional[bool]');
    const bn = code.classes.get('__torch__.torch.nn.modules.batchnorm.BatchNorm2d');
    expect([bn?.parameters, bn?.buffers]).toEqual([['weight', 'bias'], ['running_mean', 'running_var', 'num_batches_tracked']]);
    expect(shapes(forward(code, '__torch__.ConvBnRelu'))).toEqual([
      'relu = self.relu', 'bn = self.bn', 'conv = self.conv', '_0 = relu.forward/1', 'return _0',
    ]);
    const bnBody = forward(code, '__torch__.torch.nn.modules.batchnorm.BatchNorm2d');
    const call = callAt(bnBody, 4);
    expect([dottedName(call.func), call.args.length]).toEqual(['torch.batch_norm', 9]);
    expect(call.args.slice(5)).toMatchObject([
      { kind: 'bool', value: false }, { kind: 'float', value: 0.1, raw: '0.10000000000000001' },
      { kind: 'float', value: 1e-5, raw: '1.0000000000000001e-05' }, { kind: 'bool', value: true },
    ]);
    const conv = callAt(forward(code, '__torch__.torch.nn.modules.conv.Conv2d'), 2);
    expect([dottedName(conv.func), conv.args.length]).toEqual(['torch._convolution', 13]);
  });

  it('lstm: weights list, NumToTensor, keyword arguments, three-way unpacking', () => {
    const code = load('lstm');
    const lstm = code.classes.get('__torch__.torch.nn.modules.rnn.LSTM');
    expect(lstm?.parameters).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
    ]);
    expect(shapes(forward(code, '__torch__.torch.nn.modules.rnn.LSTM')).slice(8)).toEqual([
      'max_batch_size = ops.prim.NumToTensor/1',
      '_0 = int/1',
      'hx = torch.zeros/1+dtype,layout,device,pin_memory',
      'hx0 = torch.zeros/1+dtype,layout,device,pin_memory',
      '_1 = [hx, hx0]',
      '_2 = [weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1]',
      '_3, _4, _5 = torch.lstm/9',
      'return (_3, _4, _5)',
    ]);
    expect(shapes(forward(code, '__torch__.Lstm'))).toEqual(['lstm = self.lstm', '_0, _1, _2 = lstm.forward/1', 'return (_0, _1, _2)']);
  });

  it('transformer_encoder: fused fast-path op, classes without methods, two classes in one file', () => {
    const code = load('transformer_encoder');
    const layer = '__torch__.torch.nn.modules.transformer.TransformerEncoderLayer';
    const body = forward(code, layer);
    const fused = callAt(body, body.length - 2);
    expect([dottedName(fused.func), fused.args.length]).toEqual(['torch._transformer_encoder_layer_fwd', 18]);
    expect(fused.args[9]).toMatchObject({ kind: 'float', value: 1e-5 });
    expect(stmtShape(body[0] as Stmt)).toBe('linear2 = self.linear2');
    expect(stmtShape(body[1] as Stmt)).toBe('bias = linear2.bias');
    const lin = code.files.get('transformer_encoder/code/__torch__/torch/nn/modules/linear.py');
    expect(lin?.ast.body.map((s) => (s.kind === 'class' ? s.name : s.kind))).toEqual(['NonDynamicallyQuantizableLinear', 'Linear']);
    expect(code.classes.get('__torch__.torch.nn.modules.activation.MultiheadAttention')?.methods.size).toBe(0);
    expect(submoduleNames(code, code.classes.get(layer) as never)).toEqual([
      'self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2',
    ]);
  });

  it('chunk_unpack: trailing-comma unpacking, CONSTANTS, int64-max slices, Sequential with numeric names', () => {
    const code = load('chunk_unpack');
    const body = forward(code, '__torch__.ChunkUnpack');
    expect(shapes(body)).toEqual([
      'blocks = self.blocks', 'qkv = self.qkv', '_0 = torch.chunk/3', 'q, k, v = _0', '_1 = torch.matmul/2',
      'att = torch.softmax/2', 'input = torch.matmul/2', 'n = ops.prim.NumToTensor/1', '_2 = int/1',
      '_3 = torch.slice/4', '_4 = torch.slice/4', '_5 = torch.slice/5', '_6 = torch.mul/2', 'return torch.add/2',
    ]);
    expect(callAt(body, 2).args.slice(1)).toMatchObject([{ kind: 'int', value: 3 }, { kind: 'int', value: -1 }]);
    expect(callAt(body, 11).args.slice(1)).toMatchObject([
      { value: 2 }, { value: 0 }, { kind: 'int', value: 9223372036854775807n }, { value: 2 },
    ]);
    expect(callAt(body, 12).args[1]).toMatchObject({ kind: 'attribute', attr: 'c1', value: { id: 'CONSTANTS' } });
    const seq = code.classes.get('__torch__.torch.nn.modules.container.Sequential');
    expect(seq && submoduleNames(code, seq)).toEqual(['0', '1', '2']);
    expect(seq?.attributes.get('0')?.name).toBe('__torch__.torch.nn.modules.linear.___torch_mangle_21.Linear');
    expect(shapes(forward(code, '__torch__.torch.nn.modules.container.Sequential'))).toEqual([
      '_2 = getattr/2', '_1 = getattr/2', '_0 = getattr/2', '_3 = _1.forward/1', 'return _2.forward/1',
    ]);
  });

  it('dict_return: max unpacking and a dict return', () => {
    const code = load('dict_return');
    const body = forward(code, '__torch__.DictReturn');
    expect(shapes(body)).toEqual(['fc = self.fc', '_0 = fc.forward/1', '_1, _2 = torch.max/2', 'return {"out": _0, "mx": _1, "idx": _2}']);
    expect(body[3]).toMatchObject({ value: { kind: 'dict', keys: [{ value: 'out' }, { value: 'mx' }, { value: 'idx' }] } });
  });
});

describe('testdata: scripted modules', () => {
  it('scripted: loops, branches, while, defaults, Final constants', () => {
    const code = load('scripted');
    const cls = code.classes.get('__torch__.Scripted');
    expect([...(cls?.methods.keys() ?? [])]).toEqual(['forward', 'helper']);
    expect(cls?.attributes.get('names') && typeToString(cls.attributes.get('names') as never)).toBe('List[str]');
    const fwd = cls?.methods.get('forward');
    expect(fwd?.params.map((p) => p.default?.kind ?? '-')).toEqual(['-', '-', 'int', 'none']);
    expect(fwd?.returns && typeToString(fwd.returns)).toBe('Dict[str, Tensor]');
    const body = fwd?.body ?? [];
    expect(body.map((s) => s.kind)).toEqual(['assign', 'assign', 'for', 'if', 'if', 'if', 'assign', 'assign', 'assign', 'assign', 'assign', 'for', 'return']);
    const loop = body[2] as ForStmt;
    expect(stmtShape({ kind: 'expr', value: loop.iter, loc: loop.loc })).toBe('range/1');
    const inner = loop.body[1] as IfStmt;
    expect([inner.body.length, inner.orelse.length, inner.orelse[0]?.kind]).toEqual([2, 2, 'if']);
    expect(shapes((body[4] as IfStmt).orelse)).toEqual(['ops.prim.RaiseException/1']);
    const helper = forward(code, '__torch__.Scripted', 'helper');
    expect(helper.map((s) => s.kind)).toEqual(['if', 'assign', 'assign', 'assign', 'while', 'return']);
    const whileBody = (helper[4] as Extract<Stmt, { kind: 'while' }>).body;
    expect(shapes(whileBody)[3]).toBe('_7, x4, k = (_8, x5, k0)');
    const lin = code.classes.get('__torch__.torch.nn.modules.linear.___torch_mangle_32.Linear');
    expect(lin?.constants.get('in_features')).toMatchObject({ type: { name: 'Final', args: [{ name: 'int' }] }, value: { value: 4 } });
  });

  it('scripted_misc: escapes, inf/nan, int64 min, uninitialized, a free function with float defaults', () => {
    const code = load('scripted_misc');
    const body = forward(code, '__torch__.ScriptedMisc');
    expect(callAt(body, 0).args[0]).toMatchObject({ kind: 'typearg', type: { name: 'Tensor' } });
    const raise = callAt((body[1] as IfStmt).body, 0);
    expect(raise.args.map((a) => (a as Extract<Expr, { kind: 'string' }>).value)).toEqual([
      'it\'s "bad"\n\ttab \\ done \x01', 'builtins.ValueError',
    ]);
    const fn = code.functions.get('__torch__.clampish');
    expect(fn?.node.params.map((p) => p.default)).toMatchObject([undefined, { value: -Infinity, raw: '-inf' }, { value: Infinity }]);
    expect(stmtShape(body[2] as Stmt)).toBe('z = __torch__.clampish/3');
    const sums = shapes(body).slice(-4);
    expect(sums[0]).toBe('_7 = torch.add/2');
    expect(callAt(body, body.length - 4).args[1]).toMatchObject({ kind: 'float', raw: '9.2233720368547758e+18' });
    expect((callAt(body, body.length - 3).args[0] as CallExpr).args[1]).toMatchObject({ kind: 'int', value: -9223372036854775808n });
    const last = body[body.length - 2] as Extract<Stmt, { kind: 'assign' }>;
    expect(last.value).toMatchObject({ kind: 'tuple', elts: [{ kind: 'call' }, { value: "na'me" }, { kind: 'float', raw: 'nan' }] });
  });

  it('scripted_classes: script classes, NamedTuple, Enum, interface, hooks, with, free functions', () => {
    const code = load('scripted_classes');
    const get = (n: string) => code.classes.get(n);
    expect(get('__torch__.Color')?.bases).toEqual(['Enum']);
    expect([...(get('__torch__.Color')?.constants.keys() ?? [])]).toEqual(['RED', 'GREEN']);
    expect([...(get('__torch__.Pt')?.attributes.keys() ?? [])]).toEqual(['a', 'b']);
    const ifaceSelf = get('__torch__.ModIface')?.methods.get('forward')?.params[0];
    expect([ifaceSelf?.name, ifaceSelf?.annotation]).toEqual(['self', undefined]); // interfaces leave self untyped
    expect(get('__torch__.Acc')?.bases).toEqual([]);
    expect(get('__torch__.Twice')?.forwardPreHooks).toEqual(['pre_hook']);
    expect([...code.functions.keys()].sort()).toEqual(['__torch__.Twice.pre_hook', '__torch__.torch.nn.functional.relu']);
    const root = get('__torch__.ScriptedClasses');
    expect(root && submoduleNames(code, root)).toEqual(['mods', 'sub', 'hooked']);
    const body = forward(code, '__torch__.ScriptedClasses');
    expect(shapes(body).filter((s) => s.includes('/'))).toEqual([
      'a = __torch__.Acc.__new__/1', '_0 = a.__init__/1', '_00 = getattr/2', '_1 = getattr/2', 'x0 = _00.forward/1',
      'x1 = _1.forward/1', '_2 = a.add/1', '_3 = __torch__.torch.autograd.grad_mode.no_grad.__new__/1', '_4 = _3.__init__/0',
      '_5 = __torch__.Twice.pre_hook/2', 'x4 = hooked.forward/1', 'return __torch__.Pt/2',
    ]);
    expect(body.find((s) => s.kind === 'with')).toMatchObject({ items: [{ context: { id: '_3' } }], body: [{}, {}] });
    const init = get('__torch__.Acc')?.methods.get('__init__');
    expect(init?.body[0]).toMatchObject({ kind: 'assign', targets: [{ kind: 'attribute', attr: 'n' }] });
  });
});

describe('testdata/extract.py', () => {
  it('is the committed generator of this folder', () => {
    const script = readFileSync(`${DIR}/extract.py`, 'utf8');
    for (const name of CASES) expect(script).toContain(`"${name}"`);
  });
});
