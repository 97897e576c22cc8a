/** ai.onnx opset that framework artifacts convert to unless told otherwise (widely supported by runtimes). */
export const DEFAULT_OPSET = 18;
