import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** @heed/point-transformer's weights/ folder: the viewer bundles whatever models are shipped there. */
const pctWeights = fileURLToPath(new URL('./weights', import.meta.resolve('@heed/point-transformer/package.json')));

// Cross-origin isolation lets tfjs-wasm use its threaded build (SharedArrayBuffer).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset URLs: the built site works from any folder or static host.
  base: './',
  resolve: {
    // Workspace packages compile from their TypeScript sources (their exports' @heed/source).
    // onnxruntime-web's "extern wasm" builds import their runtime .mjs by URL (src/worker/ort-runtime.ts
    // serves it): its wasm threads then start from that file, not from the viewer's worker bundle.
    conditions: ['@heed/source', 'onnxruntime-web-use-extern-wasm', 'module', 'browser', 'development|production'],
    alias: [
      // The plain wasm build for ort-wasm (14 MB), not the default one that carries WebGPU/JSEP too (28 MB).
      { find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' },
      { find: '@heed-pct-weights', replacement: pctWeights },
      // laz-perf's worker build: the viewer parses clouds in a Web Worker.
      { find: /^laz-perf$/, replacement: 'laz-perf/lib/worker/index.js' },
    ],
  },
  worker: {
    format: 'es',
    // tfjs-wasm starts its threads from the source text of bundled functions: a minifier's
    // renaming and dead-code removal break them ("e is not defined", "_scriptDir is not
    // defined"), so the worker bundle is not minified.
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    target: 'es2022',
    // Weights, samples and wasm stay files of their own (no base64 inlining).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
