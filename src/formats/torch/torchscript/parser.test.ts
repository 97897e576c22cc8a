import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../ir/errors.js';
import type { AssignStmt, CallExpr, ClassDef, Expr, FunctionDef, IfStmt, Stmt } from './ast.js';
import { dottedName, typeToString } from './ast.js';
import { parseTorchScript } from './parser.js';
import { formatExpr } from './print.js';
import { TorchScriptSyntaxError } from './syntax-error.js';

const F = 'traced/code/__torch__.py';
const parse = (src: string): Stmt[] => parseTorchScript(src, F).body;
const first = (src: string): Stmt => parse(src)[0] as Stmt;
function expr(src: string): Expr {
  const s = first(`${src}\n`);
  if (s.kind !== 'expr') throw new Error(`not an expression statement: ${s.kind}`);
  return s.value;
}
/** Fully parenthesized form, to pin precedence and associativity. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${sexpr(e.left)} ${e.op} ${sexpr(e.right)})`;
    case 'unary':
      return `(${e.op} ${sexpr(e.operand)})`;
    case 'boolop':
      return `(${e.values.map(sexpr).join(` ${e.op} `)})`;
    case 'compare':
      return `(${[sexpr(e.left), ...e.ops.map((o, i) => `${o} ${sexpr(e.comparators[i] as Expr)}`)].join(' ')})`;
    case 'ifexp':
      return `(${sexpr(e.body)} if ${sexpr(e.test)} else ${sexpr(e.orelse)})`;
    default:
      return formatExpr(e);
  }
}
function syntaxError(src: string): TorchScriptSyntaxError {
  try {
    parseTorchScript(src, F);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as TorchScriptSyntaxError;
  }
  throw new Error(`no error for ${JSON.stringify(src)}`);
}

// From a real trace of nn.Conv2d (torch 2.13), testdata/conv_bn_relu/__torch__/torch/nn/modules/conv.py.
const CONV = `class Conv2d(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Tensor
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.torch.nn.modules.conv.Conv2d,
    x: Tensor) -> Tensor:
    bias = self.bias
    weight = self.weight
    input = torch._convolution(x, weight, bias, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, True)
    return input
`;

describe('parseTorchScript: classes and defs', () => {
  it('parses a traced module class: header lists, typed attributes, forward', () => {
    const cls = first(CONV) as ClassDef;
    expect([cls.kind, cls.name, cls.bases]).toEqual(['class', 'Conv2d', ['Module']]);
    const params = cls.body[0] as AssignStmt;
    expect(params.targets.map(formatExpr)).toEqual(['__parameters__']);
    expect(formatExpr(params.value)).toBe('["weight", "bias"]');
    const anns = cls.body.filter((s) => s.kind === 'annassign');
    expect(anns.map((s) => `${formatExpr(s.target)}:${typeToString(s.annotation)}`)).toEqual([
      'weight:Tensor', 'bias:Tensor', 'training:bool', '_is_full_backward_hook:Optional[bool]',
    ]);
    const fwd = cls.body[cls.body.length - 1] as FunctionDef;
    expect(fwd.params.map((p) => `${p.name}:${p.annotation ? typeToString(p.annotation) : ''}`)).toEqual([
      'self:__torch__.torch.nn.modules.conv.Conv2d', 'x:Tensor',
    ]);
    expect(fwd.returns && typeToString(fwd.returns)).toBe('Tensor');
    const conv = (fwd.body[2] as AssignStmt).value as CallExpr;
    expect([dottedName(conv.func), conv.args.length]).toEqual(['torch._convolution', 13]);
    expect(fwd.body[3]).toMatchObject({ kind: 'return', value: { kind: 'name', id: 'input' } });
    expect(fwd.loc).toEqual({ file: F, line: 8, column: 3 });
    expect(conv.args[12]?.loc).toEqual({ file: F, line: 12, column: 111 });
  });

  it('parses defaults, composite types, Final constants and __annotations__ entries', () => {
    const src = `class S(Module):
  __annotations__["0"] = __torch__.torch.nn.modules.linear.___torch_mangle_21.Linear
  in_features : Final[int] = 4
  def forward(self: __torch__.S,
    x: Tensor,
    steps: int=3,
    opt: Optional[Tensor]=None,
    d: Dict[str, List[Tuple[Tensor, int]]]={}) -> Tuple[()]:
    return ()
`;
    const cls = first(src) as ClassDef;
    expect(formatExpr((cls.body[0] as AssignStmt).targets[0] as Expr)).toBe('__annotations__["0"]');
    expect(cls.body[1]).toMatchObject({ kind: 'annassign', annotation: { name: 'Final' }, value: { kind: 'int', value: 4 } });
    const fwd = cls.body[2] as FunctionDef;
    expect(fwd.params.map((p) => [p.name, p.annotation && typeToString(p.annotation), p.default && formatExpr(p.default)])).toEqual([
      ['self', '__torch__.S', undefined], ['x', 'Tensor', undefined], ['steps', 'int', '3'],
      ['opt', 'Optional[Tensor]', 'None'], ['d', 'Dict[str, List[Tuple[Tensor, int]]]', '{}'],
    ]);
    expect(fwd.returns).toMatchObject({ name: 'Tuple', args: [] });
  });

  it('parses module-level imports, op_version_set and plain / one-line classes', () => {
    const body = parse(`op_version_set = 1
import __torch__.torch.nn.modules.conv
from typing import List, Tuple as T
class ModIface(ModuleInterface):
  def forward(self, x: Tensor) -> Tensor:
    pass
class E(Enum): RED = 1; GREEN = 2
`);
    expect(body.map((s) => s.kind)).toEqual(['assign', 'import', 'from', 'class', 'class']);
    expect(body[1]).toMatchObject({ names: [{ name: '__torch__.torch.nn.modules.conv' }] });
    expect(body[2]).toMatchObject({ module: 'typing', level: 0, names: [{ name: 'List' }, { name: 'Tuple', asname: 'T' }] });
    expect((body[4] as ClassDef).body.map((s) => formatExpr((s as AssignStmt).value))).toEqual(['1', '2']);
  });
});

describe('parseTorchScript: statements', () => {
  it('parses tuple unpacking with and without a trailing comma', () => {
    const a = first('q, k, v, = _0\n') as AssignStmt;
    expect(a.targets[0]).toMatchObject({ kind: 'tuple', elts: [{ id: 'q' }, { id: 'k' }, { id: 'v' }] });
    const b = first('_7, x4, k = _8, x5, k0\n') as AssignStmt;
    expect([a.targets.length, b.targets[0]?.kind, b.value.kind]).toEqual([1, 'tuple', 'tuple']);
    const c = first('_6, = _5\n') as AssignStmt;
    expect(c.targets[0]).toMatchObject({ kind: 'tuple', elts: [{ id: '_6' }] });
  });

  it('parses submodule calls with trailing commas, getattr, keyword arguments', () => {
    const call = expr('(relu).forward((bn).forward((conv).forward(x, ), ), )') as CallExpr;
    expect(formatExpr(call)).toBe('relu.forward(bn.forward(conv.forward(x)))');
    expect(call.args).toHaveLength(1);
    expect(formatExpr(expr('getattr(self, "1")'))).toBe('getattr(self, "1")');
    const zeros = expr('torch.zeros([2, _0, 6], dtype=6, layout=None, device=torch.device("cpu"), pin_memory=False)') as CallExpr;
    expect(zeros.args).toHaveLength(1);
    expect(zeros.keywords.map((k) => `${k.name}=${formatExpr(k.value)}`)).toEqual([
      'dtype=6', 'layout=None', 'device=torch.device("cpu")', 'pin_memory=False',
    ]);
    expect(dottedName((expr('ops.prim.NumToTensor(torch.size(x, 0))') as CallExpr).func)).toBe('ops.prim.NumToTensor');
    expect(expr('CONSTANTS.c0')).toMatchObject({ kind: 'attribute', attr: 'c0', value: { kind: 'name', id: 'CONSTANTS' } });
  });

  it('parses type arguments of annotate, unchecked_cast, uninitialized and isinstance', () => {
    expect(expr('annotate(List[int], [])')).toMatchObject({
      args: [{ kind: 'typearg', type: { name: 'List', args: [{ name: 'int' }] } }, { kind: 'list', elts: [] }],
    });
    expect(expr('uninitialized(Tensor)')).toMatchObject({ args: [{ kind: 'typearg', type: { name: 'Tensor' } }] });
    expect(expr('unchecked_cast(Optional[Tensor], opt)')).toMatchObject({ args: [{ kind: 'typearg' }, { kind: 'name' }] });
    expect(expr('isinstance(x, Tensor)')).toMatchObject({ args: [{ kind: 'name' }, { kind: 'typearg' }] });
  });

  it('parses if/elif/else, for, while, with, pass, assert, raise, augmented assignment', () => {
    const body = parse(`for i in range(steps):
  if torch.eq(i, 0):
    pass
  elif i == 1:
    x = -x
  else:
    break
while _7:
  k += 1
  continue
with _3 as g, _4:
  x3 = torch.mul(x2, 2)
assert x.dim() == 2, "need 2-d"
raise RuntimeError("too big") from e
raise
return
`);
    expect(body.map((s) => s.kind)).toEqual(['for', 'while', 'with', 'assert', 'raise', 'raise', 'return']);
    const loop = body[0] as Extract<Stmt, { kind: 'for' }>;
    expect([formatExpr(loop.target), formatExpr(loop.iter)]).toEqual(['i', 'range(steps)']);
    const branch = loop.body[0] as IfStmt;
    expect(branch.orelse).toHaveLength(1);
    expect(branch.orelse[0]).toMatchObject({ kind: 'if', elif: true, orelse: [{ kind: 'break' }] });
    expect(body[1]).toMatchObject({ body: [{ kind: 'augassign', op: '+' }, { kind: 'continue' }] });
    expect(body[2]).toMatchObject({ items: [{ target: { id: 'g' } }, { context: { id: '_4' } }] });
    expect(body[3]).toMatchObject({ msg: { kind: 'string', value: 'need 2-d' } });
    expect(body[4]).toMatchObject({ exc: { kind: 'call' }, cause: { id: 'e' } });
    expect(body[5]).toEqual({ kind: 'raise', loc: { file: F, line: 15, column: 1 } });
  });

  it('parses a for loop over a tuple target', () => {
    expect(first('for a, b in pairs:\n  pass\n')).toMatchObject({ target: { kind: 'tuple', elts: [{ id: 'a' }, { id: 'b' }] } });
  });
});

describe('parseTorchScript: expressions', () => {
  it('follows Python precedence and associativity', () => {
    const cases: [string, string][] = [
      ['a + b * c - d', '((a + (b * c)) - d)'],
      ['a ** b ** c', '(a ** (b ** c))'],
      ['-a ** 2', '(- (a ** 2))'],
      ['2 ** -x', '(2 ** (- x))'],
      ['a | b ^ c & d << 1 + 2', '(a | (b ^ (c & (d << (1 + 2)))))'],
      ['a // b % c @ d / e', '((((a // b) % c) @ d) / e)'],
      ['not a == b', '(not (a == b))'],
      ['a or b and not c', '(a or (b and (not c)))'],
      ['a < b <= c is not None', '(a < b <= c is not None)'],
      ['x not in y', '(x not in y)'],
      ['a if b else c if d else e', '(a if b else (c if d else e))'],
      ['~a + -b', '((~ a) + (- b))'],
    ];
    for (const [src, want] of cases) expect(sexpr(expr(src)), src).toBe(want);
  });

  it('keeps literal values exact, folding a minus into number literals', () => {
    expect(expr('9223372036854775807')).toMatchObject({ kind: 'int', value: 9223372036854775807n });
    expect(expr('-9223372036854775808')).toMatchObject({ kind: 'int', value: -9223372036854775808n });
    expect(expr('-1')).toMatchObject({ kind: 'int', value: -1 });
    expect(expr('0.10000000000000001')).toMatchObject({ kind: 'float', value: 0.1, raw: '0.10000000000000001' });
    expect(expr('2.')).toMatchObject({ kind: 'float', value: 2, raw: '2.' });
    expect(expr('-inf')).toMatchObject({ kind: 'float', value: -Infinity, raw: '-inf' });
    expect(expr('inf')).toMatchObject({ kind: 'float', value: Infinity });
    expect(Number.isNaN((expr('nan') as { value: number }).value)).toBe(true);
    expect(expr('"a" \'b\'')).toMatchObject({ kind: 'string', value: 'ab' });
    expect(expr('None')).toMatchObject({ kind: 'none' });
    expect(expr('False')).toMatchObject({ kind: 'bool', value: false });
  });

  it('parses subscripts, slices, tuples, lists and dicts', () => {
    expect(formatExpr(expr('y[0:1, -1:]'))).toBe('y[0:1, -1:]');
    expect(expr('x[::2]')).toMatchObject({ index: { kind: 'slice', step: { value: 2 } } });
    expect(expr('x[::2]')).not.toHaveProperty('index.lower.kind');
    expect(formatExpr(expr('x[None, ..., 1:2:1]'))).toBe('x[None, ..., 1:2:1]');
    expect(expr('(t)[0]')).toMatchObject({ kind: 'subscript', value: { id: 't' }, index: { value: 0 } });
    expect(expr('(x3,)')).toMatchObject({ kind: 'tuple', elts: [{ id: 'x3' }] });
    expect(expr('()')).toMatchObject({ kind: 'tuple', elts: [] });
    expect(expr('[hx, hx0, ]')).toMatchObject({ kind: 'list', elts: [{ id: 'hx' }, { id: 'hx0' }] });
    const d = expr('{"out": _0, "mx": _1, "idx": _2}');
    expect(d).toMatchObject({ kind: 'dict', keys: [{ value: 'out' }, { value: 'mx' }, { value: 'idx' }] });
    expect(formatExpr(expr('__torch__.Acc.__new__(__torch__.Acc)'))).toBe('__torch__.Acc.__new__(__torch__.Acc)');
  });
});

describe('parseTorchScript: syntax errors', () => {
  const cases: [string, string][] = [
    ['x = torch.add(a, b\n', "line 1, column 14: '(' was never closed"],
    ['x = torch.add(a, b c)\n', "line 1, column 20: expected ')' to close the arguments of the call opened at line 1, column 14, found name 'c'"],
    ['def f(x) -> Tensor\n  return x\n', "line 1, column 19: expected ':' after the signature of 'f', found end of line"],
    ['x = \n', 'line 1, column 5: expected an expression, found end of line'],
    ['else:\n  pass\n', "line 1, column 1: 'else' without a matching 'if'"],
    ['def if(x):\n  pass\n', "line 1, column 5: expected a name after 'def', found keyword 'if'"],
    ['f(a=1, b)\n', 'line 1, column 8: a positional argument follows keyword arguments'],
    ['x = {a, b}\n', "line 1, column 7: expected ':' after a dict key (set literals are not supported), found ','"],
    ['x = [i for i in y]\n', 'line 1, column 8: list comprehensions are not supported'],
    ['f(x) = 1\n', 'line 1, column 1: cannot assign to a function call'],
    ['x = 1\n  y = 2\n', 'line 2, column 3: unexpected indent'],
    ['try:\n  pass\n', "line 1, column 1: 'try' is not supported in TorchScript code"],
    ['class A(Module):\nx = 1\n', "line 2, column 1: expected an indented block, found name 'x'"],
    ['x : List[int = 3]\n', "line 1, column 14: expected ']' to close the arguments of type 'List', found '='"],
    ['a, b : int\n', 'line 1, column 1: an annotated assignment needs a single target'],
    ['x = a b\n', 'line 1, column 7: expected the end of the statement, found name \'b\''],
  ];
  it('reports nesting too deep for the stack as a syntax error, not a RangeError', () => {
    const ok = `x = ${'f('.repeat(200)}y${')'.repeat(200)}\n`;
    expect(parse(ok)).toHaveLength(1);
    const e = syntaxError(`x = ${'f('.repeat(20000)}y${')'.repeat(20000)}\n`);
    expect(e.detail).toMatch(/^line 1, column \d+: expressions or blocks nested too deeply to parse$/);
  });

  for (const [src, message] of cases) {
    it(JSON.stringify(src), () => {
      const e = syntaxError(src);
      expect(e.message).toBe(`${F}: ${message}`);
      expect(e.file).toBe(F);
    });
  }
});
