import type { ParityReport } from '../src/parity/check.js';
import { table } from './io.js';

function sci(x: number): string {
  return x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/** The parity table: one block per reference data set, one row per output. */
export function renderParity(report: ParityReport): string {
  const blocks = report.sets.map((s) => {
    const rows = s.outputs.map((o) => [
      o.name,
      `[${o.shape.join(',')}]`,
      sci(o.maxAbsError),
      sci(o.maxRelError),
      `${o.mismatches}/${o.count}`,
      o.cosine.toFixed(6),
      `${o.rtol}/${o.atol}`,
      o.ok ? 'ok' : 'FAIL',
    ]);
    return `${s.dir}\n${table(['output', 'shape', 'max abs', 'max rel', 'mismatches', 'cosine', 'rtol/atol', ''], rows)}`;
  });
  const failed = report.sets.flatMap((s) => s.outputs.filter((o) => !o.ok)).length;
  blocks.push(report.ok ? `parity: ok against ${report.against}` : `parity: ${failed} output${failed === 1 ? '' : 's'} out of tolerance against ${report.against}`);
  return blocks.join('\n\n');
}
