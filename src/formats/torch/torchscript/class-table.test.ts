import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../ir/errors.js';
import { loadTorchScriptCode, qualifierOf, submoduleNames } from './class-table.js';

const load = (files: Record<string, string>) => loadTorchScriptCode(new Map(Object.entries(files)));
function loadError(files: Record<string, string>): FormatError {
  try {
    load(files);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('no error');
}

const BLK = `class Blk(Module):
  __parameters__ = ["weight", ]
  __buffers__ = ["scale", ]
  weight : Tensor
  scale : Tensor
  training : bool
  def forward(self: __torch__.a.Blk,
    x: Tensor) -> Tensor:
    return torch.mul(x, self.weight)
`;
const ROOT = `class Root(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  first : __torch__.a.Blk
  __annotations__["0"] = __torch__.a.Blk
  def forward(self: __torch__.Root,
    x: Tensor) -> Tensor:
    _0 = getattr(self, "0")
    return (_0).forward((self.first).forward(x, ), )
def helper(x: Tensor) -> Tensor:
  return x
`;

describe('qualifierOf', () => {
  it('maps code entries to qualifiers, with or without the top folder, and ignores the rest', () => {
    expect(qualifierOf('traced/code/__torch__.py')).toBe('__torch__');
    expect(qualifierOf('code/__torch__/torch/nn/modules/conv.py')).toBe('__torch__.torch.nn.modules.conv');
    expect(qualifierOf('archive/code/__torch__/torch/nn/modules/linear/___torch_mangle_20.py')).toBe(
      '__torch__.torch.nn.modules.linear.___torch_mangle_20',
    );
    expect(qualifierOf('traced/code/__torch__.py.debug_pkl')).toBeUndefined();
    expect(qualifierOf('traced/data.pkl')).toBeUndefined();
    expect(qualifierOf('traced/extra/code/x.py')).toBeUndefined();
  });
});

describe('loadTorchScriptCode', () => {
  it('builds the class table: parameters, buffers, attributes, submodules, methods, functions', () => {
    const code = load({ 'm/code/__torch__.py': ROOT, 'm/code/__torch__/a.py': BLK, 'm/data.pkl': 'not code' });
    expect([...code.classes.keys()]).toEqual(['__torch__.Root', '__torch__.a.Blk']);
    const blk = code.classes.get('__torch__.a.Blk');
    expect([blk?.parameters, blk?.buffers, [...(blk?.attributes.keys() ?? [])]]).toEqual([
      ['weight'], ['scale'], ['weight', 'scale', 'training'],
    ]);
    const root = code.classes.get('__torch__.Root');
    expect(root && submoduleNames(code, root)).toEqual(['first', '0']);
    expect([...(root?.methods.keys() ?? [])]).toEqual(['forward']);
    expect(code.functions.get('__torch__.helper')?.file).toBe('m/code/__torch__.py');
    expect([...code.files.keys()]).toEqual(['m/code/__torch__.py', 'm/code/__torch__/a.py']);
  });

  it('records op_version_set and imports of old archives', () => {
    const code = load({ 'code/__torch__/a.py': `op_version_set = 1\nimport __torch__.b\nfrom typing import List\n${BLK}` });
    const file = code.files.get('code/__torch__/a.py');
    expect([file?.opVersionSet, file?.imports.map((s) => s.kind)]).toEqual([1, ['import', 'from']]);
  });

  it('names the entry, line and column of a syntax error', () => {
    const e = loadError({ 'm/code/__torch__.py': ROOT, 'm/code/__torch__/a.py': BLK.replace('torch.mul(x, ', 'torch.mul(x ') });
    expect(e.message).toBe("m/code/__torch__/a.py: line 9, column 24: expected ')' to close the arguments of the call opened at line 9, column 21, found name 'self'");
  });

  it('rejects what the printer never writes', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'code/__torch__.py': 'x = 1\n' }, "code/__torch__.py: line 1, column 1: unexpected 'assign' statement at the top level"],
      [{ 'code/__torch__.py': 'op_version_set = "1"\n' }, 'line 1, column 18: op_version_set must be an integer'],
      [{ 'code/__torch__.py': 'class A(Module):\n  __parameters__ = ["w", 1]\n  w : Tensor\n' }, 'line 2, column 26: __parameters__ must be a list of strings'],
      [{ 'code/__torch__.py': 'class A(Module):\n  __buffers__ = "w"\n' }, 'line 2, column 17: __buffers__ must be a list of strings'],
      [{ 'code/__torch__.py': 'class A(Module):\n  __parameters__ = ["w", ]\n' }, "line 1, column 1: __torch__.A lists 'w' as a parameter or buffer but declares no attribute 'w'"],
      [{ 'code/__torch__.py': 'class A(Module):\n  if x:\n    pass\n' }, "line 2, column 3: unexpected 'if' statement in the body of class __torch__.A"],
      [{ 'code/__torch__.py': 'class A(Module):\n  self.x = 1\n' }, 'line 2, column 3: unexpected assignment in the body of class __torch__.A'],
      [{ 'code/__torch__.py': 'class A(Module):\n  __annotations__["0"] = f(x)\n' }, 'line 2, column 26: expected a type'],
      [{ 'code/__torch__.py': 'class A:\n  def f(self: __torch__.A) -> int:\n    return 1\n  def f(self: __torch__.A) -> int:\n    return 2\n' }, 'line 4, column 3: method f of __torch__.A is defined twice'],
      [{ 'code/__torch__/a.py': BLK.replace('self: __torch__.a.Blk', 'self: __torch__.b.Blk') }, 'line 7, column 21: method forward takes __torch__.b.Blk as self, but its file defines __torch__.a.Blk'],
      [{ 'code/__torch__.py': 'def f() -> int:\n  return 1\ndef f() -> int:\n  return 2\n' }, 'line 3, column 1: function __torch__.f is also defined in code/__torch__.py'],
    ];
    for (const [files, message] of cases) expect(loadError(files).message).toContain(message);
  });

  it('rejects one class defined twice under the same qualified name', () => {
    const e = loadError({ 'a/code/__torch__/a.py': BLK, 'code/__torch__/a.py': BLK });
    expect(e.message).toBe('code/__torch__/a.py: line 1, column 1: class __torch__.a.Blk is also defined in a/code/__torch__/a.py');
  });

  it('reads types written as values, including Tuple[()]', () => {
    const code = load({ 'code/__torch__.py': 'class A(Module):\n  __annotations__["0"] = Dict[str, Tuple[()]]\n  __annotations__["1"] = None\n' });
    const attrs = code.classes.get('__torch__.A')?.attributes;
    expect(attrs?.get('0')).toMatchObject({ name: 'Dict', args: [{ name: 'str' }, { name: 'Tuple', args: [] }] });
    expect(attrs?.get('1')).toMatchObject({ name: 'None' });
  });
});
