import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { decodeGraphDef, encodeTfMessage } from './codec.js';
import { fromProtoJson } from './proto-json.js';
import { mapGet, messageType } from './schema.js';
import { TESTDATA } from './test-helpers.js';

const plain = (kind: 'GraphDef' | 'NodeDef', m: object) => messageType(kind).toObject(m as never, { longs: String, bytes: String });

describe('fromProtoJson', () => {
  it('turns the JSON form of a GraphDef (MessageToDict, as TF.js writes) into what the binary decoder gives', () => {
    const fromPb = decodeGraphDef(fs.readFileSync(path.join(TESTDATA, 'frozen.pb')));
    const json = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'frozen.json'), 'utf8')) as unknown;
    const fromJson = fromProtoJson('GraphDef', json, 'frozen.json');
    expect(plain('GraphDef', fromJson)).toEqual(plain('GraphDef', fromPb));
    // Same object shape too: oneof getters, own maps, absent fields undefined.
    const node = fromJson.node!.find((n) => n.op === 'Const')!;
    expect(mapGet(node.attr, 'value')?.value).toBe('tensor');
    expect(mapGet(node.attr, 'dtype')?.value).toBe('type');
    expect(node.device).toBeUndefined();
  });

  it('reads every JSON spelling of scalars', () => {
    const n = fromProtoJson(
      'NodeDef',
      {
        name: 'n',
        attr: {
          i: { i: '-9223372036854775808' },
          j: { i: 5 },
          f: { f: 'NaN' },
          g: { f: '-Infinity' },
          s: { s: 'U0FNRQ==' },
          u: { s: '_-8' },
          t: { type: 'DT_HALF' },
          t2: { type: 3 },
          l: { list: { i: ['1', '2'], type: ['DT_FLOAT'], shape: [{ dim: [{ size: '-1' }] }] } },
          fn: { func: { name: 'f', attr: { T: { type: 'DT_FLOAT' } } } },
        },
        experimental_debug_info: { originalNodeNames: ['a'] },
      },
      'm.json',
    );
    const attr = (k: string) => mapGet(n.attr, k)!;
    expect(attr('i').i?.toString()).toBe('-9223372036854775808');
    expect(attr('j').i?.toString()).toBe('5');
    expect(attr('f').f).toBeNaN();
    expect(attr('g').f).toBe(-Infinity);
    expect(new TextDecoder().decode(attr('s').s)).toBe('SAME');
    expect(Array.from(attr('u').s!)).toEqual([0xff, 0xef]);
    expect(attr('t').type).toBe(19);
    expect(attr('t2').type).toBe(3);
    expect(attr('l').list?.i?.map(String)).toEqual(['1', '2']);
    expect(attr('l').list?.shape?.[0]?.dim?.[0]?.size?.toString()).toBe('-1');
    expect(mapGet(attr('fn').func?.attr, 'T')?.type).toBe(1);
    expect(n.experimental_debug_info?.original_node_names).toEqual(['a']);
  });

  it('keeps odd map keys as own properties', () => {
    const n = fromProtoJson('NodeDef', JSON.parse('{"attr": {"__proto__": {"b": true}, "constructor": {"b": false}}}'), 'm.json');
    expect(Object.keys(n.attr!)).toEqual(['__proto__', 'constructor']);
    expect(mapGet(n.attr, '__proto__')?.b).toBe(true);
    expect(Object.getPrototypeOf(n.attr)).toBe(Object.prototype);
  });

  it('keys integer maps as the binary decoder does (64-bit keys included)', () => {
    const json = { debugInfo: { framesById: { '18446744073709551615': { line: 3 } } }, node: [{ name: 'a', op: 'NoOp' }] };
    const fromJson = fromProtoJson('GraphDef', json, 'g.json');
    const viaWire = decodeGraphDef(encodeTfMessage('GraphDef', fromJson));
    expect(Object.keys(viaWire.debug_info!.frames_by_id!)).toEqual(Object.keys(fromJson.debug_info!.frames_by_id!));
    expect(Object.values(viaWire.debug_info!.frames_by_id!)[0]!.line).toBe(3);
    const f = fromProtoJson('FunctionDef', { argAttr: { '2': { attr: {} } }, resourceArgUniqueId: { '01': 4 } }, 'f.json');
    expect(Object.keys(f.arg_attr!)).toEqual(['2']);
    expect(f.resource_arg_unique_id).toEqual({ '1': 4 });
  });

  it('refuses nesting deeper than the binary decoder allows', () => {
    let deep: object = { name: 'f' };
    for (let i = 0; i < 200; i++) deep = { name: 'f', attr: { a: { func: deep } } };
    expect(() => fromProtoJson('NameAttrList', deep, 'deep.json')).toThrow(/nested more than 100 levels deep/);
  });

  it('names the file and the JSON path of what is wrong', () => {
    const bad = (json: unknown, re: RegExp) => {
      try {
        fromProtoJson('GraphDef', json, 'model.json', '$.modelTopology');
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        expect((e as FormatError).file).toBe('model.json');
        expect((e as Error).message).toMatch(re);
        return;
      }
      throw new Error('expected an error');
    };
    bad({ node: [{ name: 'a', bogus: 1 }] }, /\$\.modelTopology\.node\[0\]\.bogus: NodeDef has no field "bogus"/);
    bad({ node: [{ attr: { T: { type: 'DT_NOPE' } } }] }, /node\[0\]\.attr\["T"\]\.type: "DT_NOPE" is not a value of DataType/);
    bad({ node: [{ attr: { x: { i: '1.5' } } }] }, /attr\["x"\]\.i: expected an integer string/);
    bad({ node: [{ attr: { x: { i: '9223372036854775808' } } }] }, /out of range for int64/);
    bad({ node: [{ attr: { x: { s: 'not base64!' } } }] }, /expected base64 bytes/);
    bad({ node: [{ attr: { x: { i: '1', f: 2 } } }] }, /same oneof/);
    bad({ node: {} }, /\.node: expected an array/);
    bad({ versions: { producer: 1.5 } }, /versions\.producer: expected an integer/);
    bad([], /expected an object for GraphDef, got an array/);
  });
});
