/**
 * TF.js graph model manifests (`model.json`, FORMATS.md §4): validated against model-json.schema.json,
 * then the GraphDef in `modelTopology` (protobuf JSON mapping) is converted into the same GraphDef objects
 * the protobuf decoder gives for a .pb, so that one TF importer reads both. No node:fs here.
 */
import { parseJson, validateJson } from '../json-schema.js';
import { FormatError } from '../../ir/errors.js';
import type { GraphDef, SignatureDef } from '../tf/generated/tf-types.js';
import { fromProtoJson } from '../tf/proto-json.js';
import schema from './model-json.schema.json' with { type: 'json' };

export type TfjsWeightDtype = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

export interface TfjsQuantization {
  /** The stored type; values are dequantized as v * scale + min (uint8/uint16) or widened (float16). */
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

export interface TfjsWeightEntry {
  /** The Const node whose value this is. */
  name: string;
  shape: number[];
  dtype: TfjsWeightDtype;
  group?: string;
  quantization?: TfjsQuantization;
}

export interface TfjsWeightGroup {
  /** Shard files, relative to model.json, concatenated in this order. */
  paths: string[];
  weights: TfjsWeightEntry[];
}

/** model.json as validated; GraphDef and SignatureDef parts stay in their JSON form here. */
export interface TfjsModelJson {
  format?: 'graph-model';
  generatedBy?: string | null;
  convertedBy?: string | null;
  modelTopology: object;
  weightsManifest: TfjsWeightGroup[];
  signature?: object;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: object;
  initializerSignature?: object;
}

export interface TfjsGraphManifest {
  json: TfjsModelJson;
  /** modelTopology as a GraphDef (Const nodes carry dtype and shape; their values are in the weights). */
  graph: GraphDef;
  signature?: SignatureDef;
  /** A graph that initializes resources such as hash tables, run once before the model. */
  initializer?: GraphDef;
  initializerSignature?: SignatureDef;
}

/** Parses and checks model.json; `file` names it in every error. */
export function parseTfjsModelJson(bytes: Uint8Array | string, file: string): TfjsGraphManifest {
  const data = parseJson(bytes, file);
  const format = (data as { format?: unknown } | null)?.format;
  if (format === 'layers-model') {
    throw new FormatError('is a TF.js layers model (Keras layers); only graph models are supported: convert with --output_format=tfjs_graph_model', { file });
  }
  const json = validateJson<TfjsModelJson>(schema, data, file, 'a TF.js graph model manifest (model.json)');
  return {
    json,
    graph: fromProtoJson('GraphDef', json.modelTopology, file, '$.modelTopology'),
    signature: json.signature && fromProtoJson('SignatureDef', withoutResourceIds(json.signature), file, '$.signature'),
    initializer: json.modelInitializer && fromProtoJson('GraphDef', json.modelInitializer, file, '$.modelInitializer'),
    initializerSignature:
      json.initializerSignature && fromProtoJson('SignatureDef', withoutResourceIds(json.initializerSignature), file, '$.initializerSignature'),
  };
}

/**
 * TF.js adds `resourceId` to signature TensorInfos (linking a table to its initializer); TensorInfo has no
 * such field, so it is dropped before the protobuf conversion. Nothing else in the signature is touched.
 */
function withoutResourceIds(sig: object): object {
  const strip = (infos: unknown): unknown =>
    infos !== null && typeof infos === 'object'
      ? Object.fromEntries(
          Object.entries(infos).map(([k, info]) => {
            if (info === null || typeof info !== 'object') return [k, info];
            const { resourceId: _, ...rest } = info as Record<string, unknown>;
            return [k, rest];
          }),
        )
      : infos;
  const s = sig as Record<string, unknown>;
  return { ...s, ...(s['inputs'] !== undefined && { inputs: strip(s['inputs']) }), ...(s['outputs'] !== undefined && { outputs: strip(s['outputs']) }) };
}
