/** MelWeightMatrix against onnxruntime-node: the same one-node model run by both engines. */
import { describe, it } from 'vitest';
import { matchOrt } from '../../../../../test/support/ort-one-node.js';
import { Tensor } from '../../../tensor.js';

const i64 = (v: number): Tensor => new Tensor('int64', BigInt64Array.from([BigInt(v)]), []);
const f32 = (v: number): Tensor => new Tensor('float32', Float32Array.from([v]), []);

describe('MelWeightMatrix', () => {
  it('matches onnxruntime (16 bins, dft 256, 16 kHz)', () => matchOrt('MelWeightMatrix', [i64(16), i64(256), i64(16000), f32(0), f32(8000)], ['float32'], [], '', 17));
  it('matches onnxruntime (8 bins, odd dft 101, narrow band)', () => matchOrt('MelWeightMatrix', [i64(8), i64(101), i64(8000), f32(300), f32(3000)], ['float32'], [], '', 17));
});
