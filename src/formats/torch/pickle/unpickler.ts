/**
 * A pickle reader that never executes anything. It runs the opcode machine of protocols 0-5 (stack,
 * marks, memo) but every GLOBAL / STACK_GLOBAL / INST goes through an allow-list (`resolveGlobal`),
 * checked at the opcode before anything is built; what the list returns are inert values and small
 * builder functions (see torch-globals.ts). Persistent ids (storages) go to the caller's `persistentLoad`.
 * The machine is a loop, never recursion, and every size is capped (PickleLimits), so a crafted file
 * can neither overflow the JS stack nor make us allocate more than it backs.
 */
import { BridgeError, FormatError } from '../../../ir/errors.js';
import { ByteReader } from './byte-reader.js';
import { OPCODES } from './opcodes.js';
import { resolveTorchGlobal } from './torch-globals.js';
import { kindOf, PyCallable, PyClass, PyDict, PyObject, PyTuple, type CallSite, type PickleValue } from './values.js';

export interface PickleLimits {
  /** Items on the stack, counting those under every open MARK. */
  maxStack: number;
  /** Open MARKs at once. */
  maxMarks: number;
  maxMemo: number;
  /** Bytes of one LONG/LONG4 integer. */
  maxLongBytes: number;
  /** Bytes of one text-protocol line. */
  maxLineBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxStack: 1 << 24,
  maxMarks: 1 << 20,
  maxMemo: 1 << 24,
  maxLongBytes: 1024,
  maxLineBytes: 1 << 16,
};

/** Looks a `module name` pair up in an allow-list: the value, or undefined when the global is not allowed. */
export type GlobalResolver = (module: string, name: string) => PickleValue | undefined;

export interface UnpickleOptions {
  /** The file, for messages. */
  file: string;
  /** The pickle's name inside the file (e.g. `data.pkl`), for messages. */
  entry?: string;
  /** The allow-list; the default knows what torch.jit.save, torch.save and torch.export write. */
  resolveGlobal?: GlobalResolver;
  /** Turns a persistent id (BINPERSID) into a value, usually a storage. Without it, persistent ids are an error. */
  persistentLoad?: (pid: PickleValue, site: CallSite) => PickleValue;
  limits?: Partial<PickleLimits>;
}

/** Decodes one pickle. Bad or hostile input is a FormatError naming the file, the entry and the byte offset. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PickleValue {
  return new Unpickler(bytes, options).run();
}

/** The machine's state; the opcode handlers in opcodes.ts work on it. */
export class Unpickler {
  readonly reader: ByteReader;
  readonly limits: PickleLimits;
  stack: PickleValue[] = [];
  private readonly metastack: PickleValue[][] = [];
  /** Items held in the stacks under open MARKs, for the stack cap. */
  private held = 0;
  readonly memo = new Map<number, PickleValue>();
  /** Offset of the opcode being run, for messages. */
  opOffset = 0;
  protocol = 0;
  done = false;

  constructor(
    bytes: Uint8Array,
    readonly options: UnpickleOptions,
  ) {
    this.limits = { ...DEFAULT_PICKLE_LIMITS, ...options.limits };
    this.reader = new ByteReader(bytes, (m) => this.error(m));
  }

  run(): PickleValue {
    try {
      while (!this.done) {
        this.opOffset = this.reader.pos;
        if (this.reader.remaining === 0) throw this.error('the pickle ends without a STOP opcode (truncated?)');
        const code = this.reader.u8();
        const op = OPCODES[code];
        if (op === undefined) throw this.error(`unknown pickle opcode 0x${code.toString(16).padStart(2, '0')}`);
        op.run(this);
      }
      return this.pop();
    } catch (err) {
      throw this.located(err);
    }
  }

  get site(): CallSite {
    return { file: this.options.file, entry: this.options.entry ?? 'pickle', offset: this.opOffset };
  }

  /** A FormatError at the current opcode. */
  error(message: string): FormatError {
    return new FormatError(message, { file: this.options.file, path: `${this.site.entry} byte ${this.opOffset}` });
  }

  /** Gives errors from builder functions the location they lack; anything not ours becomes a FormatError. */
  private located(err: unknown): BridgeError {
    if (err instanceof BridgeError) {
      if (err.file !== undefined) return err;
      return new FormatError(err.detail, { file: this.options.file, path: `${this.site.entry} byte ${this.opOffset}` }, { cause: err });
    }
    const detail = `malformed pickle: ${err instanceof Error ? err.message : String(err)}`;
    return new FormatError(detail, { file: this.options.file, path: `${this.site.entry} byte ${this.opOffset}` }, { cause: err });
  }

  push(v: PickleValue): void {
    if (this.held + this.stack.length >= this.limits.maxStack) throw this.error(`more than ${this.limits.maxStack} items on the pickle stack`);
    this.stack.push(v);
  }

  pop(): PickleValue {
    if (this.stack.length === 0) throw this.error('pop from an empty stack (or past a MARK)');
    return this.stack.pop()!;
  }

  top(): PickleValue {
    if (this.stack.length === 0) throw this.error('the stack is empty (or only a MARK is left)');
    return this.stack[this.stack.length - 1]!;
  }

  mark(): void {
    if (this.metastack.length >= this.limits.maxMarks) throw this.error(`more than ${this.limits.maxMarks} nested MARKs`);
    this.metastack.push(this.stack);
    this.held += this.stack.length;
    this.stack = [];
  }

  /** The items pushed since the last MARK, which is removed. */
  popMark(): PickleValue[] {
    const outer = this.metastack.pop();
    if (outer === undefined) throw this.error('no MARK to pop to');
    const items = this.stack;
    this.stack = outer;
    this.held -= outer.length;
    return items;
  }

  get hasMark(): boolean {
    return this.metastack.length > 0;
  }

  memoPut(index: number, v: PickleValue): void {
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemo) throw this.error(`more than ${this.limits.maxMemo} memo entries`);
    this.memo.set(index, v);
  }

  memoGet(index: number): PickleValue {
    const v = this.memo.get(index);
    if (v === undefined) throw this.error(`memo entry ${index} was never stored`);
    return v;
  }

  /** GLOBAL/STACK_GLOBAL/INST: the allow-list decides, before anything is built. */
  global(module: string, name: string): PickleValue {
    const resolve = this.options.resolveGlobal ?? resolveTorchGlobal;
    const v = resolve(module, name);
    if (v === undefined) {
      throw this.error(
        `pickle global ${module}.${name} is not allowed: only functions that rebuild tensors, typed lists and dicts are (nothing in a pickle is ever executed)`,
      );
    }
    return v;
  }

  /** REDUCE / NEWOBJ / INST / OBJ: only allow-listed builders run, and TorchScript classes become PyObjects. */
  call(callee: PickleValue, args: readonly PickleValue[]): PickleValue {
    if (callee instanceof PyCallable) return callee.call(args, this.site);
    if (callee instanceof PyClass) return new PyObject(callee.qualifiedName, args);
    throw this.error(`a ${kindOf(callee)} is not callable`);
  }

  /** BUILD: sets the state of an object, or the attributes of a dict (a state dict's `_metadata`). */
  build(target: PickleValue, state: PickleValue): void {
    if (target instanceof PyObject) {
      if (target.state instanceof PyDict && state instanceof PyDict) for (const [k, v] of state) target.state.set(k, v);
      else target.state = state;
      return;
    }
    if (target instanceof PyDict) {
      // Python's default BUILD: a dict state updates __dict__; a (dict, slots) pair may carry None.
      const dict = state instanceof PyTuple ? state.items[0] : state;
      if (!(dict instanceof PyDict)) throw this.error(`BUILD of a ${kindOf(target)} with a ${kindOf(state)} state`);
      for (const [k, v] of dict) {
        if (typeof k !== 'string') throw this.error(`BUILD attribute name is a ${kindOf(k)}, not a str`);
        target.attributes.set(k, v);
      }
      return;
    }
    throw this.error(`BUILD on a ${kindOf(target)}, which has no state to set`);
  }

  persistent(pid: PickleValue): void {
    const load = this.options.persistentLoad;
    if (load === undefined) throw this.error('a persistent id (storage reference) in a pickle read without a storage loader');
    this.push(load(pid, this.site));
  }
}

/** Typed accessors for builder functions: a FormatError (located by the machine) when the shape is wrong. */
export function argTuple(v: PickleValue, what: string): readonly PickleValue[] {
  if (v instanceof PyTuple) return v.items;
  throw new FormatError(`${what} must be a tuple, not a ${kindOf(v)}`);
}
