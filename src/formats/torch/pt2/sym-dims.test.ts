import { describe, expect, it } from 'vitest';
import { dimSymbols, parseSymExpr, symbolRanges, symIntHint, symIntToDim, tensorDims } from './sym-dims.js';
import { testdataProgram } from './testing.js';
import type { ExportedProgram } from './types.js';

const S0 = "Symbol('s0', positive=True, integer=True)";
const S1 = "Symbol('s1', positive=True, integer=True)";

describe('parseSymExpr', () => {
  // Left: sympy.srepr(e) as torch 2.13 writes it; right: str(e), the readable form we keep.
  it.each([
    [S0, 's0'],
    [`Mul(Integer(2), ${S0})`, '2*s0'],
    [`Add(${S0}, Integer(1))`, 's0 + 1'],
    [`Add(${S0}, Integer(-1))`, 's0 - 1'],
    [`Mul(${S0}, ${S1})`, 's0*s1'],
    [`FloorDiv(${S0}, Integer(2))`, '(s0//2)'],
    [`Mod(${S0}, Integer(3))`, 'Mod(s0, 3)'],
    [`Max(${S0}, ${S1})`, 'Max(s0, s1)'],
    [`Pow(${S0}, Integer(2))`, 's0**2'],
    [`Mul(Rational(1, 2), ${S0})`, 's0/2'],
    [`Add(Mul(Integer(2), ${S0}), Mul(Integer(3), ${S1}), Integer(-4))`, '2*s0 + 3*s1 - 4'],
    [`Mul(Integer(-1), ${S0})`, '-s0'],
    [`Mul(Integer(2), Add(${S0}, Integer(1)))`, '2*(s0 + 1)'],
    [`StrictLessThan(${S0}, Integer(5))`, 's0 < 5'],
    [`Mul(${S0}, Pow(${S1}, Integer(-1)))`, 's0/s1'],
    [`FloorDiv(Add(${S0}, Integer(1)), Integer(2))`, '((s0 + 1)//2)'],
    [`Min(${S0}, Mul(Integer(2), ${S1}))`, 'Min(s0, 2*s1)'],
    [`GreaterThan(${S0}, Integer(2))`, 's0 >= 2'],
  ])('%s -> %s', (srepr, text) => {
    expect(parseSymExpr(srepr).text).toBe(text);
  });

  it('keeps the symbols an expression mentions', () => {
    expect(parseSymExpr(`Add(Mul(Integer(2), ${S0}), ${S1}, ${S0})`).symbols).toEqual(['s0', 's1']);
  });

  it('turns a constant into a number', () => {
    expect(parseSymExpr('Integer(5)')).toEqual({ text: '5', value: 5, symbols: [] });
  });

  it("passes older files' str() forms through", () => {
    expect(parseSymExpr('s0')).toEqual({ text: 's0', symbols: ['s0'] });
    expect(parseSymExpr('2*s0 + s1')).toEqual({ text: '2*s0 + s1', symbols: ['s0', 's1'] });
    expect(parseSymExpr('Max(s0, 2)').text).toBe('Max(s0, 2)');
    expect(parseSymExpr('(s0//2)')).toEqual({ text: '(s0//2)', symbols: ['s0'] });
  });
});

describe('symbolic dims of a program with a dynamic batch (Dim min=2 max=64) and an unbounded dim', () => {
  const p = testdataProgram('dynamic-batch') as unknown as ExportedProgram;
  const tv = p.graph_module.graph.tensor_values;

  it('names symbols as range_constraints does and keeps expressions', () => {
    expect(tensorDims(tv.x!)).toEqual(['s77', 2, 3]);
    expect(tensorDims(tv.z!)).toEqual([3, 's32']);
    expect(tensorDims(tv.cat!)).toEqual(['2*s77', 3]);
    expect(dimSymbols('2*s77')).toEqual(['s77']);
    expect(dimSymbols(3)).toEqual([]);
  });

  it('exposes range_constraints per symbol, null as unbounded', () => {
    const r = symbolRanges(p);
    expect(r.get('s77')).toEqual({ min: 2, max: 64 });
    expect(r.get('s32')).toEqual({ min: 0, max: undefined });
    for (const d of [...tensorDims(tv.x!), ...tensorDims(tv.z!), ...tensorDims(tv.cat!)]) {
      for (const s of dimSymbols(d)) expect(r.has(s), s).toBe(true);
    }
  });

  it('reads hints and sym_int_values', () => {
    expect(symIntHint(tv.x!.sizes[0]!)).toBe(4);
    expect(symIntHint(tv.cat!.sizes[0]!)).toBe(8);
    expect(symIntHint(tv.x!.sizes[1]!)).toBe(2);
    const s = p.graph_module.graph.sym_int_values.sym_size_int_1!;
    expect(symIntToDim(s)).toBe('s77');
  });

  it('has no symbols in a static program', () => {
    const q = testdataProgram('mlp') as unknown as ExportedProgram;
    expect(symbolRanges(q).size).toBe(0);
    for (const meta of Object.values(q.graph_module.graph.tensor_values)) {
      expect(tensorDims(meta).every((d) => typeof d === 'number')).toBe(true);
    }
  });
});
