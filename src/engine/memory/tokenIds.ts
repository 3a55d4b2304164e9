// A file's token ids as the project memory keeps them, in memory and on disk: LEB128 varints (7
// bits a byte). Ids are given in the order tokens are first seen, so the frequent ones
// (punctuation, line breaks, keywords) are small and take one byte: 13 M tokens of a 50 MB
// workspace took 53 MB as int32.

/** The ids as varints. */
export function encodeTokenIds(ids: ArrayLike<number>): Uint8Array {
  let n = 0;
  for (let i = 0; i < ids.length; i++) n += width(ids[i]);
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    let id = ids[i];
    while (id >= 0x80) {
      out[at++] = (id & 0x7f) | 0x80;
      id >>>= 7;
    }
    out[at++] = id;
  }
  return out;
}

/** The ids back, or undefined when the bytes end inside a varint or hold one over 2^31 − 1. */
export function decodeTokenIds(bytes: Uint8Array, count: number): Int32Array | undefined {
  const ids = new Int32Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    let id = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= bytes.length) return undefined;
      const byte = bytes[at++];
      // The fifth byte may hold 3 bits only (31 in all), and must be the last.
      if (shift === 28 && byte >= 8) return undefined;
      id |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    ids[i] = id;
  }
  return at === bytes.length ? ids : undefined;
}

function width(id: number): number {
  return id < 1 << 7 ? 1 : id < 1 << 14 ? 2 : id < 1 << 21 ? 3 : id < 1 << 28 ? 4 : 5;
}
