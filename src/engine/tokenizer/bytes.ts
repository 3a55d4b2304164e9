// Text ↔ bytes for byte-level BPE. JS strings may hold lone UTF-16 surrogates, which UTF-8 cannot
// carry; we write them as WTF-8 (the 3-byte form ED A0–BF xx), so every JS string round-trips.
// Also the GPT-2 byte ↔ printable-character table that tokenizer.json uses for byte-level tokens.

/** WTF-8 bytes of `s`: UTF-8, except that a lone surrogate is encoded like any other BMP code point. */
export function wtf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
        continue;
      }
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 63);
    out[n++] = 0x80 | (c & 63);
  }
  return out.subarray(0, n);
}

/**
 * Decodes WTF-8 (so also UTF-8). Bytes that form no valid sequence become U+FFFD, one per maximal
 * invalid subpart as in the WHATWG decoder, so decoding arbitrary token sequences never throws.
 */
export function wtf8Decode(bytes: Uint8Array): string {
  if (!hasSurrogateBytes(bytes)) return utf8.decode(bytes);
  const units: number[] = [];
  let out = '';
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    let cp = 0xfffd;
    let len = 1;
    if (b < 0x80) {
      cp = b;
    } else if (b >= 0xc2 && b <= 0xf4) {
      const need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
      // Allowed range of the second byte excludes overlong forms and code points above U+10FFFF;
      // unlike strict UTF-8 it admits ED A0–BF (surrogates), which is what makes this WTF-8.
      const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xf4 ? 0x8f : 0xbf;
      let acc = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
      let k = 1;
      for (; k <= need && i + k < n; k++) {
        const c = bytes[i + k];
        if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) break;
        acc = (acc << 6) | (c & 63);
      }
      if (k > need) cp = acc;
      len = k;
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

// ignoreBOM: keep a leading U+FEFF (by default TextDecoder drops it, which would lose text).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** True when `bytes` hold an ED A0–BF lead-in, the only WTF-8 that a UTF-8 decoder would reject. */
function hasSurrogateBytes(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xed); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0xed, i + 1)) {
    if (bytes[i + 1] >= 0xa0) return true;
  }
  return false;
}

/** GPT-2's byte → character map: printable bytes map to themselves, the rest to U+0100 onwards. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars: string[] = new Array(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : 256 + next++);
  }
  return chars;
})();

/** Inverse of BYTE_TO_CHAR, by character code. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
