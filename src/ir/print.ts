import { attrText, isRefAttribute, AttributeType, type Attribute } from './attribute.js';
import { dataTypeName } from './dtype.js';
import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Node } from './node.js';
import type { Tensor } from './tensor.js';
import { formatType } from './types.js';
import type { Value } from './value.js';

/**
 * A stable text form of a model for golden tests and `inspect --print`: structure only (names, types,
 * attributes, wiring); tensor contents are summarised, never printed, so goldens stay small and exact.
 */
export function printModel(model: Model): string {
  const lines: string[] = [];
  const opsets = [...model.opsetImports].map(([d, v]) => `${JSON.stringify(d)}: ${v}`).join(', ');
  lines.push(`<ir_version: ${model.irVersion}, opset_import: [${opsets}]>`);
  printGraph(model.graph, lines, '');
  for (const f of model.functions) {
    const attrs = f.attributes.length ? ` <${f.attributes.join(', ')}>` : '';
    lines.push(`function ${f.domain}.${f.name}${f.overload ? `:${f.overload}` : ''}${attrs}`);
    printGraph(f.graph, lines, '');
  }
  return lines.join('\n') + '\n';
}

export function printGraph(graph: Graph, lines: string[] = [], indent = ''): string[] {
  const sig = (vs: readonly Value[]): string => vs.map((v) => `${formatType(v.type)} ${v.name}`).join(', ');
  lines.push(`${indent}graph ${graph.name ?? ''} (${sig(graph.inputs)}) => (${sig(graph.outputs)})`);
  for (const v of graph.initializers.values()) {
    lines.push(`${indent}  init ${v.name} = ${describeTensor(v.constValue!)}`);
  }
  for (const v of graph.sparseInitializers) {
    const s = v.sparseValue!;
    lines.push(`${indent}  sparse_init ${v.name} = sparse ${describeTensor(s.values)} in [${s.dims.join(',')}]`);
  }
  lines.push(`${indent}{`);
  for (const node of graph) printNode(node, lines, `${indent}  `);
  lines.push(`${indent}}`);
  return lines;
}

function printNode(node: Node, lines: string[], indent: string): void {
  const outs = node.outputs.map((v) => v.name || '_').join(', ');
  const ins = node.inputs.map((v) => (v ? v.name : '_')).join(', ');
  const op = node.domain === '' ? node.opType : `${node.domain}.${node.opType}`;
  const attrs = [...node.attributes.values()];
  const attrText = attrs.length ? ` <${attrs.map(formatAttribute).join(', ')}>` : '';
  const name = node.name ? ` "${node.name}"` : '';
  lines.push(`${indent}${outs} = ${op}${name}${attrText}(${ins})`);
  for (const a of attrs) {
    const graphs = isRefAttribute(a) ? [] : a.type === AttributeType.GRAPH ? [a.value as Graph] : a.type === AttributeType.GRAPHS ? (a.value as Graph[]) : [];
    graphs.forEach((g, i) => {
      lines.push(`${indent}  ${a.name}${graphs.length > 1 ? `[${i}]` : ''}:`);
      printGraph(g, lines, `${indent}    `);
    });
  }
}

function formatAttribute(a: Attribute): string {
  if (isRefAttribute(a)) return `${a.name} = @${a.ref}`;
  const v = a.value;
  switch (a.type) {
    case AttributeType.FLOAT:
    case AttributeType.INT:
      return `${a.name} = ${String(v)}`;
    case AttributeType.STRING:
      return `${a.name} = ${JSON.stringify(attrText(a.value))}`;
    case AttributeType.FLOATS:
    case AttributeType.INTS:
      return `${a.name} = [${(v as unknown[]).map(String).join(', ')}]`;
    case AttributeType.STRINGS:
      return `${a.name} = [${a.value.map((s) => JSON.stringify(attrText(s))).join(', ')}]`;
    case AttributeType.TENSOR:
      return `${a.name} = ${describeTensor(a.value)}`;
    case AttributeType.TENSORS:
      return `${a.name} = [${a.value.map(describeTensor).join(', ')}]`;
    case AttributeType.GRAPH:
    case AttributeType.GRAPHS:
      return `${a.name} = <graph>`;
    case AttributeType.TYPE_PROTO:
      return `${a.name} = ${formatType(a.value)}`;
    case AttributeType.TYPE_PROTOS:
      return `${a.name} = [${a.value.map(formatType).join(', ')}]`;
    default:
      return `${a.name} = <${AttributeType[a.type] ?? a.type}>`;
  }
}

function describeTensor(t: Tensor): string {
  return `${dataTypeName(t.dtype).toLowerCase()}[${t.dims.join(',')}]`;
}
