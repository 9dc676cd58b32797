/**
 * What the main thread and the inference worker exchange. Plain data only (structured-clone
 * friendly); large arrays travel as transferables.
 */
import type { PCTTask, PCTVariant } from '@heed/point-transformer';

/** The tfjs backends the viewer can run models on. */
export type BackendName = 'webgpu' | 'wasm' | 'cpu';

/** What the worker got when it set up a backend. */
export interface BackendReport {
  /** The backend models actually run on. */
  backend: BackendName;
  /** The backend that was asked for. */
  requested: BackendName;
  /** Adapter description (WebGPU), or the wasm build (SIMD / threads). */
  adapter: string;
  /** Why the requested backend is not the one in use, when it is not. */
  fallbackReason?: string;
}

/** A cloud as the worker read it; arrays are owned by the receiver. */
export interface LoadedCloud {
  /** File or sample name (what the URL's `sample` holds). */
  name: string;
  format: string;
  count: number;
  positions: Float32Array;
  /** RGB 0–255 per point, when the file has colours. */
  colors?: Uint8Array;
  /** One value per point (intensity, or the first scalar field), when the file has one. */
  scalar?: { name: string; values: Float32Array };
  /** Segmentation samples: the category to feed a part segmenter. */
  category?: string;
  warnings: string[];
}

/** A model the viewer can run. */
export interface ModelDescriptor {
  id: string;
  label: string;
  variant: PCTVariant;
  task: PCTTask;
  /** Points the model takes (clouds are resampled to this by FPS). */
  points: number;
  /** False for catalogue entries whose weights are not shipped (listed, not selectable). */
  available: boolean;
  /** Why it is unavailable, or provenance notes. */
  note?: string;
}

/** One attention layer's host-side results for the current cloud. */
export interface LayerAttention {
  name: string;
  kind: 'offset' | 'scaled-dot';
  /** Heads in this layer (PCT's layers have one). */
  heads: number;
  /**
   * Mixing matrices, [heads · M · M] row-major: row q holds the weights with which query q's
   * output mixes the layer's M points (offset-attention: the column of Â, which sums to ≈ 0 for a
   * point no query attends to; see `mixingMatrix`).
   */
  mixing: Float32Array;
  /** Mean attention distance (normalised-cloud units) and entropy (nats), per head. */
  meanDistance: number[];
  entropy: number[];
}

/** Everything one model run over the current cloud gives the main thread. */
export interface ModelRun {
  modelId: string;
  /** The M points the attention layers work on, in the input cloud's coordinates, [M·3]. */
  layerXyz: Float32Array;
  /** For every input point, the index of its nearest layer point (computed once per run). */
  nearestLayerPoint: Uint32Array;
  layers: LayerAttention[];
  /** Attention rollout over all layers, [M·M] (head-averaged). */
  rollout: Float32Array;
  /** Classification: class probabilities; segmentation: absent. */
  probabilities?: number[];
  /** Class or part names. */
  labels: string[];
  /** Segmentation: the predicted part of each layer point [M] (index into `labels`). */
  partLabels?: Int32Array;
  /** Segmentation: the category used and how it was chosen. */
  category?: { name: string; chosen: 'given' | 'auto' };
  backend: BackendName;
  /** Points the farthest point sampling ran over: the whole cloud, or a random subset of a big one. */
  fpsOver: number;
  timings: { prepareMs: number; forwardMs: number; attentionMs: number; nearestMs: number; totalMs: number };
}

/** Progress of a long worker task, for the progress bar. */
export interface ProgressEvent {
  stage: string;
  /** 0–1, or undefined when unknown. */
  fraction?: number;
}

/** The vision tab's picture: an image and its CBAM spatial attention. */
export interface VisionPicture {
  width: number;
  height: number;
  /** RGBA 0–255 of the overlay (image and attention side by side, as @heed/vision draws it). */
  rgba: Uint8ClampedArray;
  predicted: string;
  truth: string;
  seed: number;
}
