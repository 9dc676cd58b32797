/**
 * Where a classifier's class names live, next to its weights (checked in this order):
 *
 * 1. inside a safetensors file: `__metadata__.classes`, a JSON-encoded array of strings
 *    (safetensors metadata values are strings), e.g. `{"classes": "[\"airplane\", \"bathtub\"]"}`;
 * 2. `<weights>.classes.json` (e.g. `best_model.t7.classes.json`), then
 *    `<weights without extension>.classes.json` (`best_model.classes.json`): a JSON array of strings;
 * 3. the same two names ending in `.classes.txt`: one name per line (like ModelNet's
 *    `shape_names.txt`), blank lines ignored.
 *
 * The list must have exactly one name per output of the model.
 */

/**
 * The metadata key of the class names in a safetensors file.
 *
 * @example
 * ```ts
 * writeSafetensors(model.stateDict(), { [SAFETENSORS_CLASSES_KEY]: JSON.stringify(['airplane', 'bathtub']) });
 * ```
 */
export const SAFETENSORS_CLASSES_KEY = 'classes';

/**
 * The class names stored in a safetensors file's `__metadata__.classes`, or null when the bytes
 * are not safetensors or carry none. Only the header is decoded.
 *
 * @example
 * ```ts
 * classNamesFromSafetensors(bytes); // ['airplane', 'bathtub', …] or null
 * ```
 */
export function classNamesFromSafetensors(bytes: Uint8Array, fileName = 'safetensors'): string[] | null {
  if (bytes.byteLength < 8 || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return null; // too short, or a torch.save zip
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return null;
  }
  const metadata = (header as { __metadata__?: Record<string, unknown> } | null)?.__metadata__;
  const value = metadata?.[SAFETENSORS_CLASSES_KEY];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`${fileName}: __metadata__.${SAFETENSORS_CLASSES_KEY} must be a JSON-encoded string array`);
  return parseClassNames(value, `${fileName} (__metadata__.${SAFETENSORS_CLASSES_KEY})`, 'json');
}

/**
 * The side files that may hold the class names of the weights at `weights` (a path or URL), in the
 * order they are tried.
 *
 * @example
 * ```ts
 * classListCandidates('models/best_model.t7');
 * // ['models/best_model.t7.classes.json', 'models/best_model.classes.json',
 * //  'models/best_model.t7.classes.txt', 'models/best_model.classes.txt']
 * ```
 */
export function classListCandidates(weights: string): string[] {
  const slash = weights.lastIndexOf('/');
  const dot = weights.lastIndexOf('.');
  const stem = dot > slash + 1 ? weights.slice(0, dot) : weights;
  const names = stem === weights ? [weights] : [weights, stem];
  return [...names.map((n) => `${n}.classes.json`), ...names.map((n) => `${n}.classes.txt`)];
}

/**
 * Parses a class-name list: a JSON array of strings (`format` 'json', or a file name ending in
 * `.json`), otherwise one name per line.
 *
 * @example
 * ```ts
 * parseClassNames('["chair", "table"]', 'm.classes.json'); // ['chair', 'table']
 * parseClassNames('chair\ntable\n', 'm.classes.txt');      // ['chair', 'table']
 * ```
 */
export function parseClassNames(text: string, fileName: string, format?: 'json' | 'lines'): string[] {
  const json = format ? format === 'json' : /\.json$/i.test(fileName);
  if (!json) return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${fileName}: expected a JSON array of class names (strings)`);
  return value as string[];
}

/**
 * Checks that a class list names every output of a classifier.
 *
 * @example
 * ```ts
 * checkClassNames(['chair', 'table'], 2, 'm.classes.json'); // ok; a count mismatch throws
 * ```
 */
export function checkClassNames(names: readonly string[], numClasses: number, source: string): void {
  if (names.length !== numClasses) throw new Error(`${source}: ${names.length} class names, but the model has ${numClasses} classes`);
}
