/**
 * Parses the code of every committed TorchScript fixture (fixtures/torch/<model>/model.pt), read with our
 * own zip reader (no Python), and checks that the class table is whole and that every call in every
 * method has one of the forms the importer knows how to resolve.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openZipArchive } from '../zip-archive.js';
import { dottedName, type Expr, type Stmt } from './ast.js';
import { loadTorchScriptCode, submoduleNames, type TorchScriptCode } from './class-table.js';
import { parseTorchScript } from './parser.js';
import { formatExpr, formatStmts } from './print.js';
import { withoutLoc } from './test-helpers.js';

const ROOT = fileURLToPath(new URL('../../../../fixtures/torch', import.meta.url));
const MODELS = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => existsSync(`${ROOT}/${d}/model.pt`)).sort() : [];
/** Plain-name callees TorchScript's importer resolves as builtins. */
const BUILTINS = new Set(['int', 'float', 'bool', 'str', 'len', 'range', 'getattr', 'annotate', 'uninitialized', 'unchecked_cast', 'isinstance']);

async function loadFixture(model: string): Promise<TorchScriptCode> {
  const file = `${ROOT}/${model}/model.pt`;
  const zip = await openZipArchive(readFileSync(file), file);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, string>();
  for (const rel of zip.list()) {
    if (rel.startsWith('code/') && rel.endsWith('.py')) entries.set(zip.root + rel, utf8.decode(zip.read(rel)));
  }
  return loadTorchScriptCode(entries);
}

/** Calls whose callee is not `torch.*`, `ops.<ns>.*`, `__torch__.*`, `<local>.<method>` or a builtin. */
function oddCalls(body: readonly Stmt[]): string[] {
  const odd: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const e = node as Expr;
      if (e.kind === 'call') {
        const name = dottedName(e.func) ?? '';
        const parts = name.split('.');
        const ok =
          (parts.length === 1 && BUILTINS.has(name)) ||
          (parts[0] === 'torch' && parts.length === 2) ||
          (parts[0] === 'ops' && parts.length === 3) ||
          parts[0] === '__torch__' ||
          (parts.length === 2 && e.func.kind === 'attribute' && e.func.value.kind === 'name');
        if (!ok) odd.push(formatExpr(e));
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'loc') visit(v);
    }
  };
  visit(body);
  return odd;
}

describe('fixtures/torch/*/model.pt code', () => {
  it('finds the fixture archives (made by fixtures/torch/make_fixtures.py)', () => {
    expect(MODELS.length).toBeGreaterThan(0);
  });

  for (const model of MODELS) {
    it(model, async () => {
      const code = await loadFixture(model);
      expect(code.classes.size).toBeGreaterThan(0);
      // Exactly one class is no other class's submodule: the root, and it has a forward.
      const children = new Set<string>();
      for (const cls of code.classes.values()) {
        for (const name of submoduleNames(code, cls)) children.add(cls.attributes.get(name)?.name ?? '');
      }
      const roots = [...code.classes.values()].filter((c) => c.bases.includes('Module') && !children.has(c.qualifiedName));
      expect(roots.map((c) => c.qualifiedName)).toHaveLength(1);
      expect(roots[0]?.methods.has('forward')).toBe(true);
      for (const cls of code.classes.values()) {
        for (const t of cls.attributes.values()) {
          if (t.name.startsWith('__torch__.')) expect(code.classes.has(t.name), `${cls.qualifiedName}: ${t.name}`).toBe(true);
        }
        for (const m of cls.methods.values()) expect(oddCalls(m.body), `${cls.qualifiedName}.${m.name}`).toEqual([]);
      }
      for (const [entry, file] of code.files) {
        expect(withoutLoc(parseTorchScript(formatStmts(file.ast.body), entry).body), entry).toBe(withoutLoc(file.ast.body));
      }
    });
  }
});
