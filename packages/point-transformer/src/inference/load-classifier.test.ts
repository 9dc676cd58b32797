import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { createPCT } from '../model/pct-model.js';
import { saveSafetensors } from '../weights/checkpoint.js';
import { writeSafetensors } from '../weights/safetensors.js';
import { checkpointBytes } from '../test/reference-fixture.js';
import { classListCandidates, classNamesFromSafetensors, parseClassNames } from './class-names.js';
import { loadClassifier, MissingWeightsError, openClassifier } from './load-classifier.js';
import type { ReadBytes } from './read-bytes.js';
import { loadShippedClassifier, NoShippedWeightsError, SHIPPED_WEIGHTS_BASE, shippedWeights } from './shipped-weights.js';

beforeAll(() => useBackend('wasm'));

const NAMES = ['chair', 'table', 'lamp'];
const tinyStages = [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }];
const tinyBytes = (classes?: string[], variant: 'pct' | 'spct' | 'npct' = 'pct') => {
  const model = createPCT({ variant, numClasses: 3, seed: 3, ...(variant === 'pct' ? { stages: tinyStages } : {}) });
  const bytes = classes ? writeSafetensors(model.stateDict(), { classes: JSON.stringify(classes) }) : saveSafetensors(model);
  model.dispose();
  return bytes;
};
const memoryRead = (files: Record<string, Uint8Array | string>): ReadBytes => async (location) => {
  const f = files[location];
  return f === undefined ? null : typeof f === 'string' ? new TextEncoder().encode(f) : f;
};

describe('class names', () => {
  it('lists the side files to try, most specific first', () => {
    expect(classListCandidates('m/best_model.t7')).toEqual(['m/best_model.t7.classes.json', 'm/best_model.classes.json', 'm/best_model.t7.classes.txt', 'm/best_model.classes.txt']);
    expect(classListCandidates('m.v2/weights')).toEqual(['m.v2/weights.classes.json', 'm.v2/weights.classes.txt']);
  });

  it('parses JSON arrays and one-name-per-line lists, with clear errors', () => {
    expect(parseClassNames('["a", "b"]', 'x.classes.json')).toEqual(['a', 'b']);
    expect(parseClassNames('a\r\n\n b \n', 'x.classes.txt')).toEqual(['a', 'b']);
    expect(() => parseClassNames('{"a": 1}', 'x.classes.json')).toThrow(/x\.classes\.json: expected a JSON array/);
    expect(() => parseClassNames('[', 'x.classes.json')).toThrow(/not valid JSON/);
  });

  it('reads them from safetensors metadata; a torch.save zip has none', () => {
    expect(classNamesFromSafetensors(tinyBytes(NAMES))).toEqual(NAMES);
    expect(classNamesFromSafetensors(tinyBytes())).toBeNull();
    expect(classNamesFromSafetensors(checkpointBytes('pct_reference.pth'))).toBeNull();
  });
});

describe('loadClassifier', () => {
  it('loads a classifier with the class names of its metadata', () => {
    const { model, classes, classesSource } = loadClassifier(tinyBytes(NAMES), { fileName: 'tiny.safetensors', variant: 'pct' });
    expect(model.config).toMatchObject({ variant: 'pct', task: 'classification', numClasses: 3 });
    expect(classes).toEqual(NAMES);
    expect(classesSource).toBe('tiny.safetensors (__metadata__.classes)');
    model.dispose();
  });

  it('loads the PyTorch-written reference checkpoint (module. keys) without class names', () => {
    const { model, classes } = loadClassifier(checkpointBytes('pct_reference.pth'), { fileName: 'pct_reference.pth', variant: 'pct' });
    expect(model.config.numClasses).toBe(10);
    expect(classes).toBeNull();
    model.dispose();
  });

  it('refuses another variant, a segmentation checkpoint and a class list of the wrong length', () => {
    expect(() => loadClassifier(tinyBytes(), { fileName: 'w.safetensors', variant: 'spct' })).toThrow(/w\.safetensors: holds a pct model .*, not spct/);
    expect(() => loadClassifier(tinyBytes(undefined, 'spct'), { variant: 'npct' })).toThrow(/holds a spct model/);
    const seg = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 4, numCategories: 0 });
    expect(() => loadClassifier(saveSafetensors(seg), { fileName: 'seg.safetensors' })).toThrow(/seg\.safetensors: a spct segmentation checkpoint, not a classifier/);
    seg.dispose();
    expect(() => loadClassifier(tinyBytes(['a', 'b']), { fileName: 'w.safetensors' })).toThrow(/2 class names, but the model has 3 classes/);
  });
});

describe('openClassifier and the shipped weights', () => {
  it('finds a class list beside the weights', async () => {
    const read = memoryRead({ '/m/best.t7': tinyBytes(), '/m/best.classes.json': JSON.stringify(NAMES) });
    const { model, classes, classesSource } = await openClassifier('/m/best.t7', read);
    expect(classes).toEqual(NAMES);
    expect(classesSource).toBe('/m/best.classes.json');
    model.dispose();
    await expect(openClassifier('/m/none.t7', read)).rejects.toBeInstanceOf(MissingWeightsError);
  });

  it('resolves weights/<variant>-classification.safetensors and says clearly when there are none yet', async () => {
    expect(shippedWeights('pct').weights.href).toBe(new URL('pct-classification.safetensors', SHIPPED_WEIGHTS_BASE).href);
    expect(SHIPPED_WEIGHTS_BASE.href).toMatch(/\/point-transformer\/weights\/$/);
    const base = 'https://models.example/heed/';
    expect(shippedWeights('npct', base).classes.href).toBe(`${base}npct-classification.classes.json`);
    await expect(loadShippedClassifier('pct', memoryRead({}), base)).rejects.toThrow(new NoShippedWeightsError('pct').message);
    await expect(loadShippedClassifier('pct', memoryRead({}), base)).rejects.toThrow(/^no shipped weights for pct yet$/);
    const read = memoryRead({ [`${base}pct-classification.safetensors`]: tinyBytes(), [`${base}pct-classification.classes.json`]: JSON.stringify(NAMES) });
    const { model, classes } = await loadShippedClassifier('pct', read, base);
    expect(classes).toEqual(NAMES);
    model.dispose();
    expect(() => shippedWeights('pointnet' as 'pct')).toThrow(/unknown model/);
  });
});
