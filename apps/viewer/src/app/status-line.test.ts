import { describe, expect, it } from 'vitest';
import { backendLine } from './status-line.js';

describe('backendLine', () => {
  it('names the engine that ran first, and why when it was not simply asked for', () => {
    expect(backendLine({ backend: 'wasm', requested: 'wasm', adapter: 'tfjs-wasm, SIMD, threads' }, { backend: 'wasm' })).toBe('wasm: tfjs-wasm, SIMD, threads');
    expect(backendLine({ backend: 'ort-wasm', requested: 'auto', adapter: 'onnxruntime-web wasm', autoReason: "fastest on this machine's CPU; WebGPU adapter is a software fallback" }, { backend: 'ort-wasm' }))
      .toBe("ort-wasm (auto: fastest on this machine's CPU; WebGPU adapter is a software fallback): onnxruntime-web wasm");
    expect(backendLine({ backend: 'wasm', requested: 'webgpu', adapter: 'tfjs-wasm', fallbackReason: 'no adapter' }, { backend: 'wasm' })).toBe('wasm (asked webgpu): tfjs-wasm');
    expect(backendLine({ backend: 'wasm', requested: 'wasm', adapter: 'tfjs-wasm' }, { backend: 'ort-wasm' })).toBe("ort-wasm (the ONNX model's engine; backend wasm: tfjs-wasm)");
  });
});
