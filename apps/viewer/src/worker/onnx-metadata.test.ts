import { describe, expect, it } from 'vitest';
import { classNamesFromMetadata, describeValue } from './onnx-metadata.js';

describe('ONNX metadata', () => {
  it('reads class names from heed.class_names or heed.classes, as JSON or a list, and not from a count', () => {
    expect(classNamesFromMetadata({ 'heed.class_names': '["chair", "mug"]' })).toEqual(['chair', 'mug']);
    expect(classNamesFromMetadata({ 'heed.classes': 'cube, torus ,cone' })).toEqual(['cube', 'torus', 'cone']);
    expect(classNamesFromMetadata({ 'heed.classes': '10' })).toBeUndefined();
    expect(classNamesFromMetadata({ 'heed.classes': '10', 'heed.class_names': '["a","b"]' })).toEqual(['a', 'b']);
    expect(classNamesFromMetadata({ 'heed.class_names': "['a', 'b'" })).toEqual(['a', 'b']);
    expect(classNamesFromMetadata({ 'heed.class_names': '[1, 2]', 'heed.classes': '["x"]' })).toEqual(['1', '2']);
    expect(classNamesFromMetadata({})).toBeUndefined();
  });

  it('describes an input or output on one line', () => {
    expect(describeValue({ name: 'points', type: 'float32', dims: ['batch', 3, 1024] })).toBe('points float32 [batch, 3, 1024]');
    expect(describeValue({ name: 'x', type: 'unknown' })).toBe('x unknown [?]');
  });
});
