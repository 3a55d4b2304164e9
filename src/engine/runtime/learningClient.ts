// Runs dynamic evaluation in a long-lived child process (dist/learner.js) at low priority: the
// editor sends it the text the user wrote, it takes gradient steps within its CPU budget and writes
// the learned weights (atomically) after each text, then says which version it wrote. A learner
// that dies, or ends after a minute with nothing to learn, is started again by the next text; the
// last file it wrote is the last good weights.
import { ChildProcess } from 'node:child_process';
import type { Language } from '../tokenizer';
import { DynamicEvalOptions } from '../training/dynamicEval';
import { LearningStats } from '../training/learnedWeights';
import { forkChild, killChild, stderrTail } from './forkChild';

export interface LearnerStart {
  /** The model folder whose weights the learning starts from (and decays back to). */
  readonly modelDir: string;
  /** The learned-weights file: read to go on from, written after every text. */
  readonly file: string;
  /** CPU-seconds per second, a fraction of one core. */
  readonly cpuBudget: number;
  readonly options?: Partial<DynamicEvalOptions>;
}

export interface Learned {
  /** The version the file now holds (0: nothing learned yet from this model). */
  readonly version: number;
  readonly stats: LearningStats;
  readonly file: string;
  /** The learner's resident memory when it wrote this version. */
  readonly rssBytes?: number;
}

export type ToLearner =
  | { readonly kind: 'start'; readonly start: LearnerStart }
  | { readonly kind: 'learn'; readonly text: string; readonly language?: Language }
  | { readonly kind: 'budget'; readonly cpuBudget: number };

/** 'ready' once started (with what it goes on from); 'learned' once for every text, with the same
 *  version when the text was too short to learn from. */
export type Announced = { readonly kind: 'ready' | 'learned' } & Learned;

export type FromLearner = Announced | { readonly kind: 'failed'; readonly message: string };

export class LearningClient {
  private child?: ChildProcess;
  private readonly listeners: ((l: Announced) => void)[] = [];
  private disposed = false;

  constructor(private readonly learnerPath: string, private start: LearnerStart, private readonly log: (message: string) => void = () => undefined) {}

  /** Called when the learner has started (with what it goes on from) and after each text. */
  onDidLearn(listener: (l: Announced) => void): void {
    this.listeners.push(listener);
  }

  /** Starts the learner now (it also starts with the first text). */
  open(): void {
    this.ensureChild();
  }

  /** Learns from `text` of a document in `language` (read after that language's start tokens, as completion reads it). */
  learn(text: string, language?: Language): void {
    if (text.length) this.send({ kind: 'learn', text, language });
  }

  set cpuBudget(cpuBudget: number) {
    this.start = { ...this.start, cpuBudget };
    this.child?.send({ kind: 'budget', cpuBudget } satisfies ToLearner);
  }

  /** The learner's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ends the learner; a write in progress completes or leaves the previous file. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const child = this.child;
    this.child = undefined;
    await killChild(child);
  }

  private send(m: ToLearner): void {
    const child = this.ensureChild();
    if (child?.connected) child.send(m);
  }

  private ensureChild(): ChildProcess | undefined {
    if (this.disposed) return undefined;
    if (this.child) return this.child;
    const child = forkChild(this.learnerPath);
    const stderr = stderrTail(child);
    child.on('message', (m: FromLearner) => {
      if (m.kind === 'failed') this.log(`learning failed: ${m.message}`);
      else for (const l of this.listeners) l(m);
    });
    child.on('error', (e) => this.log(`learner: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      // Exit code 0: it ended by itself after a while with nothing to learn.
      if (!this.disposed && code !== 0) this.log(`the learner stopped (${signal ?? `exit code ${code}`})${stderr() ? `: ${stderr()}` : ''}; it starts again with the next text`);
    });
    this.child = child;
    child.send({ kind: 'start', start: this.start } satisfies ToLearner);
    return child;
  }
}
