// The neural engine as the typing simulation sees it: the same client and worker as the extension.
import { EngineClient } from '../runtime/engineClient';
import { CompleteOptions, CompletionResult } from '../runtime/protocol';
import { Language, languageOfPath } from '../tokenizer/language';
import type { CompletionSystem } from './completionSystem';
import type { ProjectMixing } from '../memory/projectCounts';
import type { SessionLearning } from './sessionLearning';

/** The simulated project's root as a document id: its files' paths follow. */
const ROOT = 'simulate://';

export class RecurrentSystem implements CompletionSystem {
  readonly name: string;
  private doc = '';
  private language: Language = 'other';
  private last?: { text: string; result: Promise<CompletionResult | undefined> };

  /** With `learning`, its client learns from every saved file too (a session's `recurrent+learning`). */
  constructor(private readonly client: EngineClient, private readonly options: CompleteOptions, private readonly mixing?: Partial<ProjectMixing>, private readonly learning?: SessionLearning) {
    this.name = learning ? 'recurrent+learning' : 'recurrent';
  }

  startFile(path: string): void {
    if (this.doc) this.client.close(this.doc);
    this.doc = `${ROOT}/${path}`;
    this.language = languageOfPath(path);
  }

  /** Through the engine's project memory, kept in the worker's memory only. */
  async startProject(): Promise<void> {
    await this.learning?.startProject();
    await this.client.project({ op: 'clear' });
    await this.client.project({ op: 'open', roots: [{ uri: ROOT, name: '' }], mixing: this.mixing });
  }

  async addProjectFile(path: string, text: string): Promise<void> {
    await this.client.project({ op: 'text', path, text });
    await this.learning?.learn(path, text);
  }

  async rank(textBeforeCursor: string, _typed: string, limit: number): Promise<string[]> {
    const result = await this.complete(textBeforeCursor);
    return (result?.items ?? []).slice(0, limit).map((i) => i.word);
  }

  async inline(textBeforeCursor: string): Promise<string> {
    return (await this.complete(textBeforeCursor))?.inline ?? '';
  }

  /** rank() and inline() at one position make one engine request, as the two editor providers do. */
  private complete(text: string): Promise<CompletionResult | undefined> {
    if (this.last?.text !== text) this.last = { text, result: this.client.complete(this.doc, text, this.options, undefined, this.language) };
    return this.last.result;
  }
}
