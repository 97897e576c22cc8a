/**
 * The layer boundaries of STYLE.md, enforced: the IR imports nothing outside src/ir and no Node-only
 * module (it runs in browsers); wire codecs know only the IR's leaf types (errors, dtypes, tensors); importers and
 * exporters do not import each other; nothing in src/ imports the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module a file imports (static imports, re-exports and dynamic imports), resolved to repo paths. */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specs.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s));
}

function violations(dir: string, allowed: (target: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((f) => imports(f).filter((t) => !allowed(t, f)).map((t) => `${f} -> ${t}`));
}

describe('architecture boundaries', () => {
  it('src/ir imports only src/ir (and JSON data it owns), no Node built-ins', () => {
    expect(violations('src/ir', (t) => t.startsWith('src/ir/'))).toEqual([]);
  });

  // Wire codecs hand weights out as IR tensors (the leaf value type, so they stay zero-copy views of the
  // file), but never see graphs, nodes or values.
  it('src/formats knows the IR only through its errors, dtypes, shapes and tensors', () => {
    const leaf = new Set(['src/ir/errors.js', 'src/ir/dtype.js', 'src/ir/shape.js', 'src/ir/tensor.js']);
    const ok = (t: string): boolean => t.startsWith('src/formats/') || leaf.has(t) || !t.startsWith('src/');
    expect(violations('src/formats', ok)).toEqual([]);
  });

  it('importers and exporters do not import each other or another importer', () => {
    const importer = (t: string, f: string): boolean => {
      if (t.startsWith('src/exporters/') || t.startsWith('src/api/') || t.startsWith('cli/')) return false;
      const m = /^src\/importers\/([^/]+)\//.exec(t);
      const own = /^src\/importers\/([^/]+)\//.exec(f)?.[1];
      return m === null || m[1] === own || m[1] === 'common';
    };
    expect(violations('src/importers', importer)).toEqual([]);
    expect(violations('src/exporters', (t) => !t.startsWith('src/importers/') && !t.startsWith('src/api/') && !t.startsWith('cli/'))).toEqual([]);
  });

  it('nothing in src/ imports the CLI', () => {
    expect(violations('src', (t) => !t.startsWith('cli/'))).toEqual([]);
  });
});
