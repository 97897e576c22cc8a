import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../ir/errors.js';
import { unpickle, type UnpickleOptions } from './unpickler.js';
import { PyComplex, PyDict, PyObject, PySlice, PyTuple, TorchDevice, TorchDType, type PickleValue } from './values.js';

/** Pickle bytes from parts: strings are taken byte per char (latin-1), arrays as bytes. */
function pk(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i));
    else out.push(...p);
  }
  return new Uint8Array(out);
}
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const opts: UnpickleOptions = { file: 'model.pt', entry: 'data.pkl' };
const load = (bytes: Uint8Array, o: Partial<UnpickleOptions> = {}): PickleValue => unpickle(bytes, { ...opts, ...o });

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw new Error(`expected a FormatError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a FormatError, but it decoded');
}

/**
 * pickle.dumps(v, protocol=p) for p = 0..5 by CPython 3.11, with
 * v = {'a': [1, -2, 2.5, 'x\u00e9\n', None, True, False, b'by', (1, 2), {3}, frozenset({4})],
 *      'big': 2**80, 'neg': -(2**40), 'od': OrderedDict([('k', 1)]), 'e': (), 't1': ('z',)}
 */
const PYTHON_PICKLES = [
  '286470300a56610a70310a286c70320a49310a61492d320a6146322e350a615678e95c75303030610a70330a614e614930310a614930300a61635f636f646563730a656e636f64650a70340a285662790a70350a566c6174696e310a70360a7470370a5270380a612849310a49320a7470390a61635f5f6275696c74696e5f5f0a7365740a7031300a28286c7031310a49330a61747031320a527031330a61635f5f6275696c74696e5f5f0a66726f7a656e7365740a7031340a28286c7031350a49340a61747031360a527031370a6173566269670a7031380a4c313230383932353831393631343632393137343730363137364c0a73566e65670a7031390a4c2d313039393531313632373737364c0a73566f640a7032300a63636f6c6c656374696f6e730a4f726465726564446963740a7032310a2874527032320a566b0a7032330a49310a737356650a7032340a2874735674310a7032350a28567a0a7032360a747032370a732e',
  '7d71002858010000006171015d7102284b014afeffffff474004000000000000580400000078c3a90a71034e4930310a4930300a635f636f646563730a656e636f64650a71042858020000006279710558060000006c6174696e317106747107527108284b014b02747109635f5f6275696c74696e5f5f0a7365740a710a285d710b4b036174710c52710d635f5f6275696c74696e5f5f0a66726f7a656e7365740a710e285d710f4b046174711052711165580300000062696771124c313230383932353831393631343632393137343730363137364c0a58030000006e656771134c2d313039393531313632373737364c0a58020000006f64711463636f6c6c656374696f6e730a4f726465726564446963740a71152952711658010000006b71174b01735801000000657118295802000000743171192858010000007a711a74711b752e',
  '80027d71002858010000006171015d7102284b014afeffffff474004000000000000580400000078c3a90a71034e8889635f636f646563730a656e636f64650a710458020000006279710558060000006c6174696e3171068671075271084b014b02867109635f5f6275696c74696e5f5f0a7365740a710a5d710b4b036185710c52710d635f5f6275696c74696e5f5f0a66726f7a656e7365740a710e5d710f4b046185711052711165580300000062696771128a0b000000000000000000000158030000006e656771138a060000000000ff58020000006f64711463636f6c6c656374696f6e730a4f726465726564446963740a71152952711658010000006b71174b017358010000006571182958020000007431711958010000007a711a85711b752e',
  '80037d71002858010000006171015d7102284b014afeffffff474004000000000000580400000078c3a90a71034e88894302627971044b014b02867105636275696c74696e730a7365740a71065d71074b0361857108527109636275696c74696e730a66726f7a656e7365740a710a5d710b4b046185710c52710d655803000000626967710e8a0b000000000000000000000158030000006e6567710f8a060000000000ff58020000006f64711063636f6c6c656374696f6e730a4f726465726564446963740a71112952711258010000006b71134b017358010000006571142958020000007431711558010000007a7116857117752e',
  '8004959b000000000000007d94288c0161945d94284b014afeffffff4740040000000000008c0478c3a90a944e888943026279944b014b0286948f94284b0390284b049194658c03626967948a0b00000000000000000000018c036e6567948a060000000000ff8c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c016594298c027431948c017a948594752e',
  '8005959b000000000000007d94288c0161945d94284b014afeffffff4740040000000000008c0478c3a90a944e888943026279944b014b0286948f94284b0390284b049194658c03626967948a0b00000000000000000000018c036e6567948a060000000000ff8c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c016594298c027431948c017a948594752e',
];

describe('plain data, every protocol', () => {
  PYTHON_PICKLES.forEach((h, protocol) => {
    it(`decodes CPython's protocol ${protocol} pickle`, () => {
      const v = load(hex(h));
      expect(v).toBeInstanceOf(PyDict);
      const d = v as PyDict;
      expect([...d.keys()]).toEqual(['a', 'big', 'neg', 'od', 'e', 't1']);
      const a = d.get('a') as PickleValue[];
      expect(a.slice(0, 7)).toEqual([1, -2, 2.5, 'x\u00e9\n', null, true, false]);
      expect(a[7]).toEqual(new Uint8Array([0x62, 0x79]));
      expect((a[8] as PyTuple).items).toEqual([1, 2]);
      expect(a[9]).toEqual(new Set([3]));
      expect(a[10]).toEqual(new Set([4]));
      expect(d.get('big')).toBe(2n ** 80n);
      expect(d.get('neg')).toBe(-(2 ** 40));
      const od = d.get('od') as PyDict;
      expect(od.className).toBe('collections.OrderedDict');
      expect([...od]).toEqual([['k', 1]]);
      expect((d.get('e') as PyTuple).length).toBe(0);
      expect((d.get('t1') as PyTuple).items).toEqual(['z']);
    });
  });

  it('shares memoised values instead of copying them', () => {
    // [x, x] where x = [] : EMPTY_LIST BINPUT 0 ... BINGET 0
    const v = load(pk([0x80, 2], ']', 'q', [0], ']', 'q', [1], 'h', [1], 'h', [1], '\x86', 'a', '.')) as PickleValue[];
    const t = v[0] as PyTuple;
    expect(t.items[0]).toBe(t.items[1]);
  });

  it('reads protocol-0 text forms: INT bools, LONG, FLOAT, quoted STRING, GET/PUT', () => {
    const v = load(pk('(', 'I01\n', 'I00\n', 'I-7\n', 'L99999999999999999999L\n', 'F-1.25e2\n', "S'a\\'b\\n\\x41'\n", 'p5\n', 'g5\n', 'l.')) as PickleValue[];
    expect(v).toEqual([true, false, -7, 99999999999999999999n, -125, "a'b\nA", "a'b\nA"]);
  });

  it('reads TorchScript values: complex, device, dtype, slices, typed lists and tagged dicts', () => {
    const v = load(
      pk(
        [0x80, 2], '(',
        'cbuiltins\ncomplex\n', 'G', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0], 'G', [0x40, 0, 0, 0, 0, 0, 0, 0], '\x86R',
        'ctorch\ndevice\n', 'X', u32(6), 'cuda:1', '\x85R',
        'ctorch\nbfloat16\n',
        'c__builtin__\nslice\n', 'K', [1], 'K', [5], 'N', '\x87R',
        'ctorch.jit._pickle\nbuild_intlist\n', ']', '(', 'K', [1], 'K', [2], 'e', '\x85R',
        'ctorch.jit._pickle\nrestore_type_tag\n', '}', 'X', u32(1), 'a', 'K', [1], 's', 'X', u32(14), 'Dict[str, int]', '\x86R',
        'l.',
      ),
    ) as PickleValue[];
    expect(v[0]).toEqual(new PyComplex(1, 2));
    expect(v[1]).toEqual(new TorchDevice('cuda', 1));
    expect((v[2] as TorchDType).info.name).toBe('bfloat16');
    expect(v[3]).toEqual(new PySlice(1, 5, null));
    expect(v[4]).toEqual([1, 2]);
    expect((v[5] as PyDict).typeTag).toBe('Dict[str, int]');
  });

  it('builds TorchScript module objects inertly: NEWOBJ records the class, BUILD the state', () => {
    const v = load(pk([0x80, 2], 'c__torch__.foo\nBar\n', ')', '\x81', '}', '(', 'X', u32(8), 'training', '\x89', 'u', 'b', '.'));
    expect(v).toBeInstanceOf(PyObject);
    const obj = v as PyObject;
    expect(obj.className).toBe('__torch__.foo.Bar');
    expect(obj.attr('training')).toBe(false);
  });

  it('decodes a 200,000-deep nested list without recursion', () => {
    const depth = 200_000;
    const bytes = new Uint8Array(2 + depth + (depth - 1) + 1);
    bytes.set([0x80, 2]);
    bytes.fill(0x5d, 2, 2 + depth); // EMPTY_LIST
    bytes.fill(0x61, 2 + depth, 2 + depth + depth - 1); // APPEND
    bytes[bytes.length - 1] = 0x2e;
    let v = load(bytes) as PickleValue[];
    let n = 1;
    while (v.length > 0) {
      v = v[0] as PickleValue[];
      n++;
    }
    expect(n).toBe(depth);
  });
});

describe('hostile and broken pickles: a FormatError naming the file, the pickle and the byte', () => {
  const evil: [string, Uint8Array][] = [
    ['os.system', pk([0x80, 2], 'cos\nsystem\n', 'X', u32(2), 'id', '\x85R.')],
    ['posix.system', pk('cposix\nsystem\n(S\'id\'\ntR.')],
    ['builtins.eval', pk([0x80, 2], 'cbuiltins\neval\n', 'X', u32(8), '1+1 == 2', '\x85R.')],
    ['__builtin__.exec', pk('c__builtin__\nexec\n(S\'x\'\ntR.')],
    ['subprocess.Popen', pk([0x80, 2], 'csubprocess\nPopen\n', ')', '\x81.')],
    ['builtins.getattr', pk([0x80, 2], 'cbuiltins\ngetattr\n.')],
    ['torch.load', pk([0x80, 2], 'ctorch\nload\n.')],
  ];
  for (const [global, bytes] of evil) {
    it(`refuses GLOBAL ${global} at the opcode, before anything is built`, () => {
      const err = formatError(() => load(bytes));
      expect(err.message).toContain(`model.pt, data.pkl byte `);
      expect(err.message).toContain(`pickle global ${global} is not allowed`);
      expect(err.file).toBe('model.pt');
      // the offset is the GLOBAL opcode's, so no REDUCE/NEWOBJ ever ran
      expect(err.path).toBe(`data.pkl byte ${bytes[0] === 0x80 ? 2 : 0}`);
    });
  }

  it('refuses the same globals through STACK_GLOBAL and INST', () => {
    const viaStack = pk([0x80, 4], [0x8c, 2], 'os', [0x8c, 6], 'system', [0x93], [0x8c, 2], 'id', '\x85R.');
    expect(formatError(() => load(viaStack)).message).toMatch(/data\.pkl byte 14: pickle global os\.system is not allowed/);
    const viaInst = pk('(S\'id\'\nios\nsystem\n.');
    expect(formatError(() => load(viaInst)).message).toMatch(/pickle global os\.system is not allowed/);
  });

  it('refuses nested unpicklers and says quantized tensors are unsupported', () => {
    expect(formatError(() => load(pk([0x80, 2], 'ctorch.storage\n_load_from_bytes\n.'))).message).toMatch(/_load_from_bytes: .*refused/);
    expect(formatError(() => load(pk([0x80, 2], 'ctorch._utils\n_rebuild_qtensor\n.'))).message).toMatch(/quantized tensors are not supported/);
    expect(formatError(() => load(pk([0x80, 2], 'ctorch\nQInt8Storage\n.'))).message).toMatch(/torch\.QInt8Storage is not supported/);
    expect(formatError(() => load(pk([0x80, 2], 'c_codecs\nencode\nX', u32(1), 'a', 'X', u32(5), 'rot13', '\x86R.'))).message).toMatch(
      /_codecs\.encode is only allowed for \(str, 'latin1'\)/,
    );
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['an unknown opcode', pk([0x80, 2], 'N', [0xff], '.'), /data\.pkl byte 3: unknown pickle opcode 0xff/],
    ['a huge BINUNICODE length', pk([0x80, 2], 'X', u32(0xfffffff0), 'abc.'), /byte 2: BINUNICODE needs 4294967280 bytes but only 4 are left/],
    ['a huge BINBYTES8 length', pk([0x80, 4], [0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10], '.'), /BINBYTES8 needs \d+ bytes but only 1 are left/],
    ['a huge LONG4', pk([0x80, 2], [0x8b], u32(1 << 30), '.'), /a LONG4 of 1073741824 bytes is longer than the 1024 allowed/],
    ['a negative BINSTRING length', pk('T', [0xff, 0xff, 0xff, 0xff], '.'), /BINSTRING has a negative length/],
    ['a huge FRAME', pk([0x80, 4, 0x95], [0, 0, 0, 0, 0, 0, 0, 1], '.'), /a frame of \d+ bytes runs past the end/],
    ['no STOP', pk([0x80, 2], 'K', [1]), /byte 4: the pickle ends without a STOP opcode/],
    ['an empty pickle', new Uint8Array(0), /byte 0: the pickle ends without a STOP/],
    ['a missing memo entry', pk([0x80, 2], 'h', [7], '.'), /memo entry 7 was never stored/],
    ['a stack underflow', pk([0x80, 2], 'R.'), /pop from an empty stack/],
    ['APPEND to a dict', pk([0x80, 2], '}', 'K', [1], 'a.'), /APPEND to a dict, not a list/],
    ['SETITEM on a list', pk([0x80, 2], ']', 'K', [1], 'K', [2], 's.'), /SETITEM on a list, not a dict/],
    ['REDUCE of a string', pk([0x80, 2], 'X', u32(1), 'f', ')', 'R.'), /a str is not callable/],
    ['REDUCE with non-tuple args', pk([0x80, 2], 'ccollections\nOrderedDict\n', ']', 'R.'), /REDUCE arguments must be a tuple, not a list/],
    ['BUILD on an int', pk([0x80, 2], 'K', [1], '}', 'b.'), /BUILD on a int/],
    ['invalid UTF-8', pk([0x80, 2], 'X', u32(2), [0xc3, 0x28], '.'), /not valid UTF-8/],
    ['a protocol from the future', pk([0x80, 9], '.'), /pickle protocol 9 is newer than 5/],
    ['a persistent id without a loader', pk([0x80, 2], 'K', [1], 'Q.'), /persistent id .* without a storage loader/],
    ['a pop to a missing MARK', pk([0x80, 2], 't.'), /no MARK to pop to/],
    ['an EXT1 code', pk([0x80, 2], [0x82, 1], '.'), /EXT1 \(a copyreg extension code\) is not supported/],
    ['an out-of-band buffer', pk([0x80, 5], [0x97], '.'), /out-of-band buffers/],
    ['a bad INT line', pk('I12x\n.'), /INT "12x" is not an integer/],
    ['a line without an end', pk('I12'), /INT: no end of line/],
    ['a bad tensor rebuild', pk([0x80, 2], 'ctorch._utils\n_rebuild_tensor_v2\n', '(', 'K', [1], 'K', [0], ')', ')', '\x89', 'N', 't', 'R.'), /storage must come from a persistent id, not a int/],
  ];
  for (const [what, bytes, message] of broken) {
    it(`rejects ${what}`, () => {
      const err = formatError(() => load(bytes));
      expect(err.message).toMatch(/^model\.pt, data\.pkl byte \d+: /);
      expect(err.message).toMatch(message);
    });
  }

  it('caps the stack, the marks and the memo', () => {
    const pushes = pk([0x80, 2], ...Array.from({ length: 50 }, () => 'N'), '.');
    expect(formatError(() => load(pushes, { limits: { maxStack: 20 } })).message).toMatch(/more than 20 items on the pickle stack/);
    const marks = pk([0x80, 2], ...Array.from({ length: 50 }, () => '('), '.');
    expect(formatError(() => load(marks, { limits: { maxMarks: 10 } })).message).toMatch(/more than 10 nested MARKs/);
    const memo = pk([0x80, 2], 'N', ...Array.from({ length: 50 }, (_, i) => ['q', [i]] as [string, number[]]).flat(), '.');
    expect(formatError(() => load(memo, { limits: { maxMemo: 5 } })).message).toMatch(/more than 5 memo entries/);
  });

  it('rejects globals a custom allow-list does not know', () => {
    const bytes = pk([0x80, 2], 'ccollections\nOrderedDict\n', ')', 'R.');
    expect(formatError(() => load(bytes, { resolveGlobal: () => undefined })).message).toMatch(/collections\.OrderedDict is not allowed/);
  });
});
