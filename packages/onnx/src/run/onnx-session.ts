import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { isAttentionOutput } from './attention-outputs.js';

/**
 * Engines that run an ONNX graph: onnxruntime-node (native CPU), onnxruntime-web on wasm or WebGPU
 * (in browsers, and in Node through Dawn — see node-webgpu.ts).
 */
export type OnnxEngine = 'ort-node' | 'ort-wasm' | 'ort-webgpu';

/** A plain tensor going into or coming out of a session. */
export interface OnnxTensor {
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  dims: number[];
}

/** Options of {@link createOnnxSession}. */
export interface OnnxSessionOptions {
  /** Default 'auto': ort-node in Node, else ort-webgpu when the browser has WebGPU, else ort-wasm. */
  engine?: OnnxEngine | 'auto';
  /**
   * Intra-op threads (ort-node) or wasm threads (ort-wasm). Default: every logical core for ort-node
   * (onnxruntime's own default counts physical cores: one on a 2-vCPU machine, ≈ 1.6× slower here),
   * the runtime's choice for ort-wasm.
   */
  threads?: number;
  /**
   * Where onnxruntime-web finds its .wasm/.mjs files (ort.env.wasm.wasmPaths): a folder URL or a
   * file → URL map. Bundled apps that serve those files themselves (offline, no CDN) set it.
   */
  wasmPaths?: string | Record<string, string>;
  /** Least severe onnxruntime messages logged (default 'warning'; 'error' keeps graph-optimiser notes out of a console). */
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

/** A loaded ONNX model; `attentionOutputs` lists every output whose name starts with `attention`. */
export interface OnnxSession {
  readonly engine: OnnxEngine;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly attentionOutputs: readonly string[];
  /** Runs the graph; returns the requested outputs (default: all) as plain tensors. */
  run(feeds: Record<string, OnnxTensor>, outputs?: readonly string[]): Promise<Record<string, OnnxTensor>>;
  release(): Promise<void>;
}

interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32' | 'int64' | 'int32' | 'bool', data: OnnxTensor['data'], dims: readonly number[]) => Tensor;
  env: { logLevel?: OnnxSessionOptions['logLevel']; wasm: { numThreads?: number; wasmPaths?: string | Record<string, string> } };
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** The engine {@link createOnnxSession} picks for 'auto' here. */
export function defaultOnnxEngine(): OnnxEngine {
  if (isNode) return 'ort-node';
  return typeof navigator !== 'undefined' && 'gpu' in navigator ? 'ort-webgpu' : 'ort-wasm';
}

/**
 * Loads an ONNX model (bytes of a `.onnx` file: a Heed export or anyone's) into onnxruntime — the
 * native Node binding or onnxruntime-web — behind one small API. The runtime is imported on first
 * use, so a browser bundle never pulls in the Node binding.
 *
 * @example
 * ```ts
 * const session = await createOnnxSession(readFileSync('pct.onnx'), { engine: 'ort-node' });
 * const { logits, attention_1 } = await session.run({ points: { data: xyz, dims: [1, 1024, 3] } });
 * session.attentionOutputs; // ['attention_1', …, 'attention_4']
 * ```
 */
export async function createOnnxSession(model: Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const engine = options.engine === undefined || options.engine === 'auto' ? defaultOnnxEngine() : options.engine;
  if (engine === 'ort-webgpu' && isNode) await (await import('./node-webgpu.js')).prepareNodeWebGPU();
  const ort = await loadRuntime(engine);
  const sessionOptions: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  if (options.logLevel) {
    sessionOptions.logSeverityLevel = (['verbose', 'info', 'warning', 'error', 'fatal'] as const).indexOf(options.logLevel) as 0 | 1 | 2 | 3 | 4;
    if (engine !== 'ort-node') ort.env.logLevel = options.logLevel;
  }
  if (engine === 'ort-node') sessionOptions.intraOpNumThreads = options.threads ?? (await logicalCores());
  if (engine === 'ort-wasm' && options.threads) ort.env.wasm.numThreads = options.threads;
  if (engine !== 'ort-node' && options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  sessionOptions.executionProviders = [engine === 'ort-node' ? 'cpu' : engine === 'ort-wasm' ? 'wasm' : 'webgpu'];
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, sessionOptions);
  } catch (e) {
    throw new Error(`onnxruntime (${engine}) could not load the model: ${(e as Error).message}`);
  }
  const inputNames = [...session.inputNames], outputNames = [...session.outputNames];
  return {
    engine, inputNames, outputNames,
    attentionOutputs: outputNames.filter(isAttentionOutput),
    async run(feeds, outputs) {
      const missing = inputNames.filter((n) => !(n in feeds));
      if (missing.length) throw new Error(`ONNX run: missing input(s) ${missing.join(', ')} (the model takes ${inputNames.join(', ')})`);
      const unknown = (outputs ?? []).filter((n) => !outputNames.includes(n));
      if (unknown.length) throw new Error(`ONNX run: no output(s) ${unknown.join(', ')} (the model gives ${outputNames.join(', ')})`);
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(elementType(t.data), t.data, t.dims);
      const result = outputs ? await session.run(ortFeeds, [...outputs]) : await session.run(ortFeeds);
      const out: Record<string, OnnxTensor> = {};
      for (const [name, t] of Object.entries(result)) {
        out[name] = { data: (t.location === 'cpu' ? t.data : await t.getData()) as OnnxTensor['data'], dims: [...t.dims] };
      }
      return out;
    },
    release: () => session.release(),
  };
}

async function logicalCores(): Promise<number> {
  const name = 'node:os'; // a variable: bundlers must not try to resolve it for the browser
  const os = (await import(/* @vite-ignore */ name)) as typeof import('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}

function elementType(data: OnnxTensor['data']): 'float32' | 'int64' | 'int32' | 'bool' {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

async function loadRuntime(engine: OnnxEngine): Promise<OrtModule> {
  if (engine === 'ort-node') {
    if (!isNode) throw new Error('ort-node runs in Node only; in a browser use ort-wasm or ort-webgpu');
    const name = 'onnxruntime-node'; // a variable: bundlers must not try to pack the native binding
    return (await import(/* @vite-ignore */ name)) as OrtModule;
  }
  // Two plain imports (not one with a computed specifier): bundlers' dev servers resolve only those.
  const web = (engine === 'ort-webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web')) as OrtModule & { default?: OrtModule };
  return web.InferenceSession ? web : web.default!;
}
