// The weights dynamic evaluation has learned in a workspace, kept beside the model they started
// from: a JSON header (its byte length first, as uint32) and every float32 tensor in header order.
// Written to a temporary file and renamed, so a killed writer leaves the previous file whole; the
// header names the model folder the weights came from, so weights of another model are never used.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkWeights, ModelConfig, ModelMeta, Weights } from '../model';

/** What has been learned: for the status bar and for the next learning process to go on from. */
export interface LearningStats {
  /** Texts and UTF-16 characters learned from, and the gradient steps taken. */
  readonly texts: number;
  readonly chars: number;
  readonly steps: number;
  /** −log2 p of the learned texts (bits) before and after learning each of them. */
  readonly bitsBefore: number;
  readonly bitsAfter: number;
  /** CPU time the learning took (scoring before and after included). */
  readonly cpuSeconds: number;
}

export const noLearning: LearningStats = { texts: 0, chars: 0, steps: 0, bitsBefore: 0, bitsAfter: 0, cpuSeconds: 0 };

export interface LearnedHeader {
  readonly format: 1;
  readonly cfg: ModelConfig;
  /** modelIdentity() of the folder the learning started from. */
  readonly base: string;
  /** Grows by one with every write: the engine's answers name the version they used. */
  readonly version: number;
  readonly stats: LearningStats;
}

/** A model folder as its path and creation time: a retrained workspace model is another model. */
export function modelIdentity(dir: string, meta: ModelMeta): string {
  return `${path.resolve(dir)}@${meta.created ?? ''}`;
}

export function writeLearnedWeights(file: string, header: Omit<LearnedHeader, 'format'>, weights: Weights): void {
  const names = [...weights.keys()];
  const json = Buffer.from(JSON.stringify({ format: 1, ...header, tensors: names.map((n) => ({ name: n, dims: weights.get(n)!.dims })) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, len);
      fs.writeSync(fd, json);
      for (const n of names) {
        const d = weights.get(n)!.data;
        fs.writeSync(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`Cannot save the learned weights in ${file}: ${(e as Error).message}`);
  }
}

/** Only the header of a learned-weights file (what was learned, from which model), without its tensors. */
export function readLearnedHeader(file: string): LearnedHeader {
  const fd = fs.openSync(file, 'r');
  try {
    const len = Buffer.alloc(4);
    if (fs.readSync(fd, len, 0, 4, 0) !== 4) throw new Error(`${file} is truncated`);
    const json = Buffer.alloc(len.readUInt32LE(0));
    if (fs.readSync(fd, json, 0, json.length, 4) !== json.length) throw new Error(`${file} is truncated`);
    const { tensors: _, ...header } = JSON.parse(json.toString('utf8'));
    if (header.format !== 1) throw new Error(`${file} has format ${JSON.stringify(header.format)}; this version reads format 1`);
    return header;
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and checks a learned-weights file; every error names the file. */
export function readLearnedWeights(file: string): { header: LearnedHeader; weights: Weights } {
  const fail = (why: string): never => { throw new Error(`${file} ${why}`); };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    return fail(`cannot be read: ${(e as Error).message}`);
  }
  if (buf.length < 4) fail('is truncated');
  const headerLength = buf.readUInt32LE(0);
  if (4 + headerLength > buf.length) fail('is truncated');
  let h: LearnedHeader & { tensors: { name: string; dims: number[] }[] };
  try {
    h = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  } catch {
    return fail('has a corrupt header');
  }
  if (h.format !== 1 || !Array.isArray(h.tensors)) fail(`has format ${JSON.stringify(h.format)}; this version reads format 1`);
  let offset = 4 + headerLength;
  const weights: Weights = new Map();
  for (const t of h.tensors) {
    const bytes = t.dims.reduce((a, b) => a * b, 1) * 4;
    if (offset + bytes > buf.length) fail('is truncated');
    weights.set(t.name, { dims: t.dims, data: new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + bytes)) });
    offset += bytes;
  }
  if (offset !== buf.length) fail('has trailing bytes');
  try {
    checkWeights(h.cfg, weights);
  } catch (e) {
    fail(`does not fit its model: ${(e as Error).message}`);
  }
  for (const w of weights.values()) if (!w.data.every(Number.isFinite)) fail('holds non-finite weights');
  const { tensors: _, ...header } = h;
  return { header, weights };
}
