import { describe, expect, it } from 'vitest';
import { chooseAutoBackend, isSoftwareAdapter } from './auto-backend.js';

const swiftShader = { vendor: 'google', architecture: 'swiftshader', device: '', description: '' };
const nvidia = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' };

describe('auto backend', () => {
  it('tells software adapters from hardware ones, by the flag or by name', () => {
    expect(isSoftwareAdapter(swiftShader)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', architecture: '', device: '', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ ...nvidia, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: '' })).toBe(false);
  });

  it('picks WebGPU on a hardware adapter and onnxruntime on the CPU otherwise, and says why', () => {
    expect(chooseAutoBackend({ gpu: nvidia })).toEqual({ backend: 'webgpu', reason: expect.stringMatching(/hardware WebGPU adapter/) });
    expect(chooseAutoBackend({ gpu: swiftShader })).toEqual({ backend: 'ort-wasm', reason: expect.stringMatching(/CPU; WebGPU adapter is a software fallback$/) });
    expect(chooseAutoBackend({})).toEqual({ backend: 'ort-wasm', reason: expect.stringMatching(/CPU; no WebGPU adapter$/) });
  });
});
