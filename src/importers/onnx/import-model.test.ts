import { describe, expect, it } from 'vitest';
import { AttributeType } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { ArrayTensor, BytesTensor, StringTensor } from '../../ir/tensor.js';
import { verifyModel } from '../../ir/verify.js';
import { decodeModelProto, encodeModelProto } from '../../formats/onnx/codec.js';
import type { ModelProto } from '../../formats/onnx/generated/onnx-types.js';
import { toPlainObject } from '../../formats/onnx/plain-object.js';
import { exportModel } from '../../exporters/onnx/export-model.js';
import { richModel } from '../../../test/roundtrip/rich-model.js';
import { importModel } from './import-model.js';

/** Encodes then decodes, so the message looks exactly like one read from a file ($unknowns included). */
function fromFile(m: ModelProto): { bytes: Uint8Array; proto: ModelProto } {
  const bytes = encodeModelProto(m);
  return { bytes, proto: decodeModelProto(bytes) };
}

const plain = (m: ModelProto): unknown => toPlainObject('ModelProto', m);

describe('importModel + exportModel', () => {
  it('round-trips the rich model without loss', () => {
    const { proto } = fromFile(richModel());
    const model = importModel(proto, { file: 'rich.onnx' });
    const again = decodeModelProto(encodeModelProto(exportModel(model)));
    expect(plain(again)).toEqual(plain(proto));
  });

  it('keeps the wiring: scopes, training graphs, functions, initializers that are inputs', () => {
    const model = importModel(fromFile(richModel()).proto);
    const g = model.graph;
    const x = g.inputs[0]!;
    const w = g.inputs[2]!;
    expect(w.constValue).toBeDefined(); // initializer and graph input at once
    expect(g.initializers.get('w')).toBe(w);
    const nodes = g.nodes();
    expect(nodes.map((n) => n.opType)).toEqual(['Add', 'Identity', 'If', 'MyFn']); // file order kept
    expect(nodes[0]!.input(0)).toBe(nodes[1]!.output(0)); // wired although listed later
    const thenBranch = nodes[2]!.attrGraph('then_branch')!;
    expect(thenBranch.parentNode).toBe(nodes[2]);
    expect(thenBranch.firstNode!.input(0)).toBe(x); // the outer Value itself
    const algo = model.trainingInfo[0]!.algorithm!;
    expect(algo.firstNode!.input(0)).toBe(w); // the main graph's initializer
    const fn = model.functions[0]!;
    expect(fn.id).toBe('custom:MyFn:v2');
    expect(fn.attributes).toEqual(['alpha']);
    expect(fn.attributeDefaults[0]).toMatchObject({ name: 'beta', type: AttributeType.FLOAT, value: 0.5 });
    expect(fn.graph.nodes()[1]!.attr('alpha')).toMatchObject({ ref: 'alpha' });
    expect(g.valueInfo.map((v) => v.name)).toEqual(['t', 't', 'nowhere', 'sum', 'w']);
    expect(g.valueInfo[2]!.producer).toBeUndefined();
    expect(g.sparseInitializers[0]!.sparseValue!.dims).toEqual([2, 2]);
    expect(g.quantizationAnnotation).toEqual([{ tensorName: 'w', quantParameterTensorNames: [['SCALE_TENSOR', 'd']] }]);
    expect(x.type).toMatchObject({ kind: 'tensor', shape: ['N', 2, null], dimDenotations: ['DATA_BATCH', undefined, undefined] });
    // The file lists Add before the node making its input; the order is kept unless sorting is asked for.
    expect(() => verifyModel(model)).toThrow(/read before it is defined/);
    const sorted = importModel(fromFile(richModel()).proto, { sortNodes: true });
    expect(sorted.graph.nodes().map((n) => n.opType)).toEqual(['Identity', 'Add', 'If', 'MyFn']);
    verifyModel(sorted);
  });

  it('keeps tensor encodings, int64 beyond 2^53 and attribute bytes', () => {
    const { bytes, proto } = fromFile(richModel());
    const model = importModel(proto);
    const init = (name: string) => model.graph.initializers.get(name)!.constValue!;
    const w = init('w');
    expect(w).toBeInstanceOf(BytesTensor);
    expect((w as BytesTensor).raw.buffer).toBe(bytes.buffer); // zero-copy view of the file's bytes
    expect(init('w_typed')).toBeInstanceOf(ArrayTensor);
    expect(init('w_typed').encoding).toBe('typed');
    expect(Array.from(init('i64').toArray() as BigInt64Array)).toEqual([2n ** 63n - 1n, -1n, 2n ** 53n + 1n]);
    expect(Array.from(init('u64').toArray() as BigUint64Array)).toEqual([2n ** 64n - 1n, 7n]);
    expect(Array.from(init('i4').toArray() as Int8Array)).toEqual([-1, 7, -8]);
    expect(Array.from(init('i8').toArray() as Int8Array)).toEqual([-1, 127, -128]);
    expect(new TextDecoder().decode((init('s') as StringTensor).strings[1])).toBe('ok');
    expect(init('empty').dtype).toBe(DataType.FLOAT);
    const custom = model.graph.nodes()[3]!;
    expect(custom.attr('big')).toMatchObject({ value: 2n ** 63n - 1n });
    expect(custom.attr('ints')).toMatchObject({ value: [2n ** 53n + 1n, -3, 0] });
    expect(custom.attr('bytes')!.value).toBeInstanceOf(Uint8Array); // not valid UTF-8
    const texts = custom.attr('texts')!.value as (string | Uint8Array)[];
    expect(texts[0]).toBe('héllo');
    expect(Array.from(texts[1] as Uint8Array)).toEqual([0xfe]);
    expect(custom.attr('untyped')).toMatchObject({ type: AttributeType.INT, value: 5 });
    expect(custom.inputs[1]).toBeNull();
    expect(custom.outputs[1]!.name).toBe('');
  });
});
