/**
 * The op-support page, docs/ops.md: one table per schema domain, one row per op, then one list per
 * importer of the source ops it converts. The schema side (ops, versions, shape rules) comes from the IR;
 * what the backends run and what the importers convert comes in as a SupportData, because src/ir imports
 * neither the runtime nor the importers. src/api/ops-support.ts gathers it from the kernel registries and
 * the lowering tables, so the page cannot drift from the code; scripts/gen-ops-doc.mjs writes the page and
 * test/ops-doc.test.ts fails when it is stale.
 *
 * Adding a backend is one entry in SupportData.backends; adding an importer, one in SupportData.importers.
 */
import { allOps, latestOpset, SCHEMA_ONNX_VERSION, type OpEntry } from './registry.js';
import { registeredShapeRules } from './shape-rule.js';
import './rules.js';

/** How a backend runs an op at one opset: its own kernel, the op's ONNX function body expanded, or not at all. */
export type RunsAs = 'kernel' | 'function-body' | undefined;

export interface BackendSupport {
  readonly header: string;
  /** undefined: the backend does not exist yet (its cells show "—" and it is not counted). */
  readonly runs: ((domain: string, opType: string, opset: number) => RunsAs) | undefined;
}

export interface ImporterSupport {
  /** The section title, e.g. "PyTorch (ATen) ops". */
  readonly title: string;
  /** The lowering table that is listed, for the section's one-line description. */
  readonly table: string;
  /** Every source op key the lowering table handles (`aten::conv2d`, `aten::add.Tensor`, `tf::Conv2D`). */
  readonly sourceOps: readonly string[];
}

/** What the parts of onnxbridge outside the IR support, handed to renderOpsDoc. */
export interface SupportData {
  readonly backends: readonly BackendSupport[];
  readonly importers: readonly ImporterSupport[];
}

/**
 * The opsets at which the op is valid: from its first schema to the domain's newest opset, or to the
 * opset before its deprecation.
 */
export function opsetSpan(entry: OpEntry): [from: number, to: number] {
  const versions = entry.versions;
  const from = versions[0]!.sinceVersion;
  const deprecatedSince = deprecation(entry);
  const to = deprecatedSince !== undefined ? deprecatedSince - 1 : (latestOpset(entry.domain) ?? from);
  return [from, Math.max(from, to)];
}

function domainName(domain: string): string {
  return domain === '' ? 'ai.onnx' : domain;
}

/** The version that deprecated the op when its newest schema is deprecated; undefined otherwise. */
function deprecation(entry: OpEntry): number | undefined {
  const versions = entry.versions;
  if (!versions[versions.length - 1]?.deprecated) return undefined;
  let i = versions.length - 1;
  while (i > 0 && versions[i - 1]!.deprecated) i--;
  return versions[i]!.sinceVersion;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** One backend's support for one op over its opset span. */
interface OpRun {
  readonly kernel: number[];
  readonly functionBody: number[];
  readonly span: [number, number];
}

function opRun(backend: BackendSupport, entry: OpEntry): OpRun | undefined {
  if (backend.runs === undefined) return undefined;
  const span = opsetSpan(entry);
  const run: OpRun = { kernel: [], functionBody: [], span };
  for (let v = span[0]; v <= span[1]; v++) {
    const how = backend.runs(entry.domain, entry.opType, v);
    if (how === 'kernel') run.kernel.push(v);
    else if (how === 'function-body') run.functionBody.push(v);
  }
  return run;
}

/** Ascending opsets as ranges: "7–12", "13+" (up to the span's end), "9". */
function ranges(opsets: readonly number[], end: number): string {
  const out: string[] = [];
  for (let i = 0; i < opsets.length; ) {
    let j = i;
    while (j + 1 < opsets.length && opsets[j + 1] === opsets[j]! + 1) j++;
    const a = opsets[i]!;
    const b = opsets[j]!;
    out.push(b === end && b !== a ? `${a}+` : a === b ? `${a}` : `${a}–${b}`);
    i = j + 1;
  }
  return out.join(', ');
}

function backendCell(run: OpRun | undefined): string {
  if (run === undefined) return '—';
  const all = run.span[1] - run.span[0] + 1;
  if (run.kernel.length === all) return 'yes';
  if (run.functionBody.length === all) return 'via function body';
  const parts: string[] = [];
  if (run.kernel.length > 0) parts.push(`opset ${ranges(run.kernel, run.span[1])}`);
  if (run.functionBody.length > 0) parts.push(`via function body at opset ${ranges(run.functionBody, run.span[1])}`);
  return parts.length === 0 ? '—' : parts.join('; ');
}

interface Column {
  readonly header: string;
  readonly cell: (entry: OpEntry) => string;
  /** The column's part of a summary line over `entries`. */
  readonly count: (entries: readonly OpEntry[]) => string;
}

function columns(data: SupportData): Column[] {
  const rules = new Set(registeredShapeRules().map((r) => `${r.domain}::${r.opType}`));
  const shape = (e: OpEntry): boolean => rules.has(`${e.domain}::${e.opType}`);
  const shapeColumn: Column = {
    header: 'Shape inference',
    cell: (e) => (shape(e) ? 'yes' : 'no'),
    count: (es) => `shape inference ${es.filter(shape).length}/${es.length}`,
  };
  const backendColumns = data.backends.map((b): Column => {
    const runs = new Map<OpEntry, OpRun | undefined>();
    const run = (e: OpEntry): OpRun | undefined => {
      if (!runs.has(e)) runs.set(e, opRun(b, e));
      return runs.get(e);
    };
    return {
      header: b.header,
      cell: (e) => backendCell(run(e)),
      count: (es) => {
        if (b.runs === undefined) return `${b.header} —`;
        const kernel = es.filter((e) => run(e)!.kernel.length > 0).length;
        const body = es.filter((e) => run(e)!.kernel.length === 0 && run(e)!.functionBody.length > 0).length;
        const some = es.filter((e) => backendCell(run(e)) !== 'yes' && run(e)!.kernel.length > 0).length;
        const notes = [`${body} more via function body`, ...(some > 0 ? [`${some} at some opsets only`] : [])];
        return `${b.header} ${kernel}/${es.length} with a kernel (${notes.join(', ')})`;
      },
    };
  });
  return [shapeColumn, ...backendColumns];
}

/** Counts over a set of ops, as "N ops, M schema versions, K deprecated, shape inference ..., CPU ...". */
function counts(entries: readonly OpEntry[], cols: readonly Column[]): string {
  const deprecated = entries.filter((e) => deprecation(e) !== undefined).length;
  const versions = entries.reduce((n, e) => n + e.versions.length, 0);
  return [plural(entries.length, 'op'), plural(versions, 'schema version'), `${deprecated} deprecated`, ...cols.map((c) => c.count(entries))].join(', ');
}

function importerSection(importer: ImporterSupport): string[] {
  const ops = [...importer.sourceOps].sort();
  const byDomain = new Map<string, number>();
  for (const op of ops) {
    const domain = op.slice(0, op.indexOf('::'));
    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);
  }
  const perDomain = [...byDomain].map(([d, n]) => `${n} ${d}::`).join(', ');
  return [
    '',
    `## ${importer.title}`,
    '',
    `${plural(ops.length, 'source op')} (${perDomain}) with a rule in ${importer.table}. A key with an overload`,
    '(`aten::add.Tensor`) covers that overload only; a key without one covers every overload. A rule may still',
    'refuse some arguments or attributes; every refused node of a model is reported together.',
    '',
    ...ops.map((op) => `- \`${op}\``),
  ];
}

/** The whole page, deterministic (no dates, sorted by domain then op), ending in a newline. */
export function renderOpsDoc(data: SupportData): string {
  const cols = columns(data);
  const all = allOps();
  const domains = [...new Set(all.map((e) => e.domain))];
  const backends = data.backends.map((b) => b.header).join(', ');
  const planned = data.backends.filter((b) => b.runs === undefined).map((b) => b.header);
  const lines: string[] = [
    '<!-- generated by scripts/gen-ops-doc.mjs, do not edit -->',
    '',
    '# Operator support',
    '',
    `Operator schemas of ONNX ${SCHEMA_ONNX_VERSION}, one table per domain. "Versions" lists every opset`,
    'version in which the schema of the op changed. The backend columns',
    `(${backends}) say, for the opsets at which the op is valid, whether the backend has a kernel for it:`,
    '"yes" at every opset, "opset A–B" or "A+" where its kernel covers only those, "via function body" where',
    'it has no kernel but runs the op by expanding its ONNX function body into ops it has kernels for, and',
    '"—" where it cannot run the op.',
    ...planned.map((h) => `${h} shows "—" throughout: the backend is planned and does not exist yet.`),
    '',
    'The importers are not columns of these tables: they convert source ops, not ONNX ops, and a lowering',
    'rule may emit several ONNX ops depending on its arguments. The sections after the ONNX tables list',
    `every source op each importer converts (${data.importers.map((i) => i.title).join('; ')}).`,
    '',
    `**Summary:** ${domains.length} domains; ${counts(all, cols)}; ${data.importers
      .map((i) => `${i.title} ${i.sourceOps.length}`)
      .join(', ')}.`,
  ];
  for (const domain of domains) {
    const entries = all.filter((e) => e.domain === domain);
    lines.push('', `## ${domainName(domain)} (opset ${latestOpset(domain) ?? '?'})`, '', `${counts(entries, cols)}.`, '');
    lines.push(row(['Op', 'Versions', 'Deprecated', ...cols.map((c) => c.header)]));
    lines.push(row(['---', '---', '---', ...cols.map(() => ':---:')]));
    for (const e of entries) {
      const since = e.versions.map((s) => s.sinceVersion).join(', ');
      const dep = deprecation(e);
      lines.push(row([e.opType, since, dep === undefined ? '' : `since ${dep}`, ...cols.map((c) => c.cell(e))]));
    }
  }
  for (const importer of data.importers) lines.push(...importerSection(importer));
  return `${lines.join('\n')}\n`;
}
