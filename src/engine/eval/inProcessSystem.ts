// The engine as the tuning scripts type with it: in this process, no worker (what is tuned is the
// search and the mixture, not the transport), its project memory fed a session's saved files.
import { commonPrefixLength } from '../runtime/commonPrefixLength';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import type { Engine } from '../runtime/engine';
import type { ProjectMixing } from '../memory/projectCounts';
import type { CompletionSystem } from './completionSystem';
import { Language, languageOfPath } from '../tokenizer/language';

export class InProcessSystem implements CompletionSystem {
  readonly name = 'recurrent';
  private doc = '';
  private text = '';
  private language: Language = 'other';

  constructor(private readonly engine: Engine, private readonly mixing: Partial<ProjectMixing> = {}) {}

  startFile(path: string): void {
    if (this.doc) this.engine.close(this.doc);
    this.doc = `tune:///${path}`;
    this.text = '';
    // As the editor tells it (and recurrentSystem): the language token, its word memory, its filter.
    this.language = languageOfPath(path);
  }

  async startProject(): Promise<void> {
    await this.engine.projectRequest({ op: 'clear' });
    await this.engine.projectRequest({ op: 'open', roots: [{ uri: 'tune://', name: '' }], mixing: this.mixing });
  }

  async addProjectFile(path: string, text: string): Promise<void> {
    await this.engine.projectRequest({ op: 'text', path, text });
  }

  async rank(before: string, _typed: string, limit: number): Promise<string[]> {
    const keep = commonPrefixLength(this.text, before);
    const result = await this.engine.complete(this.doc, { keep, append: before.slice(keep), length: before.length, language: this.language }, { ...defaultCompleteOptions(), maxItems: limit });
    this.text = before;
    return result.items.map((i) => i.word);
  }
}
