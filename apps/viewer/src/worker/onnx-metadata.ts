import type { OnnxValueInfo } from '@heed/onnx/points';

/**
 * Class names an ONNX model's metadata gives: `heed.class_names`, else `heed.classes`, each a JSON
 * array of strings or a comma-separated list. A bare count (Heed's exports write the number of
 * classes in `heed.classes`) names nothing.
 *
 * @example
 * ```ts
 * classNamesFromMetadata({ 'heed.class_names': '["chair","mug"]' }); // ['chair', 'mug']
 * classNamesFromMetadata({ 'heed.classes': '10' }); // undefined
 * ```
 */
export function classNamesFromMetadata(metadata: Record<string, string>): string[] | undefined {
  for (const key of ['heed.class_names', 'heed.classes']) {
    const value = metadata[key]?.trim();
    if (!value || /^\d+$/.test(value)) continue;
    if (value.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((v) => typeof v === 'string')) return parsed;
      } catch {
        // Not JSON after all: read it as a list.
      }
    }
    const names = value.replace(/^\[|\]$/g, '').split(',').map((v) => v.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
    if (names.length > 0) return names;
  }
  return undefined;
}

/**
 * An input or output as one line: `name type [dims]`.
 *
 * @example
 * ```ts
 * describeValue({ name: 'points', type: 'float32', dims: ['batch', 3, 1024] }); // 'points float32 [batch, 3, 1024]'
 * ```
 */
export function describeValue(value: OnnxValueInfo): string {
  return `${value.name} ${value.type} [${(value.dims ?? ['?']).join(', ')}]`;
}
