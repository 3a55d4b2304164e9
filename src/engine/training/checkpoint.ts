// The training checkpoint a run resumes from: a JSON header (its byte length first, as uint32)
// followed by every float32 tensor in header order. Written to a temporary file and renamed, so a
// crash never leaves half a checkpoint.
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ModelConfig, Weights, weightSpecs } from '../model';

/** The training step's carried inputs by name: the weights and their Adam moments. */
export type Tensors = Record<string, ort.Tensor>;

export interface Checkpoint {
  cfg: ModelConfig; names: string[]; params: Tensors; step: number; epoch: number; chunk: number; totalSteps: number;
  bestLoss: number; bestWeights: Weights; badEvals: number; history: { step: number; loss: number; validBitsPerChar: number }[];
}

export function writeCheckpoint(file: string, c: Checkpoint): void {
  const tensors: { key: string; dims: readonly number[]; data: Float32Array }[] = [];
  for (const key of Object.keys(c.params)) tensors.push({ key, dims: c.params[key].dims, data: c.params[key].data as Float32Array });
  for (const [name, w] of c.bestWeights) tensors.push({ key: `best.${name}`, dims: w.dims, data: w.data });
  const header = Buffer.from(JSON.stringify({
    format: 1, cfg: c.cfg, step: c.step, epoch: c.epoch, chunk: c.chunk, totalSteps: c.totalSteps, bestLoss: c.bestLoss,
    badEvals: c.badEvals, history: c.history, tensors: tensors.map((t) => ({ key: t.key, dims: t.dims })),
  }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, header);
    for (const t of tensors) fs.writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** The checkpoint in `file`, or undefined when there is none; throws when it is of another model or damaged. */
export function readCheckpoint(file: string, cfg: ModelConfig, names: readonly string[]): Checkpoint | undefined {
  if (!fs.existsSync(file)) return undefined;
  const buf = fs.readFileSync(file);
  const headerLength = buf.readUInt32LE(0);
  const h = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  if (JSON.stringify(h.cfg) !== JSON.stringify(cfg)) throw new Error(`Checkpoint ${file} is for a different model configuration; remove it or use the same sizes.`);
  let offset = 4 + headerLength;
  const params: Tensors = {};
  const bestWeights: Weights = new Map();
  for (const t of h.tensors as { key: string; dims: number[] }[]) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + n * 4));
    offset += n * 4;
    if (t.key.startsWith('best.')) bestWeights.set(t.key.slice(5), { dims: t.dims, data });
    else params[t.key] = new ort.Tensor('float32', data, t.dims);
  }
  if (offset !== buf.length || names.some((n) => !params[n])) throw new Error(`Checkpoint ${file} is truncated or does not match the model.`);
  return { cfg, names: [...names], params, step: h.step, epoch: h.epoch, chunk: h.chunk, totalSteps: h.totalSteps, bestLoss: h.bestLoss, bestWeights, badEvals: h.badEvals, history: h.history };
}

/** The best weights a checkpoint holds and where it stood, to export a run stopped before it finished. */
export function readCheckpointBest(file: string, cfg: ModelConfig): { weights: Weights; step: number; bestBitsPerChar: number; history: Checkpoint['history'] } {
  const c = readCheckpoint(file, cfg, weightSpecs(cfg).map((s) => s.name));
  if (!c) throw new Error(`There is no checkpoint ${file}.`);
  return { weights: c.bestWeights, step: c.step, bestBitsPerChar: c.bestLoss, history: c.history };
}
