import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, i64, infer, t, T } from './test-helpers.js';

const F = DataType.FLOAT;

describe('MatMul and Gemm', () => {
  const mm = (a: (number | string | null)[], b: (number | string | null)[]) => infer('MatMul', { opset: 13, inputs: [t(F, a), t(F, b)] })[0];
  it('follows numpy.matmul for 1-D operands and batch broadcasting', () => {
    expect(mm([3], [3])).toEqual(T(F, []));
    expect(mm([2, 3, 4], [4])).toEqual(T(F, [2, 3]));
    expect(mm([4], [2, 4, 5])).toEqual(T(F, [2, 5]));
    expect(mm(['N', 1, 3, 4], [5, 4, 6])).toEqual(T(F, ['N', 5, 3, 6]));
  });
  it('fails when the inner dims differ', () => {
    expect(() => mm([2, 3], [4, 5])).toThrow(/inner dims differ.*3 vs 4/);
  });
  it('MatMulInteger gives int32, QLinearMatMul the type of y_zero_point', () => {
    const u8 = DataType.UINT8;
    expect(infer('MatMulInteger', { opset: 10, inputs: [t(u8, [2, 3]), t(DataType.INT8, [3, 4])] })[0]).toEqual(T(DataType.INT32, [2, 4]));
    const q = infer('QLinearMatMul', { opset: 21, inputs: [t(u8, [2, 3]), t(F, []), t(u8, []), t(u8, [3, 4]), t(F, []), t(u8, []), t(F, []), t(DataType.INT8, [])] });
    expect(q[0]).toEqual(T(DataType.INT8, [2, 4]));
  });
  it('Gemm transposes and checks C broadcasting', () => {
    const a = t(F, [4, 'M']);
    const b = t(F, [5, 4]);
    const ta = [attr.int('transA', 1), attr.int('transB', 1)];
    expect(infer('Gemm', { opset: 13, inputs: [a, b], attributes: ta })[0]).toEqual(T(F, ['M', 5]));
    expect(infer('Gemm', { opset: 13, inputs: [t(F, [null, 4]), t(F, [4, null]), t(F, [3, 5])] })[0]).toEqual(T(F, [3, 5]));
    expect(infer('Gemm', { opset: 13, inputs: [a, b, t(F, [2, 5])], attributes: ta })[0]).toEqual(T(F, [2, 5]));
    expect(() => infer('Gemm', { opset: 13, inputs: [t(F, [4, 3]), b, t(F, [2, 5])], attributes: ta })).toThrow(/does not broadcast/);
    expect(() => infer('Gemm', { opset: 13, inputs: [t(F, [3, 4]), b] })).toThrow(/inner dims differ.*\(4 vs 5\)/);
    expect(() => infer('Gemm', { opset: 13, inputs: [t(F, [2, 3, 4]), b] })).toThrow(/A must be 2-D/);
  });
});

describe('Einsum', () => {
  const es = (eq: string, ...shapes: (number | string | null)[][]) =>
    infer('Einsum', { opset: 12, inputs: shapes.map((s) => t(F, s)), attributes: [attr.string('equation', eq)] })[0];
  it('explicit and implicit outputs (implicit: letters seen once, in order)', () => {
    expect(es('ij,jk->ik', [2, 3], [3, 4])).toEqual(T(F, [2, 4]));
    expect(es('ij,jk', [2, 3], [3, 4])).toEqual(T(F, [2, 4]));
    expect(es('ba', [2, 3])).toEqual(T(F, [3, 2]));
    expect(es('i,i', [5], [5])).toEqual(T(F, []));
    expect(es('ii->i', ['N', 'N'])).toEqual(T(F, ['N']));
  });
  it('ellipsis dims broadcast and lead the implicit output', () => {
    expect(es('...ii->...i', ['B', 3, 3])).toEqual(T(F, ['B', 3]));
    expect(es('...ij,...jk', [2, 1, 3, 4], [5, 4, 6])).toEqual(T(F, [2, 5, 3, 6]));
    expect(es('b i j, b j k -> b i k', ['B', 2, 3], ['B', 3, 4])).toEqual(T(F, ['B', 2, 4]));
  });
  it('fails on a wrong term count, rank or label size', () => {
    expect(() => es('ij,jk->ik', [2, 3])).toThrow(/2 input terms but the node has 1 inputs/);
    expect(() => es('ij->i', [2, 3, 4])).toThrow(/names 2 dims but input 0 is \[2,3,4\]/);
    expect(() => es('ij,jk', [2, 3], [4, 5])).toThrow(/label 'j' has sizes 3 and 4/);
    expect(() => es('ij->k', [2, 3])).toThrow(/output label 'k' does not occur/);
  });
});

describe('quantization', () => {
  const x = t(F, ['N', 4, 6]);
  it('QuantizeLinear: zero point type, else output_dtype (21+), else uint8', () => {
    expect(infer('QuantizeLinear', { opset: 13, inputs: [x, t(F, [])] })[0]).toEqual(T(DataType.UINT8, ['N', 4, 6]));
    expect(infer('QuantizeLinear', { opset: 19, inputs: [x, t(F, []), t(DataType.FLOAT8E4M3FN, [])] })[0]).toEqual(T(DataType.FLOAT8E4M3FN, ['N', 4, 6]));
    expect(infer('QuantizeLinear', { opset: 21, inputs: [x, t(F, [])], attributes: [attr.int('output_dtype', DataType.INT4)] })[0]).toEqual(T(DataType.INT4, ['N', 4, 6]));
    expect(() => infer('QuantizeLinear', { opset: 21, inputs: [x, t(F, []), t(DataType.INT8, [])], attributes: [attr.int('output_dtype', DataType.UINT8)] })).toThrow(
      /output_dtype UINT8 differs from y_zero_point's type INT8/,
    );
  });
  it('checks per-axis and blocked scale shapes', () => {
    expect(infer('QuantizeLinear', { opset: 13, inputs: [x, t(F, [4])] })[0]).toEqual(T(DataType.UINT8, ['N', 4, 6]));
    expect(() => infer('QuantizeLinear', { opset: 13, inputs: [x, t(F, [5])] })).toThrow(/per-axis scale length 5 must equal input dim 4 along axis 1/);
    const blocked = [attr.int('axis', 2), attr.int('block_size', 4)];
    expect(infer('DequantizeLinear', { opset: 21, inputs: [t(DataType.INT8, ['N', 4, 6]), t(F, ['N', 4, 2])], attributes: blocked })[0]).toEqual(T(F, ['N', 4, 6]));
    expect(() => infer('DequantizeLinear', { opset: 21, inputs: [t(DataType.INT8, ['N', 4, 6]), t(F, ['N', 4, 3])], attributes: blocked })).toThrow(/ceil\(6 \/ block_size 4\) = 2/);
  });
  it("DequantizeLinear: float before 19, then the scale's type, then output_dtype (23+)", () => {
    const q = t(DataType.INT8, [4]);
    const h = t(DataType.FLOAT16, []);
    expect(infer('DequantizeLinear', { opset: 13, inputs: [q, t(F, [])] })[0]).toEqual(T(F, [4]));
    expect(infer('DequantizeLinear', { opset: 19, inputs: [q, h] })[0]).toEqual(T(DataType.FLOAT16, [4]));
    expect(infer('DequantizeLinear', { opset: 23, inputs: [q, h], attributes: [attr.int('output_dtype', DataType.FLOAT)] })[0]).toEqual(T(F, [4]));
    expect(() => infer('DequantizeLinear', { opset: 24, inputs: [q, t(DataType.FLOAT8E8M0, [])] })).toThrow(/FLOAT8E8M0.*not one of/);
  });
  it('DynamicQuantizeLinear: y like x, scalar scale and zero point', () => {
    const out = infer('DynamicQuantizeLinear', { opset: 11, inputs: [x], outputCount: 3 });
    expect(out).toEqual([T(DataType.UINT8, ['N', 4, 6]), T(F, []), T(DataType.UINT8, [])]);
  });
});

describe('grids', () => {
  it('GridSample: [N, C] then the grid spatial dims; 5-D only from opset 20', () => {
    expect(infer('GridSample', { opset: 16, inputs: [t(F, ['N', 3, 'H', 'W']), t(F, ['N', 7, 9, 2])] })[0]).toEqual(T(F, ['N', 3, 7, 9]));
    const x5 = t(F, [1, 3, 4, 4, 4]);
    const g5 = t(F, [1, 2, 2, 2, 3]);
    expect(infer('GridSample', { opset: 20, inputs: [x5, g5] })[0]).toEqual(T(F, [1, 3, 2, 2, 2]));
    expect(() => infer('GridSample', { opset: 16, inputs: [x5, g5] })).toThrow(/4-D before opset 20/);
    expect(() => infer('GridSample', { opset: 20, inputs: [t(F, [1, 3, 4, 4]), t(F, [1, 2, 2, 3])] })).toThrow(/grid's last dim/);
  });
  it('AffineGrid: [N, H, W, 2] from a constant size, else unknown spatial dims', () => {
    const theta = t(F, ['N', 2, 3]);
    expect(infer('AffineGrid', { opset: 20, inputs: [theta, i64([2, 3, 5, 6])] })[0]).toEqual(T(F, [2, 5, 6, 2]));
    expect(infer('AffineGrid', { opset: 20, inputs: [t(F, ['N', 3, 4]), t(DataType.INT64, [5])] })[0]).toEqual(T(F, ['N', null, null, null, 3]));
    expect(() => infer('AffineGrid', { opset: 20, inputs: [theta, i64([2, 3, 4, 5, 6])] })).toThrow(/size length vs theta/);
  });
});
