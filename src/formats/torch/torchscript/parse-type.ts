/**
 * Type annotations as the printer writes them: a dotted name with optional bracketed arguments
 * (`Tensor`, `Optional[Tensor]`, `Dict[str, List[int]]`, `__torch__.a.b.C`, `Final[int]`), plus
 * `Tuple[()]` for the empty tuple type and `None`.
 */
import type { TypeExpr } from './ast.js';
import type { TokenStream } from './token-stream.js';

/** A type annotation: `Tensor`, `Optional[Tensor]`, `Tuple[()]`, `__torch__.a.b.C`, `None`. */
export function parseType(ts: TokenStream): TypeExpr {
  const start = ts.peek();
  let name: string;
  if (ts.accept('None')) name = 'None';
  else {
    name = ts.expectName('for a type');
    while (ts.accept('.')) name += `.${ts.expectName("after '.' in a type name")}`;
  }
  const type: TypeExpr = { kind: 'type', name, loc: ts.loc(start) };
  if (!ts.accept('[')) return type;
  type.args = [];
  if (ts.at('(') && ts.at(')', 1)) {
    ts.next();
    ts.next();
  } else {
    do {
      if (ts.at(']')) break;
      type.args.push(parseType(ts));
    } while (ts.accept(','));
  }
  ts.expect(']', `to close the arguments of type '${name}'`);
  return type;
}
