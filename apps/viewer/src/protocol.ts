/**
 * What the main thread and the inference worker exchange. Plain data only (structured-clone
 * friendly); large arrays travel as transferables.
 */
import type { PCTTask, PCTVariant } from '@heed/point-transformer';

/** tfjs backends: the model's own layers run there. */
export type TfjsBackendName = 'webgpu' | 'wasm' | 'cpu';
/** onnxruntime-web engines: the model is exported to an ONNX graph and onnxruntime runs that. */
export type OrtBackendName = 'ort-wasm' | 'ort-webgpu';
/** Every backend the viewer can run models on. */
export type BackendName = TfjsBackendName | OrtBackendName;
/** What the user picks: a backend, or `auto` (the fastest one this machine has). */
export type BackendChoice = BackendName | 'auto';

/** What the worker got when it set up a backend. */
export interface BackendReport {
  /** The backend models actually run on. */
  backend: BackendName;
  /** The backend that was asked for. */
  requested: BackendChoice;
  /** Adapter description (WebGPU), or the wasm build (SIMD / threads). */
  adapter: string;
  /** Why the requested backend is not the one in use, when it is not. */
  fallbackReason?: string;
  /** With `auto`: why this backend was picked. */
  autoReason?: string;
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
  /** PCT models: variant and task; absent for a user's ONNX graph. */
  variant?: PCTVariant;
  task?: PCTTask;
  /** Points the model takes (clouds are resampled to this by FPS). */
  points: number;
  /** False for catalogue entries whose weights are not shipped (listed, not selectable). */
  available: boolean;
  /** Why it is unavailable, or provenance notes. */
  note?: string;
  /** A user's ONNX model: what the file declares. */
  onnx?: OnnxModelSummary;
}

/** A user's ONNX model as the viewer describes it. */
export interface OnnxModelSummary {
  fileName: string;
  producer: string;
  /** `name type [dims]` of every input and output, as the file declares them. */
  inputs: string[];
  outputs: string[];
  /** The input the cloud goes into, and its layout. */
  pointInput: { name: string; layout: 'points-last' | 'channels-first' };
  /** Points fed per cloud: the model's fixed count, else at most `count` (its N × N maps grow with N²). */
  points: { count: number; fixed: boolean };
  /** Its `attention*` outputs and the `xyz*` output giving their points, when there is one. */
  attention: { name: string; points?: string }[];
  /** Class names from the metadata (`heed.class_names` / `heed.classes`), when it has them. */
  classNames?: string[];
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
  /**
   * Only when this layer works on other points than the run's `layerXyz` (a user's ONNX model
   * whose attention outputs have different point sets): its own M points and each input point's
   * nearest one of them.
   */
  points?: { xyz: Float32Array; nearest: Uint32Array };
}

/** Everything one model run over the current cloud gives the main thread. */
export interface ModelRun {
  modelId: string;
  /** The M points the attention layers work on, in the input cloud's coordinates, [M·3]. */
  layerXyz: Float32Array;
  /** For every input point, the index of its nearest layer point (computed once per run). */
  nearestLayerPoint: Uint32Array;
  layers: LayerAttention[];
  /** Attention rollout over all layers, [M·M] (head-averaged); absent when the layers do not share their points. */
  rollout?: Float32Array;
  /** Classification: class probabilities; segmentation: absent. */
  probabilities?: number[];
  /** Class or part names. */
  labels: string[];
  /** Segmentation: the predicted part of each layer point [M] (index into `labels`). */
  partLabels?: Int32Array;
  /** Segmentation: the category used and how it was chosen. */
  category?: { name: string; chosen: 'given' | 'auto' };
  backend: BackendName;
  /** A user's ONNX model: each output's shape in this run, and what could not be shown. */
  onnx?: { outputs: { name: string; dims: number[] }[]; notes: string[] };
  /** Points the farthest point sampling ran over: the whole cloud, or a random subset of a big one. */
  fpsOver: number;
  timings: { prepareMs: number; forwardMs: number; attentionMs: number; nearestMs: number; totalMs: number };
  /** Set on the first run after the GPU device was lost: what happened and where models run now. */
  deviceLoss?: string;
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
