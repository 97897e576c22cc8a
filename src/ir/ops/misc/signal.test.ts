import { describe, expect, it } from 'vitest';
import { attr } from '../../attribute.js';
import { DataType, infer, k, t, T } from './test-helpers.js';

const F = DataType.FLOAT;
const I32 = DataType.INT32;

describe('DFT', () => {
  it('opset 17: axis attribute (default 1); onesided keeps floor(n/2)+1 bins and the last dim becomes 2', () => {
    expect(infer('DFT', { opset: 17, inputs: [t(F, ['B', 10, 1])], attributes: [attr.int('onesided', 1)] })[0]).toEqual(T(F, ['B', 6, 2]));
    // dft_length 16 replaces the axis length before halving: 16 / 2 + 1 = 9.
    expect(infer('DFT', { opset: 17, inputs: [t(F, ['B', 10, 1]), k([16])], attributes: [attr.int('onesided', 1)] })[0]).toEqual(T(F, ['B', 9, 2]));
  });
  it('opset 20: axis input, default -2 (the last signal axis)', () => {
    expect(infer('DFT', { opset: 20, inputs: [t(F, [1, 10, 10, 1])], attributes: [attr.int('onesided', 1)] })[0]).toEqual(T(F, [1, 10, 6, 2]));
    expect(infer('DFT', { opset: 20, inputs: [t(F, [1, 10, 10, 1]), null, k([1])], attributes: [attr.int('onesided', 1)] })[0]).toEqual(T(F, [1, 6, 10, 2]));
  });
  it('IRFFT (inverse + onesided) rebuilds 2 * (bins - 1) real samples', () => {
    const out = infer('DFT', { opset: 20, inputs: [t(F, [1, 6, 10, 2]), null, k([1])], attributes: [attr.int('onesided', 1), attr.int('inverse', 1)] });
    expect(out[0]).toEqual(T(F, [1, 10, 10, 1]));
  });
  it('an unknown axis only hides the dims a resize could touch', () => {
    const axis = t(DataType.INT64, []);
    expect(infer('DFT', { opset: 20, inputs: [t(F, [1, 'N', 10, 1]), null, axis] })[0]).toEqual(T(F, [1, 'N', 10, 2]));
    expect(infer('DFT', { opset: 20, inputs: [t(F, [1, 'N', 10, 1]), null, axis], attributes: [attr.int('onesided', 1)] })[0]).toEqual(T(F, [null, null, null, 2]));
  });
  it('fails on the complex dim as axis and on a last dim other than 1 or 2', () => {
    expect(() => infer('DFT', { opset: 17, inputs: [t(F, [1, 10, 1])], attributes: [attr.int('axis', 2)] })).toThrow(/axis 2 is out of range for rank 3/);
    expect(() => infer('DFT', { opset: 17, inputs: [t(F, [1, 10, 3])] })).toThrow(/last dim must be 1 \(real\) or 2 \(complex\), got 3/);
    expect(() => infer('DFT', { opset: 17, inputs: [t(F, [1, 10, 2])], attributes: [attr.int('onesided', 1)] })).toThrow(/RFFT\) takes real input/);
  });
});

describe('STFT', () => {
  it('frames = floor((length - frame_length) / step) + 1; onesided bins = frame_length / 2 + 1', () => {
    const signal = t(F, [1, 128, 1]);
    expect(infer('STFT', { opset: 17, inputs: [signal, k([8]), null, k([16])] })[0]).toEqual(T(F, [1, 15, 9, 2]));
    expect(infer('STFT', { opset: 17, inputs: [signal, k([8]), null, k([16])], attributes: [attr.int('onesided', 0)] })[0]).toEqual(T(F, [1, 15, 16, 2]));
  });
  it('takes the frame length from the window shape; an unknown step leaves frames unknown', () => {
    expect(infer('STFT', { opset: 17, inputs: [t(F, ['B', 128, 1]), t(DataType.INT64, []), t(F, [16])] })[0]).toEqual(T(F, ['B', null, 9, 2]));
  });
  it('fails on a frame longer than the signal', () => {
    expect(() => infer('STFT', { opset: 17, inputs: [t(F, [1, 8, 1]), k([1]), null, k([16])] })).toThrow(/frame_length 16 exceeds the signal length 8/);
  });
});

describe('windows and MelWeightMatrix', () => {
  it('a window has `size` samples of output_datatype (FLOAT by default)', () => {
    expect(infer('HannWindow', { opset: 17, inputs: [k([10], [], I32)] })[0]).toEqual(T(F, [10]));
    expect(infer('BlackmanWindow', { opset: 17, inputs: [t(I32, [])], attributes: [attr.int('output_datatype', DataType.DOUBLE)] })[0]).toEqual(
      T(DataType.DOUBLE, [null]),
    );
    expect(() => infer('HammingWindow', { opset: 17, inputs: [k([10])], attributes: [attr.int('output_datatype', DataType.BOOL)] })).toThrow(
      /output_datatype 9 \(BOOL\) is not one of/,
    );
  });
  it('MelWeightMatrix is [floor(dft_length / 2) + 1, num_mel_bins]', () => {
    const out = infer('MelWeightMatrix', { opset: 17, inputs: [k([8], [], I32), k([16], [], I32), k([8192], [], I32), t(F, []), t(F, [])] });
    expect(out[0]).toEqual(T(F, [9, 8]));
  });
});

describe('ImageDecoder', () => {
  it('decodes to uint8 [H, W, C] with C fixed by pixel_format', () => {
    const data = t(DataType.UINT8, [3126]);
    expect(infer('ImageDecoder', { opset: 20, inputs: [data] })[0]).toEqual(T(DataType.UINT8, [null, null, 3]));
    expect(infer('ImageDecoder', { opset: 20, inputs: [data], attributes: [attr.string('pixel_format', 'Grayscale')] })[0]).toEqual(T(DataType.UINT8, [null, null, 1]));
    expect(() => infer('ImageDecoder', { opset: 20, inputs: [data], attributes: [attr.string('pixel_format', 'RGBA')] })).toThrow(/pixel_format must be/);
  });
});
