/**
 * Test-only: archives made from a committed fixture with some records replaced, so interpreter and
 * security tests run on real torch pickles and storages with code (or bytes) of their own.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeZip, type RawEntry } from '../../../formats/torch/testdata/make-zip.js';
import { openTorchArchive } from '../../../formats/torch/torch-archive.js';
import { openZipArchive } from '../../../formats/torch/zip-archive.js';
import type { Model } from '../../../ir/model.js';
import { importTorchScriptArchive } from './index.js';

export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/torch', import.meta.url));

/** The fixture's zip with records (relative to the top folder) replaced, removed (null) or added. */
export async function rewriteFixture(model: string, records: Record<string, string | Uint8Array | null>, extra: RawEntry[] = []): Promise<Uint8Array> {
  const file = `${FIXTURES}/${model}/model.pt`;
  const zip = await openZipArchive(readFileSync(file), file);
  const entries: RawEntry[] = [];
  for (const rel of zip.list()) {
    const replaced = records[rel];
    if (replaced === null) continue;
    entries.push({ name: zip.root + rel, data: replaced ?? zip.read(rel) });
  }
  for (const [rel, data] of Object.entries(records)) if (!zip.has(rel) && data !== null) entries.push({ name: zip.root + rel, data });
  return makeZip([...entries, ...extra], { zip64: true });
}

/**
 * The mlp fixture (submodules fc1: Linear(16, 32), fc2: Linear(32, 32), drop: Dropout, fc3: Linear(32, 10))
 * with its root class `__torch__.nets_vision.Mlp` given this forward (signature and body, indented by 2
 * and 4 spaces as printed) and optional extra code records.
 */
export async function mlpWith(forward: string, extraCode: Record<string, string> = {}): Promise<Uint8Array> {
  const cls = [
    'class Mlp(Module):',
    '  __parameters__ = []',
    '  __buffers__ = []',
    '  training : bool',
    '  _is_full_backward_hook : Optional[bool]',
    '  fc1 : __torch__.torch.nn.modules.linear.Linear',
    '  fc2 : __torch__.torch.nn.modules.linear.___torch_mangle_0.Linear',
    '  drop : __torch__.torch.nn.modules.dropout.Dropout',
    '  fc3 : __torch__.torch.nn.modules.linear.___torch_mangle_1.Linear',
    forward.replace(/^\n/, '').trimEnd(),
    '',
  ].join('\n');
  return rewriteFixture('mlp', { 'code/__torch__/nets_vision.py': cls, ...extraCode });
}

export async function importBytes(bytes: Uint8Array, file = 'test.pt'): Promise<Model> {
  return importTorchScriptArchive(await openTorchArchive(bytes, file));
}

/** The `domain::op` of every node but Constants, in order. */
export function opList(model: Model): string[] {
  return [...model.graph].filter((n) => n.opType !== 'Constant').map((n) => `${n.domain || 'onnx'}::${n.opType}`);
}
