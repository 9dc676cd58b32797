/**
 * How a model's outputs are read as attention maps — the one convention the CLI, the viewer and the
 * batch tools share, for Heed's exports and for anyone's ONNX model:
 * - every output whose name starts with `attention` is an attention map;
 * - a map [B, S, S] (or [B, H, S, S] with heads) is over S points: the input points when S equals
 *   the input's point count, else the points an output named like the map with `attention`
 *   replaced by `xyz` gives ([B, S, 3]; e.g. `attention_2` → `xyz_2`, `attention.sa1` → `xyz.sa1`);
 * - a query's weights are its row (softmax attention), unless the model's metadata says
 *   `heed.attention_queries` = `columns` (PCT's offset-attention: x_r = x_v·A, so query j mixes
 *   the points with column j, which is l1-normalised).
 */
export const ATTENTION_PREFIX = 'attention';

/** Metadata key saying whether a query's weights are a row or a column of the attention outputs. */
export const ATTENTION_QUERIES_KEY = 'heed.attention_queries';

/** Where a query's weights lie in an attention output. */
export type AttentionQueries = 'rows' | 'columns';

/**
 * The orientation a model's metadata declares (default rows), refusing values it does not know.
 *
 * @example
 * ```ts
 * attentionQueries(info.metadata); // 'columns' for a Heed PCT export
 * ```
 */
export function attentionQueries(metadata: Record<string, string>): AttentionQueries {
  const value = metadata[ATTENTION_QUERIES_KEY] ?? 'rows';
  if (value !== 'rows' && value !== 'columns') throw new Error(`metadata ${ATTENTION_QUERIES_KEY}: expected "rows" or "columns", got "${value}"`);
  return value;
}

/**
 * Whether an output is an attention map by name.
 *
 * @example
 * ```ts
 * isAttentionOutput('attention_1'); // true
 * isAttentionOutput('logits'); // false
 * ```
 */
export function isAttentionOutput(name: string): boolean {
  return name.startsWith(ATTENTION_PREFIX);
}

/**
 * The output that gives the points of an attention map's rows and columns.
 *
 * @example
 * ```ts
 * attentionPointsName('attention_3'); // 'xyz_3'
 * ```
 */
export function attentionPointsName(attentionOutput: string): string {
  if (!isAttentionOutput(attentionOutput)) throw new Error(`"${attentionOutput}" is not an attention output (its name does not start with "${ATTENTION_PREFIX}")`);
  return `xyz${attentionOutput.slice(ATTENTION_PREFIX.length)}`;
}

/**
 * One query's weights in an attention output — [B, S, S], or [B, H, S, S] with heads (averaged over
 * heads unless `head` picks one): how query `query` of cloud `batch` mixes the S points. Its row,
 * or its column when `queries` is 'columns' (see {@link attentionQueries}).
 *
 * @example
 * ```ts
 * const weights = attentionRow(outputs.attention_1, { query: 17, queries: attentionQueries(info.metadata) }); // Float32Array(S)
 * ```
 */
export function attentionRow(
  attention: { data: ArrayLike<number> | BigInt64Array; dims: readonly number[] },
  options: { query: number; batch?: number; head?: number; queries?: AttentionQueries },
): Float32Array {
  const { dims } = attention;
  if (attention.data instanceof BigInt64Array) throw new Error('attention output: expected float weights, got int64');
  const data = attention.data;
  if ((dims.length !== 3 && dims.length !== 4) || dims.at(-1) !== dims.at(-2)) {
    throw new Error(`attention output: expected [batch, S, S] or [batch, heads, S, S], got [${dims.join(', ')}]`);
  }
  const s = dims.at(-1)!, heads = dims.length === 4 ? dims[1]! : 1, batch = options.batch ?? 0;
  const check = (what: string, value: number, size: number) => {
    if (!Number.isInteger(value) || value < 0 || value >= size) throw new Error(`attention output: ${what} ${value} out of range 0–${size - 1}`);
  };
  check('batch', batch, dims[0]!);
  check('query', options.query, s);
  if (options.head !== undefined) check('head', options.head, heads);
  const picked = options.head === undefined ? Array.from({ length: heads }, (_, h) => h) : [options.head];
  const row = new Float32Array(s);
  for (const h of picked) {
    const matrix = (batch * heads + h) * s * s;
    // Row q: elements q·S + j; column q: elements j·S + q.
    const [start, stride] = options.queries === 'columns' ? [matrix + options.query, s] : [matrix + options.query * s, 1];
    for (let j = 0; j < s; j++) row[j]! += data[start + j * stride]! / picked.length;
  }
  return row;
}
