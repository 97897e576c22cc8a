/**
 * Note [in-place ops]: TorchScript code is SSA over tensors that may alias. `torch.relu_(x)` returns x
 * itself, changed, and every later read of x sees the change; a source graph is functional, so the
 * interpreter redirects later reads of x to the op's result. Writing in place into a *view* (a slice, a
 * transpose, a split piece) also changes the tensor it views and every other view of that tensor, which
 * a functional graph cannot express without scatter ops. We allow it as long as nothing reads the
 * tensors it changed afterwards (the common `x = conv(x); x.relu_()` pattern), and refuse the first read
 * of a changed tensor otherwise, rather than produce a graph that silently computes something else.
 */
import type { Node } from '../../../ir/node.js';
import type { Value } from '../../../ir/value.js';

/** ATen ops whose result may share memory with their first argument. */
const VIEW_OPS = new Set([
  'slice', 'select', 'narrow', 'view', 'view_as', 'reshape', 'reshape_as', 'transpose', 't', 'permute', 'expand',
  'expand_as', 'unsqueeze', 'squeeze', 'flatten', 'unflatten', 'diagonal', 'as_strided', 'split', 'split_with_sizes',
  'chunk', 'unbind', 'tensor_split', 'unfold', 'detach', 'alias', 'contiguous', 'to', 'type_as', 'movedim', 'moveaxis',
  'swapaxes', 'swapdims', 'real', 'imag', 'view_as_real', 'view_as_complex', 'numpy_T', 'mT', 'mH', 'adjoint',
]);

function isView(node: Node | undefined): node is Node {
  if (node === undefined) return false;
  return (node.domain === 'aten' && VIEW_OPS.has(node.opType)) || (node.domain === 'prim' && node.opType === 'ListUnpack');
}

export class InPlaceTracker {
  /** x -> the result of the in-place op that last changed it. */
  private readonly latest = new Map<Value, Value>();
  /** Values changed through a view of them, by the op that did it. */
  private readonly changed = new Map<Value, string>();

  /** Records `out = op_(target, ...)`. */
  write(target: Value, out: Value, op: string): void {
    this.latest.set(target, out);
    // The target's view chain (the tensor it is a view of, and so on) changed with it.
    for (let v: Value | undefined = target; v !== undefined; v = isView(v.producer) ? (v.producer.input(0) ?? undefined) : undefined) {
      this.changed.set(v, op);
    }
  }

  /** The current version of `v`; refuses (through `refuse`) a read that in-place writes through views made stale. */
  read(v: Value, refuse: (why: string) => Error): Value {
    let cur = v;
    for (let next = this.latest.get(cur); next !== undefined; next = this.latest.get(cur)) cur = next;
    for (let u: Value | undefined = cur; u !== undefined; u = isView(u.producer) ? (u.producer.input(0) ?? undefined) : undefined) {
      const op = this.changed.get(u);
      if (op !== undefined) throw refuse(`${op} (an in-place write into a view of ${JSON.stringify(u.name)}, which is read afterwards)`);
    }
    return cur;
  }
}
