// A trained n-gram as one file, Brotli-compressed (a third of the size: the folder that ships must
// stay small, and decompressing 20 MB takes a tenth of a second). Inside: "RNG1", the byte length
// of a UTF-8 JSON header (u32, little endian), the header {order, discounts, vocabulary, levels:
// [{contexts, used, entries}]}, then, each at a multiple of 4 bytes, the unigram (f32) and per
// level the ids of the contexts that have entries (u32), their offsets (u32), words (i32), alpha
// (f32) and gamma (f32), and a CRC-32 of everything before it. Most contexts of the top order have
// no entry left after pruning, and such a context's gamma is 1: storing only the used ones makes
// the file a third smaller. Float32 loses nothing a ranking can see.
import * as zlib from 'node:zlib';
import { crc32 } from '../crc32';
import type { NgramData, NgramLevel } from './ngramEstimate';

const MAGIC = 'RNG1';

interface Header {
  order: number;
  discounts: number[][];
  vocabulary: string[];
  levels: { contexts: number; used: number; entries: number }[];
}

/** `quality`: Brotli's, 0–11; 9 makes the shipped file smallest (16 s for the base model's), 5 is 8× faster and 17% larger. */
export function encodeNgram(data: NgramData, quality = 9): Uint8Array {
  const header: Header = {
    order: data.order,
    discounts: data.discounts,
    vocabulary: data.vocabulary,
    levels: [],
  };
  const parts: ArrayBufferView[] = [Float32Array.from(data.unigram)];
  for (const l of data.levels) {
    const contexts = l.gamma.length;
    const used: number[] = [];
    for (let c = 0; c < contexts; c++) if (l.offsets[c + 1] > l.offsets[c]) used.push(c);
    header.levels.push({ contexts, used: used.length, entries: l.words.length });
    parts.push(Uint32Array.from(used), Uint32Array.from([...used.map((c) => l.offsets[c]), l.words.length]), l.words, l.alpha, Float32Array.from(used, (c) => l.gamma[c]));
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align(8 + json.length);
  const size = parts.reduce((n, p) => n + p.byteLength, start);
  const out = new Uint8Array(size + 4);
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  let at = start;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  new DataView(out.buffer).setUint32(size, crc32(out.subarray(0, size)), true);
  return zlib.brotliCompressSync(out, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: out.length } });
}

/** Reads what encodeNgram wrote; `where` names the file in errors. */
export function decodeNgram(file: Uint8Array, where: string): NgramData {
  const fail = (why: string): never => {
    throw new Error(`${where} is not a word memory file (${why}); it may be truncated or corrupt.`);
  };
  let bytes: Uint8Array;
  try {
    // A plain Uint8Array: Buffer's slice() would share memory instead of copying.
    bytes = new Uint8Array(zlib.brotliDecompressSync(file));
  } catch (e) {
    return fail((e as Error).message);
  }
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) fail('checksum mismatch');
  bytes = bytes.subarray(0, bytes.length - 4);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) fail('header past the end');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    return fail((e as Error).message);
  }
  const { order, discounts, vocabulary, levels } = header;
  if (!Number.isInteger(order) || order < 2 || !Array.isArray(vocabulary) || !Array.isArray(levels) || levels.length !== order - 1) fail('bad header');
  const V = vocabulary.length;
  // Copied out so that every array is aligned whatever the buffer's own offset.
  let at = align(8 + headerLength);
  const take = (count: number): ArrayBuffer => {
    if (!Number.isInteger(count) || count < 0 || at + count * 4 > bytes.length) fail('arrays past the end');
    const buffer = bytes.slice(at, at + count * 4).buffer;
    at += count * 4;
    return buffer;
  };
  const unigram = Float64Array.from(new Float32Array(take(V)));
  const read: NgramLevel[] = levels.map(({ contexts, used, entries }) => {
    const ids = new Uint32Array(take(used));
    const starts = new Uint32Array(take(used + 1));
    const words = new Int32Array(take(entries));
    const alpha = new Float32Array(take(entries));
    const usedGamma = new Float32Array(take(used));
    if (!Number.isInteger(contexts) || starts[used] !== entries || ids.some((c, i) => c >= contexts || (i > 0 && c <= ids[i - 1])) || starts.some((s, i) => i > 0 && s < starts[i - 1]) || words.some((w) => w < 0 || w >= V)) fail('inconsistent counts');
    // Back to the dense layout NgramModel reads: an unused context has no entries and gamma 1.
    const offsets = new Uint32Array(contexts + 1);
    const gamma = new Float32Array(contexts).fill(1);
    let u = 0;
    for (let c = 0; c <= contexts; c++) {
      while (u < used && ids[u] < c) u++;
      offsets[c] = u < used ? starts[u] : entries;
      if (c < contexts && u < used && ids[u] === c) gamma[c] = usedGamma[u];
    }
    return { offsets, words, alpha, gamma };
  });
  if (at !== bytes.length) fail('trailing bytes');
  return { order, vocabulary, unigram, levels: read, discounts };
}

function align(n: number): number {
  return (n + 3) & ~3;
}
