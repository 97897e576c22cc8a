/**
 * Type-only: lets the runtime's TensorType (which now includes bfloat16, the float8 kinds and float4e2m1, held
 * as bit patterns, and int2/uint2) be passed where onnxruntime's tensor type is expected, as the kernel tests do with
 * `new ort.Tensor(t.type, ...)`. A .cts file: onnxruntime-node resolves onnxruntime-common to its CommonJS types,
 * and this augments those. onnxruntime-node itself has no such tensors: feeding one throws at run time.
 */
export {};

declare module 'onnxruntime-common' {
  namespace Tensor {
    interface DataTypeMap {
      bfloat16: Uint16Array;
      float8e4m3fn: Uint8Array;
      float8e4m3fnuz: Uint8Array;
      float8e5m2: Uint8Array;
      float8e5m2fnuz: Uint8Array;
      float8e8m0: Uint8Array;
      float4e2m1: Uint8Array;
      int2: Int8Array;
      uint2: Uint8Array;
    }
  }
}
