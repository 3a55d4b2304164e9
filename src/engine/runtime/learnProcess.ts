// Entry of the learning child process (dist/learner.js): dynamic evaluation of the text the user
// writes, at the lowest CPU priority the editor allows and within a CPU budget, so that typing never
// notices it. After each text the learned weights are written atomically and announced.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { gradientPriorOf, loadModelFolder } from '../model';
import { Language, Tokenizer } from '../tokenizer';
import { DynamicLearner } from '../training/dynamicEval';
import { LearningStats, modelIdentity, noLearning, readLearnedWeights, writeLearnedWeights } from '../training/learnedWeights';
import { CpuBudget, cpuSeconds } from './cpuBudget';
import type { FromLearner, LearnerStart, ToLearner } from './learningClient';

const send = (m: FromLearner) => process.connected && process.send!(m);
process.on('disconnect', () => process.exit(0));

/** With nothing to learn for this long the process ends, giving back its memory; the next text starts another. */
const idleExitMs = 60_000;
let idleTimer: NodeJS.Timeout | undefined;
const idle = () => {
  clearTimeout(idleTimer);
  if (!draining) idleTimer = setTimeout(() => process.exit(0), idleExitMs);
};

try {
  os.setPriority(Math.min(19, os.getPriority() + 10));
} catch {
  // Not permitted here: the CPU budget still holds.
}

interface Session {
  readonly start: LearnerStart;
  readonly learner: DynamicLearner;
  readonly tokenizer: Tokenizer;
  readonly base: string;
  version: number;
  stats: LearningStats;
}

let session: Promise<Session> | undefined;
let budget: CpuBudget | undefined;
const queue: { text: string; language?: Language }[] = [];
let draining = false;
idle();

process.on('message', (m: ToLearner) => {
  idle();
  if (m.kind === 'start') {
    budget = new CpuBudget(m.start.cpuBudget);
    session = open(m.start);
    session.then((s) => send({ kind: 'ready', version: s.version, stats: s.stats, file: s.start.file }), (e: Error) => {
      send({ kind: 'failed', message: e.message });
      process.exit(1);
    });
  } else if (m.kind === 'budget') {
    if (budget) budget.budget = m.cpuBudget;
  } else {
    queue.push({ text: m.text, language: m.language });
    void drain();
  }
});

/** Loads the model, and goes on from the learned weights when they were learned from it. */
async function open(start: LearnerStart): Promise<Session> {
  await budget!.pace();
  const folder = loadModelFolder(start.modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  const base = modelIdentity(start.modelDir, folder.meta);
  let current = folder.weights;
  let version = 0;
  let stats = noLearning;
  if (fs.existsSync(start.file)) {
    try {
      const learned = readLearnedWeights(start.file);
      if (learned.header.base === base) ({ weights: current, header: { version, stats } } = learned);
    } catch (e) {
      // Unusable (another model's, or damaged): the next write replaces it.
      process.stderr.write(`${(e as Error).message}\n`);
    }
  }
  const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, start.options, 1, current, gradientPriorOf(folder, start.modelDir));
  return { start, learner, tokenizer, base, version, stats };
}

async function drain(): Promise<void> {
  if (draining || !session) return;
  draining = true;
  try {
    const s = await session;
    let next: (typeof queue)[number] | undefined;
    while ((next = queue.shift()) !== undefined) {
      clearTimeout(idleTimer);
      const doc = { ids: s.tokenizer.encode(next.text), chars: next.text.length, start: s.tokenizer.documentStart(next.language) };
      const pace = () => budget!.pace();
      await pace();
      const cpu = cpuSeconds();
      // Scoring a long text takes seconds too: paced like every learning step.
      const before = await s.learner.score([doc], null, pace);
      const learned = await s.learner.learn(doc, pace);
      if (learned.steps === 0) {
        // Too short to learn from: answered all the same (the same version), so every text gets one.
        send({ kind: 'learned', version: s.version, stats: s.stats, file: s.start.file, rssBytes: process.memoryUsage().rss });
        continue;
      }
      await pace();
      const after = await s.learner.score([doc], null, pace);
      s.version++;
      const st = s.stats;
      s.stats = {
        texts: st.texts + 1, chars: st.chars + doc.chars, steps: st.steps + learned.steps,
        bitsBefore: st.bitsBefore + before.nats / Math.LN2, bitsAfter: st.bitsAfter + after.nats / Math.LN2,
        // Process CPU time: the sleeps in pace() cost none.
        cpuSeconds: st.cpuSeconds + cpuSeconds() - cpu,
      };
      writeLearnedWeights(s.start.file, { cfg: s.learner.cfg, base: s.base, version: s.version, stats: s.stats }, s.learner.weights);
      send({ kind: 'learned', version: s.version, stats: s.stats, file: s.start.file, rssBytes: process.memoryUsage().rss });
    }
  } catch (e) {
    send({ kind: 'failed', message: (e as Error).message });
  } finally {
    draining = false;
    idle();
  }
}
