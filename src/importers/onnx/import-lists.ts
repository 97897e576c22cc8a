import type { OpsetImports } from '../../ir/model.js';
import type { MetadataProps } from '../../ir/tensor.js';
import type { OperatorSetIdProto, StringStringEntryProto } from '../../formats/onnx/generated/onnx-types.js';
import { keepRawList, pairsSignature } from '../../ir/wire-hints.js';
import type { ImportContext } from './context.js';

/**
 * Key/value lists (StringStringEntryProto) as IR pairs. The decoded entries are kept as a raw list
 * (Note [wire hints]) because pairs cannot say "key absent" vs "key ''" nor carry unknown fields.
 */
export function importPairs(list: readonly StringStringEntryProto[] | undefined): [string, string][] {
  const pairs: [string, string][] = (list ?? []).map((e) => [e.key ?? '', e.value ?? '']);
  if (list !== undefined && list.length > 0) keepRawList(pairs, list, pairsSignature(pairs));
  return pairs;
}

/** metadata_props: undefined when the file has none (an empty repeated field is absent on the wire). */
export function importMetadata(list: readonly StringStringEntryProto[] | undefined): MetadataProps | undefined {
  return list !== undefined && list.length > 0 ? importPairs(list) : undefined;
}

/**
 * opset_import as a Map. A Map holds each domain once and cannot tell an absent domain from '', so the
 * decoded entries are kept too and written back while the Map still says the same.
 */
export function importOpsets(list: readonly OperatorSetIdProto[] | undefined, ctx: ImportContext): OpsetImports {
  const map: OpsetImports = new Map();
  for (const e of list ?? []) {
    const v = e.version ?? 0;
    const n = typeof v === 'number' ? v : v.toNumber();
    if (!Number.isSafeInteger(n)) throw ctx.formatError(`opset_import of domain ${JSON.stringify(e.domain ?? '')}: version ${String(v)} is too large`);
    map.set(e.domain ?? '', n);
  }
  if (list !== undefined && list.length > 0) keepRawList(map, list, pairsSignature(map));
  return map;
}
