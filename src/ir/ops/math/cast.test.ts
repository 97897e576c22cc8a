import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType } from '../../dtype.js';
import { inferSingleNode } from '../../infer/testing.js';
import { tensorType } from '../../types.js';

describe('Cast-1', () => {
  it('reads `to` as a type name string', () => {
    const out = inferSingleNode({
      opType: 'Cast',
      opset: 1,
      inputs: [{ type: tensorType(DataType.INT32, [2, 'N']) }],
      attributes: [attr.string('to', 'FLOAT')],
    });
    expect(out.outputs[0]).toEqual(tensorType(DataType.FLOAT, [2, 'N']));
  });
});
