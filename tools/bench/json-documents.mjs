/**
 * Pulls the JSON documents a bench target printed out of its captured stdout, which also holds
 * Nx's own lines, build output, colour codes and whatever else the script logged.
 */

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** Strips terminal colour / cursor sequences. */
export const stripAnsi = (text) => text.replace(ANSI, '');

/**
 * Every top-level JSON object or array in `text`, in order. A document starts on a line whose
 * first character is `{` or `[` and ends on a line that ends with the matching `}` or `]`
 * (pretty-printed documents close at column 0; one-line documents end on their own line).
 *
 * @example
 * jsonDocuments('> nx run a:bench\n{\n  "x": 1\n}\ndone\n'); // [{ x: 1 }]
 */
export function jsonDocuments(text) {
  const lines = stripAnsi(text).split(/\r?\n/);
  const docs = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i][0];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    for (let j = i; j < lines.length; j++) {
      const line = lines[j].trimEnd();
      // Multi-line documents close at column 0; this keeps the number of parse attempts small.
      if (!line.endsWith(close) || (j > i && line !== close && !line.startsWith(close))) continue;
      try {
        docs.push(JSON.parse(lines.slice(i, j + 1).join('\n')));
        i = j;
        break;
      } catch {
        // not the end of this document yet (or not JSON at all): keep looking
      }
    }
  }
  return docs;
}
