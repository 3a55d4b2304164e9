// The bench's learning figures: the user types at 20 keystrokes per second in 3 documents while the
// learning process learns from other text within its CPU budget and the worker swaps in every new
// version of the weights, as the extension does. CPU seconds per KB learned, completion latency
// meanwhile, and the learner's memory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import { EngineClient } from '../runtime/engineClient';
import { Learned, LearningClient } from '../runtime/learningClient';
import { languageOfPath } from '../tokenizer';
import { readCorpus } from '../training/corpus';

export interface LearningBench {
  readonly cpuBudget: number;
  readonly cpuSecondsPerKB: number;
  readonly completionMs: { readonly p50: number; readonly p99: number };
  /** The learning process's resident memory. */
  readonly rssMB: number;
  readonly kbLearned: number;
  /** Weight swaps that happened while typing. */
  readonly swaps: number;
}

export async function typingWhileLearning(client: EngineClient, o: { modelDir: string; workerPath: string; corpusDir: string; cpuBudget: number }, text: string, keystrokes: number): Promise<LearningBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-bench-learn-'));
  const learner = new LearningClient(path.join(path.dirname(o.workerPath), 'learner.js'), { modelDir: o.modelDir, file: path.join(dir, 'learned.bin'), cpuBudget: o.cpuBudget });
  const events: Learned[] = [];
  let swaps = 0;
  let swapping = Promise.resolve();
  learner.onDidLearn((l) => {
    events.push(l);
    if (l.version > 0) swapping = swapping.then(() => client.useWeights(l.file)).then(() => void swaps++);
  });
  try {
    learner.open();
    while (!events.length) await new Promise((r) => setTimeout(r, 50));
    // Texts of 2-4 KB, as saves send them, so that several versions come while the user types.
    for (const f of readCorpus([path.join(o.corpusDir, 'express'), path.join(o.corpusDir, 'koa')]).files) {
      for (let at = 0; at < f.text.length; at += 3000) learner.learn(f.text.slice(at, at + 3000), languageOfPath(f.path));
    }
    const docs = ['a', 'b', 'c'];
    const base = Math.max(1, text.length - 1000);
    for (const doc of docs) await client.complete(`bench:learn-${doc}`, text.slice(0, base - 1), defaultCompleteOptions());
    // At least `keystrokes`, and on until three versions were swapped in (or two minutes passed).
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < keystrokes || (swaps < 3 && performance.now() - started < 120_000); i++) {
      const t0 = performance.now();
      await client.complete(`bench:learn-${docs[i % 3]}`, text.slice(0, base + Math.floor(i / 3)), defaultCompleteOptions());
      const spent = performance.now() - t0;
      latencies.push(spent);
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - spent)));
    }
    await swapping;
    const last = events[events.length - 1];
    const kb = last.stats.chars / 1024;
    const sorted = latencies.sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return {
      cpuBudget: o.cpuBudget, cpuSecondsPerKB: kb ? last.stats.cpuSeconds / kb : NaN, completionMs: { p50: q(0.5), p99: q(0.99) },
      rssMB: (last.rssBytes ?? NaN) / 2 ** 20, kbLearned: kb, swaps,
    };
  } finally {
    await learner.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
