// Learning while the user works, as the session simulation plays it: each file saved into the
// project goes to the editor's learner process (dist/learner.js, dynamic evaluation), and completion
// switches to the weights it writes before the next file is typed, as the editor switches on each
// version. The learner gets a whole core so that it keeps up with simulated typing; in the editor a
// tenth of one keeps up with a person's. Each project starts again from the model's own weights.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../runtime/engineClient';
import { Learned, LearningClient } from '../runtime/learningClient';
import { languageOfPath } from '../tokenizer';
import type { DynamicEvalOptions } from '../training/dynamicEval';

export class SessionLearning {
  private learner?: LearningClient;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-simulate-learning-'));
  private projects = 0;
  private version = 0;
  private next?: { resolve: (l: Learned) => void; reject: (e: Error) => void };

  constructor(private readonly client: EngineClient, private readonly learnerPath: string, private readonly modelDir: string, private readonly options?: Partial<DynamicEvalOptions>) {}

  async startProject(): Promise<void> {
    await this.learner?.dispose();
    // The model's own weights again (documents are read anew).
    await this.client.load(this.modelDir);
    this.version = 0;
    const file = path.join(this.dir, `learned-${this.projects++}.bin`);
    const learner = new LearningClient(this.learnerPath, { modelDir: this.modelDir, file, cpuBudget: 1, options: this.options }, (m) => this.next?.reject(new Error(m)));
    learner.onDidLearn((l) => {
      if (l.kind === 'learned') this.next?.resolve(l);
    });
    this.learner = learner;
  }

  /** Learns from a saved file and completes with the weights learned from it. */
  async learn(filePath: string, text: string): Promise<void> {
    if (!this.learner || !text.length) return;
    const learned = new Promise<Learned>((resolve, reject) => (this.next = { resolve, reject }));
    this.learner.learn(text, languageOfPath(filePath));
    const l = await learned;
    this.next = undefined;
    // The same version: the text was too short to learn from.
    if (l.version === this.version) return;
    this.version = l.version;
    await this.client.useWeights(l.file);
  }

  async dispose(): Promise<void> {
    await this.learner?.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
