/**
 * Einsum: the output shape follows from the equation's labels. Each input term is a list of letters with
 * at most one '...' standing for the dims no letter names; the '...' parts of all inputs broadcast.
 * Without '->' (implicit mode) the output is '...' then every letter that occurs once, in ASCII order.
 */
import type { Dim, Shape } from '../../shape.js';
import { formatShape } from '../../shape.js';
import type { InferContext } from '../infer-context.js';
import { registerShapeRules, type ShapeRule } from '../shape-rule.js';
import { broadcastShapes, mergeDim } from '../shape-utils.js';

const ELLIPSIS = '...';

/** A term as its labels, '...' kept as one token. */
function parseTerm(ctx: InferContext, term: string, where: string): string[] {
  const labels: string[] = [];
  for (let i = 0; i < term.length; ) {
    if (term.startsWith(ELLIPSIS, i)) {
      if (labels.includes(ELLIPSIS)) ctx.fail(`einsum ${where} '${term}' has more than one '...'`);
      labels.push(ELLIPSIS);
      i += 3;
      continue;
    }
    const ch = term[i] ?? '';
    if (!/^[A-Za-z]$/.test(ch)) ctx.fail(`einsum ${where} '${term}' has an invalid character '${ch}'`);
    labels.push(ch);
    i++;
  }
  return labels;
}

/** Two sizes of one label: equal, or one of them 1 (which broadcasts). */
function unifyLabel(ctx: InferContext, label: string, a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`einsum label '${label}' has sizes ${a} and ${b}`);
  return mergeDim(a, b);
}

const einsum: ShapeRule = (ctx) => {
  const dtype = ctx.inputTensor(0)?.dtype;
  const equation = ctx.attrString('equation');
  if (equation === undefined) return ctx.fail('einsum needs an equation');
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',').map((t, i) => parseTerm(ctx, t, `input term ${i}`));
  if (terms.length !== ctx.inputCount) {
    ctx.fail(`einsum equation '${equation}' has ${terms.length} input terms but the node has ${ctx.inputCount} inputs`);
  }
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  const ellipsisShapes: (Shape | undefined)[] = [];
  terms.forEach((labels, i) => {
    const shape = ctx.inputTensor(i)?.shape;
    const named = labels.filter((l) => l !== ELLIPSIS);
    const hasEllipsis = named.length !== labels.length;
    let ellipsis: Shape | undefined;
    if (shape !== undefined) {
      const extra = shape.length - named.length;
      if (hasEllipsis ? extra < 0 : extra !== 0) {
        ctx.fail(`einsum term '${labels.join('')}' names ${named.length} dims but input ${i} is ${formatShape(shape)}`);
      }
      const at = labels.indexOf(ELLIPSIS);
      ellipsis = hasEllipsis ? shape.slice(at, at + extra) : [];
      labels.forEach((l, k) => {
        if (l === ELLIPSIS) return;
        const d = shape[k < at || at < 0 ? k : k - 1 + extra] ?? null;
        sizes.set(l, sizes.has(l) ? unifyLabel(ctx, l, sizes.get(l) ?? null, d) : d);
      });
    }
    if (hasEllipsis) ellipsisShapes.push(ellipsis);
    for (const l of named) counts.set(l, (counts.get(l) ?? 0) + 1);
  });

  let outLabels: string[];
  if (arrow >= 0) {
    outLabels = parseTerm(ctx, eq.slice(arrow + 2), 'output term');
    for (const l of outLabels) {
      if (l !== ELLIPSIS && !counts.has(l)) ctx.fail(`einsum output label '${l}' does not occur in any input`);
      if (outLabels.indexOf(l) !== outLabels.lastIndexOf(l)) ctx.fail(`einsum output label '${l}' occurs twice`);
    }
    if (outLabels.includes(ELLIPSIS) && ellipsisShapes.length === 0) outLabels = outLabels.filter((l) => l !== ELLIPSIS);
  } else {
    const once = [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort();
    outLabels = ellipsisShapes.length > 0 ? [ELLIPSIS, ...once] : once;
  }
  if (dtype === undefined) return;

  const ellipsis = ellipsisShapes.length > 0 ? broadcastShapes(ctx, ellipsisShapes) : [];
  if (outLabels.includes(ELLIPSIS) && ellipsis === undefined) return ctx.setOutputTensor(0, dtype, undefined);
  const out: Dim[] = [];
  for (const l of outLabels) {
    if (l === ELLIPSIS) out.push(...(ellipsis ?? []));
    else out.push(sizes.get(l) ?? null);
  }
  ctx.setOutputTensor(0, dtype, out);
};

registerShapeRules({ Einsum: einsum });
