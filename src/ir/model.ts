import type { Attribute } from './attribute.js';
import { Graph } from './graph.js';
import type { Int64 } from './attribute.js';
import type { MetadataProps } from './tensor.js';

/**
 * Opset imports by domain, in file order. `''` and `'ai.onnx'` name the same domain;
 * use `opsetVersion` rather than `get` to look one up.
 */
export type OpsetImports = Map<string, number>;

export function opsetVersion(imports: OpsetImports, domain: string): number | undefined {
  const d = domain === 'ai.onnx' ? '' : domain;
  return imports.get(d) ?? (d === '' ? imports.get('ai.onnx') : undefined);
}

/**
 * A model-local function (ONNX FunctionProto). Its body is a Graph whose inputs and outputs are the
 * function's formal parameters; attributes the body may reference are listed in `attributes` (names)
 * and `attributeDefaults` (with default values).
 */
export class Func {
  domain: string;
  name: string;
  overload?: string;
  graph: Graph;
  attributes: string[] = [];
  attributeDefaults: Attribute[] = [];
  opsetImports: OpsetImports = new Map();
  docString?: string;
  metadataProps?: MetadataProps;

  constructor(domain: string, name: string, graph = new Graph(name)) {
    this.domain = domain;
    this.name = name;
    this.graph = graph;
  }

  /** The key nodes use to call it: `domain:name` plus `:overload` when set. */
  get id(): string {
    return functionId(this.domain, this.name, this.overload);
  }
}

export function functionId(domain: string, name: string, overload?: string): string {
  return overload ? `${domain}:${name}:${overload}` : `${domain}:${name}`;
}

/** ONNX TrainingInfoProto. */
export interface TrainingInfo {
  initialization?: Graph;
  algorithm?: Graph;
  initializationBinding: [key: string, value: string][];
  updateBinding: [key: string, value: string][];
}

export class Model {
  irVersion: number;
  opsetImports: OpsetImports;
  graph: Graph;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  metadataProps?: MetadataProps;
  functions: Func[] = [];
  trainingInfo: TrainingInfo[] = [];
  /** IR 11 multi-device configurations, kept as decoded plain data for round trips. */
  configuration?: unknown[];

  constructor(graph: Graph, opsetImports: OpsetImports = new Map([['', 21]]), irVersion = 10) {
    this.graph = graph;
    this.opsetImports = opsetImports;
    this.irVersion = irVersion;
  }

  opset(domain = ''): number | undefined {
    return opsetVersion(this.opsetImports, domain);
  }

  findFunction(domain: string, name: string, overload?: string): Func | undefined {
    const id = functionId(domain, name, overload);
    return this.functions.find((f) => f.id === id);
  }
}
