/** Small IR models for the runtime's own tests (not exported from the package index). */
import { attr, type Attribute } from '../ir/attribute.js';
import type { DataType } from '../ir/dtype.js';
import { Graph } from '../ir/graph.js';
import { Model } from '../ir/model.js';
import { Node } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
import { tensorType } from '../ir/types.js';

export { attr };

/** A model of one node `op(inputs...) -> y`, the given input types and output dtype. */
export function oneNodeModel(op: string, inputs: { dtype: DataType; shape?: Shape }[], outDtype: DataType, attributes: Attribute[] = [], opset = 21): Model {
  const g = new Graph('g');
  const ins = inputs.map((t, i) => g.addInput(`x${i}`, tensorType(t.dtype, t.shape)));
  const n = g.appendNode(new Node(op, ins, { name: `${op.toLowerCase()}_0`, outputs: ['y'], attributes }));
  n.output(0).type = tensorType(outDtype);
  g.addOutput(n.output(0));
  return new Model(g, new Map([['', opset]]));
}

/** A chain of unary ops over x: op0(op1(...)), each output named t0, t1, ...; the last is the output. */
export function chainModel(ops: string[], dtype: DataType, shape: Shape): Model {
  const g = new Graph('chain');
  let v = g.addInput('x', tensorType(dtype, shape));
  ops.forEach((op, i) => {
    const n = g.appendNode(new Node(op, [v], { name: `n${i}`, outputs: [`t${i}`] }));
    v = n.output(0);
    v.type = tensorType(dtype, shape);
  });
  g.addOutput(v);
  return new Model(g, new Map([['', 21]]));
}
