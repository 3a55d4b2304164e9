// FNV-1a over UTF-16 units: the engine's one string hash, for tables looked up by a range of a
// text without slicing it out, and for splits that must not depend on the order files came in.

/** FNV-1a of text[start, end), as a signed 32-bit integer. */
export function fnv1a(text: string, start = 0, end = text.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}
