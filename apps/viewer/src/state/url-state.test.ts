import fc from 'fast-check';
import { COLORMAP_NAMES } from '@heed/point-transformer';
import { describe, expect, it } from 'vitest';
import { COLOR_MODES } from '../color/attention-values.js';
import { DEFAULT_STATE, type ViewState, formatViewState, parseViewState } from './url-state.js';

const state: fc.Arbitrary<ViewState> = fc.record({
  sample: fc.string({ minLength: 1 }),
  model: fc.string({ minLength: 1 }),
  layer: fc.integer({ min: 1, max: 12 }),
  head: fc.integer({ min: 0, max: 7 }),
  query: fc.integer({ min: 0, max: 2_000_000 }),
  colormap: fc.constantFrom(...COLORMAP_NAMES),
  backend: fc.constantFrom('auto' as const, 'webgpu' as const, 'wasm' as const, 'cpu' as const, 'ort-wasm' as const, 'ort-webgpu' as const),
  mode: fc.constantFrom(...COLOR_MODES),
  scale: fc.constantFrom('linear' as const, 'log' as const),
}, { requiredKeys: ['sample', 'model', 'layer', 'head', 'query', 'colormap', 'backend', 'mode', 'scale'] })
  .chain((s) => fc.option(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }).map((v) => v + 0), fc.double({ min: 1.5, max: 10, noNaN: true })), { nil: undefined })
    .map((range) => (range ? { ...s, range } : s)));

describe('URL state', () => {
  it('round-trips every state through the query string', () => {
    fc.assert(fc.property(state, (s) => {
      const { state: back, problems } = parseViewState(formatViewState(s));
      expect(problems).toEqual([]);
      expect(back).toEqual(s);
    }));
  });

  it('reads the issue examples and leaves defaults out of the link', () => {
    expect(parseViewState('?query=700&layer=1').state).toEqual({ ...DEFAULT_STATE, query: 700, layer: 1 });
    expect(formatViewState({ ...DEFAULT_STATE, query: 700 })).toBe('?query=700');
    expect(formatViewState(DEFAULT_STATE)).toBe('');
  });

  it('takes the onnxruntime backends and auto (the default, left out of the link)', () => {
    expect(parseViewState('?backend=ort-wasm').state.backend).toBe('ort-wasm');
    expect(parseViewState('?backend=ort-webgpu').state.backend).toBe('ort-webgpu');
    expect(parseViewState('').state.backend).toBe('auto');
    expect(formatViewState({ ...DEFAULT_STATE, backend: 'ort-wasm' })).toBe('?backend=ort-wasm');
    expect(formatViewState({ ...DEFAULT_STATE, backend: 'auto' })).toBe('');
  });

  it('reports bad parameters and keeps the defaults for them', () => {
    const { state: s, problems } = parseViewState('?layer=0&query=-3&colormap=jet&backend=cuda&range=5,1');
    expect(s).toEqual(DEFAULT_STATE);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^layer=0: expected an integer ≥ 1/);
    expect(problems.join('\n')).toMatch(/colormap=jet: expected one of viridis, turbo, magma, coolwarm, grey/);
  });
});
