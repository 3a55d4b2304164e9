// The project memory on disk: "RPM1", the format version (u32), the byte length of a UTF-8 JSON
// header (u32) {words, chars, files: [{path, mtimeMs, size, tokens, bytes, codeWords, codeBytes}]},
// then at a multiple of 4 bytes the vocabulary's UTF-16 lengths (u32 × words) and its UTF-16 units
// (u16 × chars, lossless for any string, and no JSON of 100,000s of strings to stringify or parse in
// one go), each file's token ids (`tokens` of them in `bytes` bytes, varints: memory/tokenIds) then
// the ids of the words of its code (`codeWords` in `codeBytes`) in the header's order, and a CRC-32
// of everything before it. Token ids rather than counts: loading recounts them (no workspace file is read again),
// and a file's own ids are what takes its counts out when it changes. Written to a temp file and
// renamed over the old one, so two windows on one workspace, or a kill halfway, never leave a torn
// file; a truncated or corrupt one is rejected whole.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from '../crc32';
import { decodeTokenIds } from './tokenIds';

const MAGIC = 'RPM1';
/** 3: and each file's code words; 2: token ids as varints (1: int32). An older file is rebuilt from the workspace once. */
export const PROJECT_MEMORY_VERSION = 3;
/** Bytes checked or written, and words or files serialized, between two yields to the caller (1-3 ms of work each). */
const CHUNK = 1 << 18;
const WORDS = 1024;
const FILES = 512;

/** What a file was when it was counted: a changed size or time means it must be read again. */
export interface FileStamp {
  readonly mtimeMs: number;
  readonly size: number;
}

export interface StoredFile extends FileStamp {
  readonly path: string;
  /** Token ids as varints (memory/tokenIds), `count` of them. */
  readonly tokens: Uint8Array;
  readonly count: number;
  /** The distinct ids of the words of its code (outside comments and strings), likewise. */
  readonly codeWords: Uint8Array;
  readonly codeCount: number;
}

export interface StoredMemory {
  readonly vocabulary: readonly string[];
  readonly files: readonly StoredFile[];
}

interface Header {
  words: number;
  chars: number;
  files: { path: string; mtimeMs: number; size: number; tokens: number; bytes: number; codeWords: number; codeBytes: number }[];
}

/** Writes `memory` to `file` atomically; `between` runs between chunks (let the caller serve requests). */
export async function writeProjectMemory(file: string, memory: StoredMemory, between: () => Promise<void> = async () => undefined): Promise<void> {
  const vocabulary = memory.vocabulary;
  const lengths = new Uint32Array(vocabulary.length);
  let chars = 0;
  for (let i = 0; i < vocabulary.length; i++) {
    chars += lengths[i] = vocabulary[i].length;
    if (i % WORDS === WORDS - 1) await between();
  }
  const units = new Uint16Array(chars + (chars & 1));
  for (let i = 0, at = 0; i < vocabulary.length; i++) {
    const w = vocabulary[i];
    for (let k = 0; k < w.length; k++) units[at++] = w.charCodeAt(k);
    if (i % WORDS === WORDS - 1) await between();
  }
  // The header's file entries a few hundred at a time: one JSON.stringify of thousands took 5-15 ms.
  const entries: string[] = [];
  for (const f of memory.files) {
    const entry: Header['files'][number] = { path: f.path, mtimeMs: f.mtimeMs, size: f.size, tokens: f.count, bytes: f.tokens.length, codeWords: f.codeCount, codeBytes: f.codeWords.length };
    entries.push(JSON.stringify(entry));
    if (entries.length % FILES === 0) await between();
  }
  const json = new TextEncoder().encode(`{"words":${vocabulary.length},"chars":${chars},"files":[${entries.join(',')}]}`);
  const head = new Uint8Array(align(12 + json.length));
  head.set(new TextEncoder().encode(MAGIC));
  const view = new DataView(head.buffer);
  view.setUint32(4, PROJECT_MEMORY_VERSION, true);
  view.setUint32(8, json.length, true);
  head.set(json, 12);
  const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const parts: Uint8Array[] = [head, bytesOf(lengths), bytesOf(units), ...memory.files.flatMap((f) => [f.tokens, f.codeWords])];
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  // A name of its own per writer: two windows writing at once each rename a whole file.
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    let crc = 0;
    for (const part of parts) {
      for (let at = 0; at < part.length; at += CHUNK) {
        const chunk = part.subarray(at, Math.min(part.length, at + CHUNK));
        crc = crc32(chunk, crc);
        await handle.write(chunk);
        await between();
      }
    }
    // The caller may give up here too (its memory was cleared): nothing is renamed then.
    await between();
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, crc, true);
    await handle.write(tail);
    await handle.sync();
    await handle.close();
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads what writeProjectMemory wrote; undefined when there is no file. Throws an Error that names
 * the file and says why for a truncated, corrupt or foreign one.
 */
export async function readProjectMemory(file: string, between: () => Promise<void> = async () => undefined): Promise<StoredMemory | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.promises.readFile(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the project memory ${file}: ${(e as Error).message}`);
  }
  const fail = (why: string): never => {
    throw new Error(`the project memory ${file} is unusable (${why}); it may be truncated or corrupt`);
  };
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PROJECT_MEMORY_VERSION) fail(`format version ${version}, this version reads ${PROJECT_MEMORY_VERSION}`);
  let crc = 0;
  const end = bytes.length - 4;
  for (let at = 0; at < end; at += CHUNK) {
    crc = crc32(bytes.subarray(at, Math.min(end, at + CHUNK)), crc);
    await between();
  }
  if (crc !== view.getUint32(end, true)) fail('checksum mismatch');
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > end) fail('header past the end');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)));
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!header || !Number.isInteger(header.words) || !Number.isInteger(header.chars) || !Array.isArray(header.files)) fail('bad header');
  const V = header.words;
  let at = align(12 + headerLength);
  const padded = header.chars + (header.chars & 1);
  if (V < 0 || header.chars < 0 || at + 4 * V + 2 * padded > end) fail('vocabulary past the end');
  const lengths = new Uint32Array(bytes.slice(at, at + 4 * V).buffer);
  at += 4 * V;
  const units = new Uint16Array(bytes.slice(at, at + 2 * padded).buffer);
  at += 2 * padded;
  const vocabulary: string[] = new Array(V);
  for (let i = 0, u = 0; i < V; i++) {
    if (u + lengths[i] > header.chars) fail('vocabulary past the end');
    vocabulary[i] = String.fromCharCode.apply(null, units.subarray(u, (u += lengths[i])) as unknown as number[]);
    if ((i & 4095) === 4095) await between();
  }
  const files: StoredFile[] = [];
  // Copied out, so that the file's buffer is not kept alive by the smallest of them.
  const idsAt = (count: unknown, length: unknown, of: string): Uint8Array => {
    if (!Number.isInteger(count) || (count as number) < 0 || !Number.isInteger(length) || (length as number) < 0 || at + (length as number) > end) fail('token arrays past the end');
    const part = bytes.slice(at, (at += length as number));
    const ids = decodeTokenIds(part, count as number) ?? fail(`bad token ids of ${of}`);
    for (let i = 0; i < ids.length; i++) if (ids[i] >= V) fail(`token id ${ids[i]} outside the vocabulary`);
    return part;
  };
  for (const f of header.files) {
    if (typeof f.path !== 'string') fail('bad header');
    const tokens = idsAt(f.tokens, f.bytes, f.path);
    const codeWords = idsAt(f.codeWords, f.codeBytes, f.path);
    files.push({ path: f.path, mtimeMs: f.mtimeMs, size: f.size, tokens, count: f.tokens, codeWords, codeCount: f.codeWords });
    if ((files.length & 255) === 0) await between();
  }
  if (at !== end) fail('trailing bytes');
  return { vocabulary, files };
}

function align(n: number): number {
  return (n + 3) & ~3;
}
