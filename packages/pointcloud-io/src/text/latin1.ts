/**
 * Decodes bytes one char per byte, so that string indices equal byte offsets (used by every
 * text parser so that errors can report byte offsets). Non-ASCII bytes only occur in comments.
 */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.byteLength): string {
  const sub = bytes.subarray(start, end);
  // TextDecoder('latin1') is windows-1252: still one UTF-16 unit per byte.
  return new TextDecoder('latin1').decode(sub);
}

/** Encodes an ASCII string to bytes. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
