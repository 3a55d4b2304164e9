// `recurrent bench` / `npm run bench`: the figures of docs/architecture.md §5, measured through the same client
// the extension uses. Benchmarks print numbers; they assert nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { buildTrainStepModel, initWeights, loadModelFolder, stateSize, trainStepFlopsPerToken } from '../model';
import { encodeModel, GraphBuilder } from '../onnx/onnxBuilder';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../runtime/engineClient';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { IO, TRAIN_IO } from '../onnx/tensorNames';
import { runTraining } from '../runtime/trainingClient';
import { Tokenizer } from '../tokenizer';
import { LearningBench, typingWhileLearning } from './benchLearning';
import { readCorpus } from '../training/corpus';
import { weightsWithMoments } from '../training/stepInputs';
import { benchProjectMemory, ProjectMemoryBench } from './benchProjectMemory';

export interface BenchOptions {
  readonly modelDir: string;
  readonly workerPath: string;
  /** A real source file of about 2,000 lines (defaults to one from the shared corpus). */
  readonly file?: string;
  /** Keystrokes typed for the latency figures (and a tenth of them during training). */
  readonly keystrokes?: number;
  readonly onProgress?: (message: string) => void;
  /** The learning process's CPU budget while typing (defaults to the setting's default). */
  readonly learningCpuBudget?: number;
  /** MB of corpus text in the project memory's workspace (50 by default). */
  readonly projectMemoryMB?: number;
  /** The shared corpus, for the project memory's part (defaults to the one beside the checkout, as seen from dist/). */
  readonly corpusDir?: string;
}

export interface BenchResult {
  completionMs: { p50: number; p99: number; mean: number; keystrokes: number };
  coldOpenMs: number;
  /** A fresh worker's first completion, at a word's start in a new document, a second after the model loaded. */
  firstWordStartMs: number;
  stateTokensPerSecond: number;
  fullPrefixMs: number;
  persistentStateSpeedup: number;
  tokenizerMBps: number;
  train: { tokensPerSecond: number; modelGflops: number; matmulPeakGflops: number; mfu: number };
  workerRssMB: number;
  eventLoopLagMs: { p50: number; p99: number; max: number };
  loadedCompletionMs: { p50: number; p99: number };
  learning: LearningBench;
  /** Typing with the neural cache (as completionMs above) and, for comparison, the same keystrokes in a worker without it. */
  neuralCache: { completionMs: { p50: number; p99: number }; rssMB: number; without: { completionMs: { p50: number; p99: number }; rssMB: number } };
  projectMemory: ProjectMemoryBench;
  file: string;
  lines: number;
  table: string;
}

/** The shared corpus beside the checkout (dist/ is one level below the checkout). */
const corpusDir = path.resolve(__dirname, '..', '..', 'shared', 'corpus');
const defaultFile = path.join(corpusDir, 'c-sqlite', 'src', 'where.c');

export async function runBenchmarks(o: BenchOptions): Promise<BenchResult> {
  const say = o.onProgress ?? (() => undefined);
  const file = o.file ?? defaultFile;
  if (!fs.existsSync(file)) throw new Error(`${file} not found: pass a file of about 2,000 lines with --file`);
  const fullText = fs.readFileSync(file, 'utf8');
  const lines = fullText.split('\n');
  const text = lines.slice(0, 2000).join('\n');
  const client = new EngineClient(defaultEngineClientOptions(o.workerPath));
  const opts = defaultCompleteOptions();
  try {
    say(`loading ${o.modelDir}`);
    await client.load(o.modelDir);

    // Cold open: a document seen for the first time, its whole text read to the end.
    say('cold open of a 2,000-line file');
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) cold.push(await timed(() => client.complete(`bench:cold${i}`, text, opts)));
    const coldOpenMs = median(cold);
    say('the first word start a second after loading, in a fresh worker');
    const firstWordStartMs = await firstWordStart(o, text);
    const tokens = Tokenizer.fromJSON(loadModelFolder(o.modelDir).tokenizerJSON).encode(text).length;

    // Typing: the file open up to a point, then typed on one character at a time.
    const keystrokes = o.keystrokes ?? 3000;
    const start = Math.max(0, text.length - keystrokes);
    say(`typing ${text.length - start} characters`);
    await client.complete('bench:typing', text.slice(0, start), opts);
    const latencies: number[] = [];
    for (let i = start + 1; i <= text.length; i++) latencies.push(await timed(() => client.complete('bench:typing', text.slice(0, i), opts)));

    // Without the persistent state every keystroke would read the whole prefix again.
    const fullPrefix: number[] = [];
    for (let i = 0; i < 5; i++) fullPrefix.push(await timed(() => client.complete(`bench:prefix${i}`, text.slice(0, text.length - i * 7), opts)));
    const fullPrefixMs = median(fullPrefix);
    const workerRssMB = (await client.stats()).rssBytes / 2 ** 20;

    say('typing the same characters without the neural cache');
    const without = await typeWithoutCache(o, text, start);

    say('tokenizer speed');
    const tokenizerMBps = measureTokenizer(o.modelDir, fullText);

    say('training speed and the machine\'s MatMul peak');
    const trainFigures = await measureTraining(o.modelDir);

    say('typing at 20 keystrokes per second in 3 documents during a training run');
    const loaded = await typingDuringTraining(client, o, text, Math.max(30, Math.round(keystrokes / 10)));

    say('typing at 20 keystrokes per second in 3 documents while the model learns');
    const learning = await typingWhileLearning(client, { ...o, corpusDir, cpuBudget: o.learningCpuBudget ?? 0.1 }, text, Math.max(60, Math.round(keystrokes / 5)));
    const projectMemory = await benchProjectMemory(client, corpusDir, text, say, o.projectMemoryMB);

    const completionMs = { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), mean: latencies.reduce((a, b) => a + b, 0) / latencies.length, keystrokes: latencies.length };
    const result: Omit<BenchResult, 'table'> = {
      completionMs,
      coldOpenMs,
      firstWordStartMs,
      stateTokensPerSecond: tokens / (coldOpenMs / 1000),
      fullPrefixMs,
      persistentStateSpeedup: fullPrefixMs / completionMs.p50,
      tokenizerMBps,
      train: trainFigures,
      workerRssMB,
      eventLoopLagMs: loaded.lag,
      loadedCompletionMs: loaded.completion,
      learning,
      neuralCache: { completionMs: { p50: completionMs.p50, p99: completionMs.p99 }, rssMB: workerRssMB, without },
      projectMemory,
      file: path.relative(process.cwd(), file),
      lines: Math.min(2000, lines.length),
    };
    return { ...result, table: formatBench(result) };
  } finally {
    await client.dispose();
  }
}

/** The project memory's figures alone (`bench --only project-memory`): a minute instead of the whole bench's many. */
export async function runProjectMemoryBench(o: BenchOptions): Promise<{ projectMemory: ProjectMemoryBench }> {
  const corpus = o.corpusDir ?? corpusDir;
  const file = o.file ?? path.join(corpus, path.relative(corpusDir, defaultFile));
  if (!fs.existsSync(file)) throw new Error(`${file} not found: pass a file of about 2,000 lines with --file`);
  const text = fs.readFileSync(file, 'utf8').split('\n').slice(0, 2000).join('\n');
  const client = new EngineClient(defaultEngineClientOptions(o.workerPath));
  try {
    await client.load(o.modelDir);
    return { projectMemory: await benchProjectMemory(client, corpus, text, o.onProgress ?? (() => undefined), o.projectMemoryMB) };
  } finally {
    await client.dispose();
  }
}

/** The typing figures of a worker whose model runs without the neural cache: what the cache costs. */
async function typeWithoutCache(o: BenchOptions, text: string, start: number) {
  const client = new EngineClient({ ...defaultEngineClientOptions(o.workerPath), neuralCache: false });
  try {
    await client.load(o.modelDir);
    const opts = defaultCompleteOptions();
    await client.complete('bench:typing', text.slice(0, start), opts);
    const latencies: number[] = [];
    for (let i = start + 1; i <= text.length; i++) latencies.push(await timed(() => client.complete('bench:typing', text.slice(0, i), opts)));
    return { completionMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }, rssMB: (await client.stats()).rssBytes / 2 ** 20 };
  } finally {
    await client.dispose();
  }
}

async function typingDuringTraining(client: EngineClient, o: BenchOptions, text: string, keystrokes: number) {
  const trainer = path.join(path.dirname(o.workerPath), 'trainer.js');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-bench-'));
  const files = readCorpus([path.join(corpusDir, 'express'), path.join(corpusDir, 'koa')]).files;
  const abort = new AbortController();
  const docs = ['a', 'b', 'c'];
  const base = text.length - 400;
  // The documents are open before training starts: typing is measured here, cold opens above.
  for (const doc of docs) await client.complete(`bench:load-${doc}`, text.slice(0, base - 1), defaultCompleteOptions());
  const training = runTraining(trainer, { files, fromDir: o.modelDir, outDir: out, options: { maxMinutes: 1 } }, undefined, abort.signal).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 3000)); // let it get past tokenizing into training steps
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const latencies: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const doc = docs[i % 3];
    const t0 = performance.now();
    await client.complete(`bench:load-${doc}`, text.slice(0, base + Math.floor(i / 3)), defaultCompleteOptions());
    const spent = performance.now() - t0;
    latencies.push(spent);
    await new Promise((r) => setTimeout(r, Math.max(0, 50 - spent)));
  }
  lag.disable();
  abort.abort();
  await training;
  fs.rmSync(out, { recursive: true, force: true });
  return {
    lag: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    completion: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
  };
}

function measureTokenizer(modelDir: string, text: string): number {
  const json = loadModelFolder(modelDir).tokenizerJSON;
  // Fresh tokenizers, so each round starts with a cold piece cache as on a newly opened file.
  const fresh = Array.from({ length: 5 }, () => Tokenizer.fromJSON(json));
  const t0 = performance.now();
  for (const tokenizer of fresh) tokenizer.encode(text);
  return (fresh.length * Buffer.byteLength(text)) / 1e6 / ((performance.now() - t0) / 1000);
}

async function measureTraining(modelDir: string) {
  const { cfg } = loadModelFolder(modelDir);
  const B = 32;
  const T = 64;
  const session = await createSession(buildTrainStepModel(cfg, { batch: B, steps: T, clipNorm: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 }), 2);
  const feeds = weightsWithMoments(initWeights(cfg, 1));
  const ids = Array.from({ length: B * T }, (_, i) => (i * 7919) % cfg.vocabSize);
  feeds[IO.tokens] = int64Tensor(ids, [B, T]);
  feeds[IO.targets] = int64Tensor(ids.map((x) => (x + 1) % cfg.vocabSize), [B, T]);
  feeds[IO.stateIn] = new ort.Tensor('float32', new Float32Array(cfg.layers * B * stateSize(cfg)), [cfg.layers, B, stateSize(cfg)]);
  feeds[TRAIN_IO.lr] = new ort.Tensor('float32', Float32Array.of(1e-3), []);
  let seconds = 0;
  const steps = 12;
  for (let i = 0; i < steps; i++) {
    feeds[TRAIN_IO.step] = new ort.Tensor('float32', Float32Array.of(i + 1), []);
    const t0 = performance.now();
    const out = await session.run(feeds);
    if (i >= 2) seconds += (performance.now() - t0) / 1000;
    for (const k of Object.keys(feeds)) if (out[TRAIN_IO.updated(k)]) feeds[k] = out[TRAIN_IO.updated(k)];
  }
  await session.release();
  const tokensPerSecond = ((steps - 2) * B * T) / seconds;
  const modelGflops = (tokensPerSecond * trainStepFlopsPerToken(cfg)) / 1e9;
  const matmulPeakGflops = await measureMatmulPeak();
  return { tokensPerSecond, modelGflops, matmulPeakGflops, mfu: modelGflops / matmulPeakGflops };
}

/** The machine's fp32 MatMul rate through ORT on 2 threads: a chain of large square products. */
async function measureMatmulPeak(): Promise<number> {
  const N = 1024;
  const chain = 8;
  const g = new GraphBuilder('matmul_peak');
  const w = g.input('w', 'float', [N, N]);
  let y = g.input('x', 'float', [N, N]);
  for (let i = 0; i < chain; i++) y = g.matmul(y, w);
  g.output(y, 'y');
  const session = await createSession(encodeModel(g), 2);
  const x = new Float32Array(N * N).map((_, i) => ((i % 7) - 3) / (N * 4));
  const feeds = { x: new ort.Tensor('float32', x, [N, N]), w: new ort.Tensor('float32', x.slice(), [N, N]) };
  await session.run(feeds);
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, await timed(() => session.run(feeds)));
  await session.release();
  return (2 * N * N * N * chain) / (best / 1000) / 1e9;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** What the user meets first: a keystroke after a space in a short new document, once the model has loaded. */
export async function firstWordStart(o: BenchOptions, text: string): Promise<number> {
  const client = new EngineClient(defaultEngineClientOptions(o.workerPath));
  try {
    await client.load(o.modelDir);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return await timed(() => client.complete('bench:first', text.slice(0, text.indexOf(' ', 500) + 1), defaultCompleteOptions()));
  } finally {
    await client.dispose();
  }
}

function formatBench(r: Omit<BenchResult, 'table'>): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  return [
    `file: ${r.file} (${r.lines} lines)`,
    `completion latency        p50 ${f(r.completionMs.p50)} ms   p99 ${f(r.completionMs.p99)} ms   (${r.completionMs.keystrokes} keystrokes)`,
    `cold open                 ${f(r.coldOpenMs, 1)} ms   (${Math.round(r.stateTokensPerSecond).toLocaleString('en-US')} tokens/s)`,
    `first word start          ${f(r.firstWordStartMs, 1)} ms   (a fresh worker, a second after loading)`,
    `re-reading the prefix     ${f(r.fullPrefixMs, 1)} ms per keystroke   → persistent state ${f(r.persistentStateSpeedup, 0)}× faster`,
    `tokenizer                 ${f(r.tokenizerMBps, 1)} MB/s`,
    `training                  ${Math.round(r.train.tokensPerSecond).toLocaleString('en-US')} tokens/s, ${f(r.train.modelGflops, 1)} GFLOP/s of ${f(r.train.matmulPeakGflops, 1)} peak → MFU ${f(r.train.mfu)}`,
    `worker memory             ${f(r.workerRssMB, 0)} MB`,
    `without the neural cache  completion p50 ${f(r.neuralCache.without.completionMs.p50)} ms p99 ${f(r.neuralCache.without.completionMs.p99)} ms; worker ${f(r.neuralCache.without.rssMB, 0)} MB`,
    `while training            completion p50 ${f(r.loadedCompletionMs.p50)} ms p99 ${f(r.loadedCompletionMs.p99)} ms; event-loop lag p99 ${f(r.eventLoopLagMs.p99)} ms (max ${f(r.eventLoopLagMs.max)})`,
    `while learning (${f(r.learning.cpuBudget * 100, 0)}% core)  completion p50 ${f(r.learning.completionMs.p50)} ms p99 ${f(r.learning.completionMs.p99)} ms; ${f(r.learning.cpuSecondsPerKB, 3)} CPU s/KB learned (${f(r.learning.kbLearned, 1)} KB, ${r.learning.swaps} weight swaps); learner ${f(r.learning.rssMB, 0)} MB`,
    `project memory            ${r.projectMemory.files} files, ${f(r.projectMemory.MB, 1)} MB indexed in ${f(r.projectMemory.seconds, 1)} s = ${f(r.projectMemory.indexMBps, 1)} MB/s (${f(r.projectMemory.indexMBpsCpu, 1)} MB per worker CPU-second); worker ${f(r.projectMemory.rssMB, 0)} MB`,
    `  while indexing          completion p50 ${f(r.projectMemory.completionMs.p50)} ms p99 ${f(r.projectMemory.completionMs.p99)} ms; event-loop lag p99 ${f(r.projectMemory.eventLoopLagMs.p99)} ms`,
    `  with it loaded          completion p50 ${f(r.projectMemory.afterCompletionMs.p50)} ms p99 ${f(r.projectMemory.afterCompletionMs.p99)} ms; file ${f(r.projectMemory.fileMB, 1)} MB, loaded in ${f(r.projectMemory.loadSeconds, 1)} s`,
  ].join('\n');
}
