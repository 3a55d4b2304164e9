// Which model is in use — the bundled base model, a workspace-adapted one in the workspace's
// storage, or a folder named in settings — and loading it into the engine, falling back to the base
// model with one clear message when a model folder is damaged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { ModelInfo } from '../engine/runtime/protocol';
import { readSettings } from './settings';

export type ModelKind = 'base' | 'workspace' | 'custom';

export interface ActiveModel {
  readonly kind: ModelKind;
  readonly dir: string;
  readonly info: ModelInfo;
}

export class ModelManager {
  private active?: ActiveModel;
  /** The loadPreferred() in flight. */
  private preferred?: { kind: ModelKind; dir: string; loaded: Promise<ActiveModel> };
  private readonly changed = new vscode.EventEmitter<ActiveModel>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: EngineClient,
    private readonly baseDir: string,
    /** Where a workspace-adapted model lives; undefined without a workspace. */
    readonly workspaceDir: string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): ActiveModel | undefined {
    return this.active;
  }

  /**
   * Loads the model the settings and the workspace call for. Granting trust fires both the trust and
   * the settings event: a call while the same model is being loaded waits for that load.
   */
  loadPreferred(): Promise<ActiveModel> {
    const custom = readSettings().modelPath;
    const kind: ModelKind = custom ? 'custom' : this.workspaceDir && fs.existsSync(path.join(this.workspaceDir, 'model.json')) ? 'workspace' : 'base';
    const dir = kind === 'custom' ? custom : kind === 'workspace' ? this.workspaceDir! : this.baseDir;
    if (this.preferred?.kind === kind && this.preferred.dir === dir) return this.preferred.loaded;
    const loaded = kind === 'base' ? this.load(kind, dir) : this.loadOrFallBack(kind, dir);
    const preferred = { kind, dir, loaded };
    this.preferred = preferred;
    const done = () => this.preferred === preferred && (this.preferred = undefined);
    loaded.then(done, done);
    return loaded;
  }

  /** Switches to a freshly trained workspace model. */
  useWorkspaceModel(): Promise<ActiveModel> {
    if (!this.workspaceDir) throw new Error('no workspace storage');
    return this.load('workspace', this.workspaceDir);
  }

  /** Back to the bundled model; the adapted one is deleted. */
  async resetToBase(): Promise<ActiveModel> {
    const active = await this.load('base', this.baseDir);
    if (this.workspaceDir) await fs.promises.rm(this.workspaceDir, { recursive: true, force: true });
    return active;
  }

  private async loadOrFallBack(kind: ModelKind, dir: string): Promise<ActiveModel> {
    try {
      return await this.load(kind, dir);
    } catch (e) {
      const message = `Recurrent could not load the ${kind === 'custom' ? 'model in recurrent.modelPath' : 'workspace-adapted model'} (${(e as Error).message}). Using the bundled base model.`;
      this.log.error(`[model] ${message}`);
      void vscode.window.showWarningMessage(message);
      return this.load('base', this.baseDir);
    }
  }

  private async load(kind: ModelKind, dir: string): Promise<ActiveModel> {
    const info = await this.client.load(dir);
    this.active = { kind, dir, info };
    this.log.info(`[model] using the ${kind} model in ${dir} (${info.cell}, V=${info.vocabSize}, H=${info.hiddenSize})`);
    this.changed.fire(this.active);
    return this.active;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** One paragraph on the model in use, for the tooltip and the info command. */
export function describeModel(m: ActiveModel): string {
  const meta = m.info.meta as { created?: string; training?: { trainTokens?: number; files?: number }; name?: string };
  const what = m.kind === 'base' ? 'bundled base model' : m.kind === 'workspace' ? 'adapted to this workspace' : `from ${m.dir}`;
  const trained = meta.created ? `, trained ${meta.created.slice(0, 16).replace('T', ' ')}` : '';
  const tokens = meta.training?.trainTokens ? ` on ${meta.training.trainTokens.toLocaleString('en-US')} tokens` : '';
  return `${m.info.cell.toUpperCase()} ${m.info.layers}×${m.info.hiddenSize}, vocabulary ${m.info.vocabSize} — ${what}${trained}${tokens}`;
}
