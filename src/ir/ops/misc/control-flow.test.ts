import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { ArrayTensor } from '../../tensor.js';
import type { ValueType } from '../../types.js';
import { body, DataType, infer, k, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const BOOL = DataType.BOOL;

/** A branch with no inputs whose one output is a FLOAT constant of shape `dims`. */
function constBranch(dims: number[], dtype = F) {
  const size = dims.reduce((a, b) => a * b, 1);
  const data = dtype === I64 ? new BigInt64Array(size) : new Float32Array(size);
  return body([], [{ op: 'Constant', inputs: [], outputs: ['c'], attributes: [attr.tensor('value', new ArrayTensor(dtype, dims, data))] }], ['c']);
}

describe('If', () => {
  const cond = t(BOOL, []);
  it('keeps the dims both branches agree on and forgets the others', () => {
    const out = infer('If', {
      opset: 13,
      inputs: [cond],
      attributes: [attr.graph('then_branch', constBranch([2, 3])), attr.graph('else_branch', constBranch([2, 5]))],
    });
    expect(out[0]).toEqual(T(F, [2, null]));
  });
  it('leaves the rank unknown when the branches disagree on it', () => {
    const out = infer('If', {
      opset: 13,
      inputs: [cond],
      attributes: [attr.graph('then_branch', constBranch([2, 3])), attr.graph('else_branch', constBranch([6]))],
    });
    expect(out[0]).toEqual(T(F));
  });
  it('a constant condition picks one branch and leaves the dead one alone', () => {
    const attributes = [attr.graph('then_branch', constBranch([2, 3])), attr.graph('else_branch', constBranch([7], I64))];
    const trueCond = { type: T(BOOL, []), constant: { dtype: BOOL, dims: [], values: [1] } };
    expect(infer('If', { opset: 13, inputs: [trueCond], attributes })[0]).toEqual(T(F, [2, 3]));
    const falseCond = { type: T(BOOL, []), constant: { dtype: BOOL, dims: [], values: [0] } };
    expect(infer('If', { opset: 13, inputs: [falseCond], attributes })[0]).toEqual(T(I64, [7]));
  });
  it('fails when the branches give different element types or output counts', () => {
    const mixed = { opset: 13, inputs: [cond], attributes: [attr.graph('then_branch', constBranch([2])), attr.graph('else_branch', constBranch([2], I64))] };
    expect(() => infer('If', mixed)).toThrow(/element types differ/);
    const two = body([], [], []);
    expect(() => infer('If', { opset: 13, inputs: [cond], attributes: [attr.graph('then_branch', constBranch([2])), attr.graph('else_branch', two)] })).toThrow(
      /then_branch has 1 outputs but else_branch has 0/,
    );
  });
});

/** Loop body: (i, cond, acc) -> (cond, acc op acc, copy of the new acc). `accType` is acc's declared type. */
function loopBody(op: 'Add' | 'Concat', accType: ValueType | null = T(F, [2])) {
  const attributes = op === 'Concat' ? [attr.int('axis', 0)] : [];
  return body(
    [
      ['i', T(I64, [])],
      ['cond_in', T(BOOL, [])],
      ['acc', accType ?? undefined],
    ],
    [
      { op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] },
      { op, inputs: ['acc', 'acc'], outputs: ['next'], attributes },
      { op: 'Identity', inputs: ['next'], outputs: ['scan'] },
    ],
    ['cond_out', 'next', 'scan'],
  );
}

describe('Loop', () => {
  it('stacks scan outputs along a leading dim of M when M is constant and there is no condition', () => {
    const out = infer('Loop', { opset: 13, inputs: [k([5]), null, t(F, [2])], attributes: [attr.graph('body', loopBody('Add'))], outputCount: 2 });
    expect(out).toEqual([T(F, [2]), T(F, [5, 2])]);
  });
  it('leaves the iteration count unknown when a condition may stop the loop early', () => {
    const out = infer('Loop', { opset: 13, inputs: [k([5]), t(BOOL, []), t(F, [2])], attributes: [attr.graph('body', loopBody('Add'))], outputCount: 2 });
    expect(out).toEqual([T(F, [2]), T(F, [null, 2])]);
  });
  it('forgets a state dim the body changes (doubling by Concat: 1, 2, 4, ...)', () => {
    const out = infer('Loop', {
      opset: 13,
      inputs: [k([3]), null, t(F, [1, 'C'])],
      // acc's type is not declared in the body: a declared [1, C] would claim that every iteration sees that.
      attributes: [attr.graph('body', loopBody('Concat', null))],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, [null, 'C']), T(F, [3, null, 'C'])]);
  });
  it('fails when the body has the wrong number of outputs', () => {
    // Two loop-carried values and one scan output: the body must return cond + 2 + 1 values.
    expect(() => infer('Loop', { opset: 13, inputs: [k([5]), null, t(F, [2]), t(F, [2])], attributes: [attr.graph('body', loopBody('Add'))], outputCount: 3 })).toThrow(
      /body has 3 outputs, expected 4/,
    );
  });
});

/** Scan body: (sum, x) -> (sum + x, copy of the new sum). */
function scanBody(stateShape: (number | string)[]) {
  return body(
    [
      ['sum', T(F, stateShape)],
      ['x', T(F, stateShape)],
    ],
    [
      { op: 'Add', inputs: ['sum', 'x'], outputs: ['next'] },
      { op: 'Identity', inputs: ['next'], outputs: ['out'] },
    ],
    ['next', 'out'],
  );
}

describe('Scan', () => {
  it('opset 9+: slices scan inputs along scan_input_axes and stacks outputs along scan_output_axes', () => {
    const out = infer('Scan', {
      opset: 11,
      inputs: [t(F, ['B']), t(F, ['B', 7])],
      attributes: [attr.graph('body', scanBody(['B'])), attr.int('num_scan_inputs', 1), attr.ints('scan_input_axes', [-1]), attr.ints('scan_output_axes', [1])],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, ['B']), T(F, ['B', 7])]);
  });
  it('opset 8: a batch dim leads every state and scan input, and the sequence dim follows it', () => {
    const out = infer('Scan', {
      opset: 8,
      inputs: [null, t(F, [1, 2]), t(F, [1, 3, 2])],
      attributes: [attr.graph('body', scanBody([2])), attr.int('num_scan_inputs', 1)],
      outputCount: 2,
    });
    expect(out).toEqual([T(F, [1, 2]), T(F, [1, 3, 2])]);
  });
  it('fails when scan inputs disagree on the sequence length', () => {
    const b = body(
      [
        ['s', T(F, [2])],
        ['x', T(F, [2])],
        ['y', T(F, [2])],
      ],
      [{ op: 'Identity', inputs: ['s'], outputs: ['o'] }],
      ['o'],
    );
    expect(() =>
      infer('Scan', { opset: 11, inputs: [t(F, [2]), t(F, [3, 2]), t(F, [4, 2])], attributes: [attr.graph('body', b), attr.int('num_scan_inputs', 2)] }),
    ).toThrow(/sequence length of scan input 1: 3 vs 4/);
  });
});

describe('SequenceMap', () => {
  it('maps sequence elements and passes tensors whole, wrapping every body output in a sequence', () => {
    const b = body(
      [
        ['e', T(F, ['N'])],
        ['x', T(F, ['M'])],
      ],
      [
        { op: 'Identity', inputs: ['e'], outputs: ['y0'] },
        { op: 'Identity', inputs: ['x'], outputs: ['y1'] },
      ],
      ['y0', 'y1'],
    );
    const out = infer('SequenceMap', {
      opset: 17,
      inputs: [{ type: { kind: 'sequence', elem: T(F, ['N']) } }, t(F, ['M'])],
      attributes: [attr.graph('body', b)],
      outputCount: 2,
    });
    expect(out).toEqual([
      { kind: 'sequence', elem: T(F, ['N']) },
      { kind: 'sequence', elem: T(F, ['M']) },
    ]);
  });
});
