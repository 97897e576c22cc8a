/**
 * Which source op a program node's `target` names. ATen ops keep their name and overload; SymInt
 * arithmetic (`_operator.mul`, ...) becomes `prim::mul`, as TorchScript prints it. Anything else (another
 * torch.ops namespace, higher-order ops, `math.*`, `torch.sym_*`) still becomes a source node, in `prim`
 * with the whole target as its op name, so the lowering driver lists it with the other unsupported ops.
 */

export interface SourceOp {
  domain: 'aten' | 'prim';
  op: string;
  overload?: string;
}

const OPS_PREFIX = 'torch.ops.';
/** Namespaces that are our source domains as they are. */
const SOURCE_NAMESPACES = new Set(['aten', 'prim']);
/** Python's operator module, as torch.export writes it (`_operator.floordiv`) and as older files did. */
const OPERATOR_MODULES = ['_operator.', 'operator.'];
const IDENT = /^[A-Za-z_]\w*$/;

export function sourceOpOf(target: string): SourceOp {
  if (target.startsWith(OPS_PREFIX)) {
    const parts = target.slice(OPS_PREFIX.length).split('.');
    const [ns, op, overload, ...rest] = parts;
    if (ns !== undefined && SOURCE_NAMESPACES.has(ns) && op !== undefined && IDENT.test(op) && rest.length === 0) {
      // `torch.ops.aten.add` without an overload is the OpOverloadPacket; the rule keyed by the bare op reads it.
      const domain = ns as SourceOp['domain'];
      return overload === undefined ? { domain, op } : { domain, op, overload };
    }
  }
  for (const m of OPERATOR_MODULES) {
    const name = target.startsWith(m) ? target.slice(m.length) : undefined;
    if (name !== undefined && IDENT.test(name)) return { domain: 'prim', op: name };
  }
  return { domain: 'prim', op: target };
}
