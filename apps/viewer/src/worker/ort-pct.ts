import { type OnnxSession, attentionPointsName, exportPCT } from '@heed/onnx/points';
import type { AttentionMap } from '@heed/point-transformer';
import { disposeAttentionMaps } from '@heed/point-transformer';
import type { OrtBackendName } from '../protocol.js';
import type { LoadedModel } from './model-catalog.js';
import type { ForwardPass } from './model-run.js';
import { onnxLayerMaps } from './onnx-attention-maps.js';

/** Makes an onnxruntime session of ONNX bytes on an engine (the worker's serves its own runtime files). */
export type SessionFactory = (bytes: Uint8Array, engine: OrtBackendName) => Promise<OnnxSession>;

/**
 * A PCT run by onnxruntime as a {@link ForwardPass}: its export's `logits`, and `attention_i` with
 * its points `xyz_i` as the same attention maps (names, kinds) the tfjs layers record — so the
 * rest of the run (mixing matrices, statistics, rollout, nearest points) is the tfjs path's.
 *
 * @example
 * ```ts
 * const run = await runModel(loaded, positions, { backend: 'ort-wasm', forward: ortForward(session, loaded) });
 * ```
 */
export function ortForward(session: OnnxSession, loaded: LoadedModel): ForwardPass {
  const kind = loaded.model.config.attention;
  return async (cloud, n, batch, categories) => {
    const points = new Float32Array(batch * n * 3);
    for (let b = 0; b < batch; b++) points.set(cloud, b * n * 3);
    const feeds: Parameters<OnnxSession['run']>[0] = { points: { data: points, dims: [batch, n, 3] } };
    if (session.inputNames.includes('categories')) {
      if (!categories) throw new Error('the exported part segmenter needs categories');
      feeds.categories = { data: BigInt64Array.from(categories, BigInt), dims: [batch] };
    }
    const outputs = await session.run(feeds);
    const maps: AttentionMap[] = [];
    try {
      session.attentionOutputs.forEach((name, i) => {
        const xyz = outputs[attentionPointsName(name)];
        if (!xyz) throw new Error(`the export has ${name} but not its points ${attentionPointsName(name)}`);
        maps.push(...onnxLayerMaps(name, outputs[name]!, xyz.data as Float32Array, kind, `pt_last.sa${i + 1}`).heads);
      });
    } catch (e) {
      disposeAttentionMaps(maps);
      throw e;
    }
    return { logits: outputs.logits!.data as Float32Array, maps };
  };
}

/**
 * The PCTs' ONNX sessions: each model is exported once (with its attention outputs) and each
 * export gets one session per engine, made when first asked for and kept until released.
 *
 * @example
 * ```ts
 * const sessions = new OrtPctSessions(ortSession);
 * const forward = await sessions.forward(loaded, 'ort-wasm');
 * ```
 */
export class OrtPctSessions {
  private readonly exported = new Map<string, Uint8Array>();
  private readonly sessions = new Map<string, Promise<OnnxSession>>();

  constructor(private readonly createSession: SessionFactory) {}

  /** The model's forward pass on `engine` (exports and starts a session the first time). */
  async forward(loaded: LoadedModel, engine: OrtBackendName): Promise<ForwardPass> {
    const id = loaded.descriptor.id;
    const key = `${engine} ${id}`;
    let session = this.sessions.get(key);
    if (!session) {
      let bytes = this.exported.get(id);
      if (!bytes) this.exported.set(id, (bytes = exportPCT(loaded.model, { attention: true, name: id, numPoints: loaded.descriptor.points })));
      session = this.createSession(bytes, engine);
      this.sessions.set(key, session);
      // A failed start is not cached: the next call tries again.
      session.catch(() => this.sessions.delete(key));
    }
    return ortForward(await session, loaded);
  }

  /** Forgets a model (e.g. a checkpoint replaced under the same name): its export and sessions. */
  async forget(id: string): Promise<void> {
    this.exported.delete(id);
    await this.releaseSessions((key) => key.endsWith(` ${id}`));
  }

  /** Releases every session (a backend switch); the exports stay. */
  async releaseAll(): Promise<void> {
    await this.releaseSessions(() => true);
  }

  private async releaseSessions(which: (key: string) => boolean): Promise<void> {
    const keys = [...this.sessions.keys()].filter(which);
    const sessions = keys.map((k) => this.sessions.get(k)!);
    keys.forEach((k) => this.sessions.delete(k));
    await Promise.all(sessions.map((s) => s.then((x) => x.release(), () => {})));
  }
}
