// How much of a document's text is unchanged since the last request: checked on every keystroke,
// on both sides of the worker, so it must stay cheap for documents of many megabytes.

/** Length of the common prefix of two strings, from `from` on (the caller knows they agree before it). */
export function commonPrefixLength(a: string, b: string, from = 0): number {
  const n = Math.min(a.length, b.length);
  // Whole blocks first: comparing slices runs in native code, where a loop over the characters of a
  // multi-megabyte document would stall the extension host for a tenth of a second per keystroke.
  const block = 1 << 14;
  let i = Math.min(from, n);
  while (i + block <= n && a.slice(i, i + block) === b.slice(i, i + block)) i += block;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
