/**
 * Reads the file (or URL) at `location`; resolves to null when there is none, so that optional
 * files (class lists, shipped weights) can be probed. Node: `fs.readFile`, mapping ENOENT to null;
 * browsers: `fetch`, mapping 404 to null.
 *
 * @example
 * ```ts
 * const read: ReadBytes = async (url) => {
 *   const r = await fetch(url);
 *   return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
 * };
 * ```
 */
export type ReadBytes = (location: string) => Promise<Uint8Array | null>;
