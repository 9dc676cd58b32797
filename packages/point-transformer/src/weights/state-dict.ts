import type { HostTensor, StateDict } from '../nn/host-tensor.js';
import type { Module, Param } from '../nn/module.js';

/**
 * The module's weights and statistics in PyTorch layout under the reference state-dict names
 * (a tied query/key weight appears under both names, as in PyTorch). `num_batches_tracked` is
 * int64.
 *
 * @example
 * ```ts
 * const sd = getStateDict(model);
 * sd.get('conv1.weight')!.shape; // [64, 3, 1]
 * ```
 */
export function getStateDict(module: Module): StateDict {
  return buildStateDict(module, (param) => param.toTorch());
}

/**
 * {@link getStateDict} with the variables read asynchronously (all at once): what training and
 * checkpointing use, since webgpu in Node has no synchronous read.
 *
 * @example
 * ```ts
 * const sd = await getStateDictAsync(model); // the same entries as getStateDict(model)
 * ```
 */
export async function getStateDictAsync(module: Module): Promise<StateDict> {
  const params = [...new Set(module.stateEntries().flatMap((e) => (e.kind === 'counter' ? [] : [e.param])))];
  const values = await Promise.all(params.map((p) => p.variable.data()));
  const read = new Map(params.map((p, i) => [p, values[i] as Float32Array]));
  return buildStateDict(module, (param) => param.toTorchFrom(read.get(param)!));
}

function buildStateDict(module: Module, hostOf: (param: Param) => HostTensor): StateDict {
  const out: StateDict = new Map();
  for (const e of module.stateEntries()) {
    if (e.kind === 'counter') {
      out.set(e.name, { dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(e.counter.value)) });
    } else {
      out.set(e.name, hostOf(e.param));
    }
  }
  return out;
}

/** Options of {@link loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on keys the model does not have. Default true. Missing keys always throw. */
  strict?: boolean;
  /** Names the source in errors, e.g. the checkpoint's file name. */
  source?: string;
}

/**
 * Loads PyTorch-layout tensors into a module. Keys may carry DataParallel's `module.` prefix.
 * A tied weight (PCT's `q_conv.weight` = `k_conv.weight`) needs only one of its names; when both
 * are present they must be equal. Errors name the source, the key and what was expected.
 *
 * @example
 * ```ts
 * loadStateDict(model, readSafetensors(buffer), { source: 'pct.safetensors' });
 * ```
 */
export function loadStateDict(module: Module, stateDict: StateDict, options: LoadStateDictOptions = {}): void {
  const where = options.source ? `${options.source}: ` : '';
  const sd = stripModulePrefix(stateDict);
  const entries = module.stateEntries();
  const byParam = new Map<unknown, string[]>();
  for (const e of entries) {
    const owner = e.kind === 'counter' ? e.counter : e.param;
    byParam.set(owner, [...(byParam.get(owner) ?? []), e.name]);
  }
  const known = new Set(entries.map((e) => e.name));
  if (options.strict ?? true) {
    const unexpected = [...sd.keys()].filter((k) => !known.has(k));
    if (unexpected.length) throw new Error(`${where}unexpected keys: ${unexpected.slice(0, 8).join(', ')}${unexpected.length > 8 ? ', …' : ''}`);
  }
  const loads: (() => void)[] = [];
  for (const [owner, names] of byParam) {
    const present = names.filter((n) => sd.has(n));
    if (present.length === 0) {
      throw new Error(`${where}missing key ${names.join(' (or ')}${names.length > 1 ? ')' : ''}`);
    }
    const first = sd.get(present[0]!)!;
    for (const other of present.slice(1)) checkTied(where, present[0]!, first, other, sd.get(other)!);
    const entry = entries.find((e) => e.name === present[0])!;
    if (entry.kind === 'counter') {
      loads.push(() => { (owner as { value: number }).value = counterValue(where + entry.name, first); });
    } else {
      // Validate every tensor before assigning any, so a bad file leaves the model unchanged.
      checkShape(where + entry.name, entry.param.torchShape, first);
      loads.push(() => entry.param.fromTorch(first, where + entry.name));
    }
  }
  loads.forEach((load) => load());
}

/**
 * Removes DataParallel's `module.` prefix from every key that has it.
 *
 * @example
 * ```ts
 * [...stripModulePrefix(new Map([['module.conv1.weight', t]])).keys()]; // ['conv1.weight']
 * ```
 */
export function stripModulePrefix(sd: StateDict): StateDict {
  return new Map([...sd].map(([k, v]) => [k.startsWith('module.') ? k.slice('module.'.length) : k, v]));
}

function checkShape(key: string, want: number[], t: HostTensor): void {
  if (t.shape.join(',') !== want.join(',')) throw new Error(`${key}: expected shape [${want}], got [${t.shape}]`);
  if (t.dtype === 'int64' || t.dtype === 'int32') throw new Error(`${key}: expected a floating-point tensor, got ${t.dtype}`);
}

function counterValue(key: string, t: HostTensor): number {
  if (t.data.length !== 1) throw new Error(`${key}: expected a scalar, got shape [${t.shape}]`);
  return Number(t.data[0]!);
}

function checkTied(where: string, a: string, ta: HostTensor, b: string, tb: HostTensor): void {
  const same = ta.shape.join(',') === tb.shape.join(',') && ta.data.length === tb.data.length
    && ta.data.every((x: number | bigint, i: number) => x === tb.data[i]);
  if (!same) throw new Error(`${where}${a} and ${b} are tied in PCT (one weight) but the file holds different values`);
}
