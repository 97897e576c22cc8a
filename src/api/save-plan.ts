import { FormatError, UsageError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { ExternalTensor, StringTensor, type Tensor } from '../ir/tensor.js';
import { MAX_MESSAGE_BYTES } from '../formats/onnx/codec.js';
import { forEachTensor } from '../exporters/onnx/index.js';

export type ExternalDataMode = 'auto' | 'never' | 'always';

/**
 * 'auto' keeps a model inline until its tensors approach protobuf's 2 GiB limit. The rest of the message
 * (nodes, names, types) is rarely more than a few MB, so a 0.1 GiB margin below the limit is plenty.
 */
export const AUTO_INLINE_LIMIT = 1.9 * 2 ** 30;
export const DEFAULT_SIZE_THRESHOLD = 1024;

export interface ExternalPlan {
  /** Tensors whose bytes go to the external data file. */
  external: Set<Tensor>;
  /** Bytes of tensor values that stay inline. */
  inlineBytes: number;
}

/**
 * Which tensors go to the external data file:
 *   'never'  none;
 *   'always' tensors of at least `threshold` bytes, and every tensor that came from external data;
 *   'auto'   tensors that came from external data; and, only if the inline rest would pass
 *            AUTO_INLINE_LIMIT, also every tensor of at least `threshold` bytes.
 * Only dense tensors with a raw form move by size (STRING tensors cannot be external; sparse parts stay
 * with their sparse tensor); a part that came from external data goes back to external data.
 */
export function planExternal(model: Model, mode: ExternalDataMode, threshold: number): ExternalPlan {
  if (!['auto', 'never', 'always'].includes(mode)) throw new UsageError(`externalData must be 'auto', 'never' or 'always', got ${JSON.stringify(mode)}`);
  if (!Number.isFinite(threshold) || threshold < 0) throw new UsageError(`sizeThreshold must be a non-negative number of bytes, got ${threshold}`);
  const all: { t: Tensor; movable: boolean }[] = [];
  forEachTensor(model, (t, part) => all.push({ t, movable: part === 'dense' && !(t instanceof StringTensor) }));
  const external = new Set<Tensor>();
  if (mode !== 'never') for (const { t } of all) if (t instanceof ExternalTensor) external.add(t);
  const bySize = (): void => {
    for (const { t, movable } of all) if (movable && t.byteLength >= threshold) external.add(t);
  };
  if (mode === 'always') bySize();
  if (mode === 'auto' && inlineBytes(all, external) > AUTO_INLINE_LIMIT) bySize();
  return { external, inlineBytes: inlineBytes(all, external) };
}

function inlineBytes(all: readonly { t: Tensor }[], external: ReadonlySet<Tensor>): number {
  let n = 0;
  for (const { t } of all) if (!external.has(t)) n += t.byteLength;
  return n;
}

/**
 * Refuses, before any work, a model whose inline tensors alone pass protobuf's 2 GiB message limit
 * (the codec would only find out after building the whole message in memory).
 */
export function checkInlineSize(model: Model, isInline: (t: Tensor) => boolean, file?: string): void {
  let n = 0;
  forEachTensor(model, (t) => {
    if (isInline(t)) n += t.byteLength;
  });
  if (n > MAX_MESSAGE_BYTES) {
    throw new FormatError(
      `the model's inline tensors take ${n} bytes, over protobuf's 2 GiB limit for one message; ` +
        `save it with saveModel and externalData 'auto' or 'always' to move large tensors to an external data file`,
      { file },
    );
  }
}

export function isExternalTensor(t: Tensor): boolean {
  return t instanceof ExternalTensor;
}
