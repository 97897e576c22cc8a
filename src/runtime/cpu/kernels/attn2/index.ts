/** The attn2 family: LinearAttention and CausalConvWithState (opset 27), DeformConv; FlexAttention (ai.onnx.preview). */
import type { KernelTable } from '../../../kernel.js';
import { causalConvKernels } from './causal-conv.js';
import { deformConvKernels } from './deform-conv.js';
import { flexAttentionKernels } from './flex-attention.js';
import { linearAttentionKernels } from './linear-attention.js';

export const attn2Kernels: KernelTable = {
  ...linearAttentionKernels,
  ...causalConvKernels,
  ...deformConvKernels,
};

/** Registered under the ai.onnx.preview domain. */
export const attn2PreviewKernels: KernelTable = {
  ...flexAttentionKernels,
};
