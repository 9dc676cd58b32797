/**
 * Graph inputs and outputs under exactly the names a caller feeds and reads (`query`, `output`,
 * `attention_2`): {@link OnnxGraph} renames a value whose name is taken, which must never happen
 * silently to a graph's interface.
 */
import type { Dim, ElementType, OnnxGraph } from '../../graph/onnx-graph.js';

/**
 * Declares the graph input `name`, failing if the name is already taken.
 *
 * @example
 * ```ts
 * const query = exactInput(g, 'query', 'float32', ['batch', 'query_len', 24]);
 * ```
 */
export function exactInput(g: OnnxGraph, name: string, type: ElementType, dims: Dim[]): string {
  return expectName(g.input(name, type, dims), name, 'input');
}

/**
 * Declares `value` the graph output `name`, failing if the name is already taken.
 *
 * @example
 * ```ts
 * exactOutput(g, weights, 'float32', ['batch', 3, 'query_len', 'key_len'], 'attention');
 * ```
 */
export function exactOutput(g: OnnxGraph, value: string, type: ElementType, dims: Dim[], name: string): string {
  return expectName(g.output(value, type, dims, name), name, 'output');
}

function expectName(actual: string, wanted: string, what: string): string {
  if (actual !== wanted) throw new Error(`ONNX export: the ${what} name '${wanted}' is taken (got '${actual}'); this is a bug in the exporter`);
  return actual;
}
