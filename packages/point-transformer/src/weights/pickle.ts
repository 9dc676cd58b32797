/**
 * A restricted, data-only reader for the pickles `torch.save` writes (protocol 2). It never
 * executes anything: GLOBAL may only name callables the caller allow-lists (mapped to JS
 * functions), persistent ids go to a caller-supplied loader, and any opcode outside the small set
 * below is refused with an error naming it and its byte offset.
 *
 * Supported: PROTO, FRAME, STOP, MARK, NONE, NEWTRUE, NEWFALSE, BININT, BININT1, BININT2, LONG1,
 * BINFLOAT, BINUNICODE, SHORT_BINUNICODE, EMPTY_TUPLE, TUPLE, TUPLE1-3, EMPTY_LIST, APPEND(S),
 * EMPTY_DICT, SETITEM(S), BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET, GLOBAL, BINPERSID,
 * REDUCE, BUILD (on dicts only: OrderedDict's `_metadata`, ignored).
 */

/** Values a restricted pickle can produce. Tuples and lists are arrays; dicts are ordered Maps. */
export type PickleValue = unknown;

/** Options of {@link readPickle}. */
export interface PickleOptions {
  /** Allowed globals by 'module.name', each a JS function called by REDUCE with the arguments. */
  globals: Record<string, (...args: PickleValue[]) => PickleValue>;
  /** Globals that may appear as plain values (never called), e.g. 'torch.FloatStorage'. */
  markers?: readonly string[];
  /** Resolves BINPERSID ids (torch: ['storage', type, key, location, numel]). */
  persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Names the pickle in errors (e.g. 'model.pth/archive/data.pkl'). */
  source?: string;
}

/**
 * A global named in the pickle that is allowed as a value but not callable (e.g. a storage type).
 *
 * @example
 * ```ts
 * new PickleGlobal('torch', 'FloatStorage').qualified; // 'torch.FloatStorage'
 * ```
 */
export class PickleGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

const MARK = Symbol('mark');

/**
 * Reads one pickle from `bytes` with the restrictions of {@link PickleOptions}.
 *
 * @example
 * ```ts
 * // pickle.dumps({'a': 1}, protocol=2)
 * readPickle(new Uint8Array([0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1, 0x73, 0x2e]), { globals: {} });
 * // Map { 'a' => 1 }
 * ```
 */
export function readPickle(bytes: Uint8Array, options: PickleOptions): PickleValue {
  const src = options.source ?? 'pickle';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PickleValue[] = [];
  const memo = new Map<number, PickleValue>();
  const callables = new Map<PickleValue, (...args: PickleValue[]) => PickleValue>();
  let pos = 0;

  const fail = (what: string, at = pos): never => {
    throw new Error(`${src}: ${what} (at byte ${at})`);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`truncated: expected ${n} more byte(s), the pickle has ${bytes.length - pos}`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const utf8 = (n: number) => {
    need(n);
    pos += n;
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(pos - n, pos));
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('truncated: GLOBAL name without a newline');
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length === 0 ? fail('stack underflow') : stack.pop());
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('MARK expected on the stack');
    const items = stack.splice(at);
    return items.slice(1);
  };
  const top = () => (stack.length === 0 ? fail('stack underflow') : stack[stack.length - 1]);
  const setItems = (dict: PickleValue, items: PickleValue[]) => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<PickleValue, PickleValue>).set(items[i], items[i + 1]);
  };
  const append = (list: PickleValue, items: PickleValue[]) => {
    if (!Array.isArray(list)) fail('APPEND(S) on something that is not a list');
    (list as PickleValue[]).push(...items);
  };
  const get = (i: number) => (memo.has(i) ? memo.get(i) : fail(`memo entry ${i} is not defined`));

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: need(8); pos += 8; break; // FRAME
      case 0x2e: { // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack (expected 1)`, at);
        return stack[0];
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: { // LONG1
        const n = u8();
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]!);
        if (n > 0 && bytes[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break; // BINFLOAT
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x73: { const v = pop(), k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(get(u8())); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      case 0x63: { // GLOBAL
        const qualified = `${line()}.${line()}`;
        const fn = options.globals[qualified];
        if (fn) {
          const handle = new PickleGlobal(qualified.slice(0, qualified.lastIndexOf('.')), qualified.slice(qualified.lastIndexOf('.') + 1));
          callables.set(handle, fn);
          stack.push(handle);
        } else if (options.markers?.includes(qualified)) {
          stack.push(new PickleGlobal(qualified.slice(0, qualified.lastIndexOf('.')), qualified.slice(qualified.lastIndexOf('.') + 1)));
        } else {
          const allowed = [...Object.keys(options.globals), ...(options.markers ?? [])].join(', ');
          fail(`refusing global '${qualified}' (allowed: ${allowed})`, at);
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) fail('persistent id without a loader', at);
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(), callable = pop();
        const fn = callables.get(callable);
        if (!fn) fail(`REDUCE on a value that is not an allowed callable`, at);
        if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple', at);
        stack.push(fn!(...(args as PickleValue[])));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        if (!(top() instanceof Map)) fail('BUILD on something other than a dict (only OrderedDict metadata is accepted)', at);
        if (!(state instanceof Map) && state !== null) fail('BUILD state is not a dict', at);
        break; // OrderedDict._metadata (module versions) is not needed
      }
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}${printable(op)}; only the data opcodes torch.save uses are accepted`, at);
    }
  }
}

function printable(op: number): string {
  return op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : '';
}
