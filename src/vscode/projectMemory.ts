// The project memory from the editor's side: in a trusted workspace with a folder open, lists the
// files Train on Workspace would read (the same filters; the open files' folders first under the
// size cap) and hands the list to the engine's worker, which reads and counts them in the
// background (runtime/projectMemory). Saves and changes of listed files are sent at once; creates,
// deletes and renames make a fresh listing, of which the worker reads only what changed, unless the
// last listing leaves the file out for sure (a build's output, .git).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { ProjectFile, ProjectStatus } from '../engine/runtime/protocol';
import { readSettings } from './settings';
import { ListedFile, listWorkspaceFiles } from './workspaceFiles';

/** Half a core: a 50 MB workspace is indexed in about half a minute, once (later starts load the
 *  saved memory and read only the files that changed). */
const DEFAULT_CPU_BUDGET = 0.5;

/** The file in the workspace storage (beside the adapted model's folder). */
export const PROJECT_MEMORY_FILE = 'project-memory.bin';

/** One line on what the memory holds, for the status bar's tooltip. */
export function describeProjectMemory(s: ProjectStatus | undefined, capped: number, enabled: boolean, cpuBudget: number): string {
  if (!enabled) return 'Project memory: off (recurrent.projectMemory.enable).';
  if (!s) return 'Project memory: none (needs a trusted workspace with a folder).';
  const holds = `${s.files.toLocaleString('en-US')} files, ${s.words.toLocaleString('en-US')} words`;
  const budget = cpuBudget < 1 ? ` (within ${Math.round(cpuBudget * 100)}% of one core: recurrent.projectMemory.cpuBudget)` : '';
  const progress = s.state === 'loading' ? ` — loading${budget}…` : s.state === 'indexing' ? ` — indexing ${s.done.toLocaleString('en-US')} of ${s.planned.toLocaleString('en-US')} files${budget}…` : s.state === 'saving' ? ' — saving…' : '';
  const cap = capped ? `\n${capped.toLocaleString('en-US')} files left out by recurrent.training.maxTotalSizeMB (the open files' folders came first).` : '';
  return `Project memory: ${holds}${progress}${cap}`;
}

export class ProjectMemoryController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private status?: ProjectStatus;
  private capped = 0;
  /** Listed files by URI string: a save of one of them is sent as it is. */
  private listed = new Map<string, ListedFile>();
  private listingCount = 0;
  /** The last listing's test of a file or folder that appeared since (see touched). */
  private leftOut?: (uri: vscode.Uri, isFolder: boolean) => boolean;
  private relistTimer?: NodeJS.Timeout;
  private listing?: Promise<void>;
  private pollTimer?: NodeJS.Timeout;
  private active = false;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with describe() when what the memory holds or its progress changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: EngineClient, private readonly storageDir: string | undefined, private readonly log: vscode.LogOutputChannel, private readonly relistDelayMs = 2000) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidCreate((uri) => void this.touched(uri)),
      watcher.onDidDelete((uri) => void this.touched(uri, true)),
      // Changes made outside the editor (a checkout, another editor); a dirty document's own are its save's.
      watcher.onDidChange((uri) => !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty) && void this.refresh(uri)),
      vscode.workspace.onDidSaveTextDocument((d) => void this.refresh(d.uri)),
      vscode.workspace.onDidRenameFiles(() => this.relistSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.start()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.start()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('recurrent.projectMemory')) void this.start();
        else if (e.affectsConfiguration('recurrent.training') || e.affectsConfiguration('files.exclude')) this.relistSoon();
      }),
    );
    // A restarted worker starts without the memory: open and list again (it loads the saved file).
    client.onDidRestart(() => {
      if (this.active) void this.start();
    });
  }

  /** What the tooltip says. */
  describe(): string {
    return describeProjectMemory(this.status, this.capped, enabled(), cpuBudget());
  }

  /** Listings of the workspace made so far, each of which stats every file (the tests count them). */
  get listings(): number {
    return this.listingCount;
  }

  get current(): ProjectStatus | undefined {
    return this.status;
  }

  /** Opens the memory and lists the workspace, or turns it off (disabled, untrusted, no folder). */
  async start(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const can = enabled() && vscode.workspace.isTrusted && folders.length > 0 && this.storageDir !== undefined;
    if (!can) {
      const was = this.active;
      this.active = false;
      this.status = undefined;
      this.listed.clear();
      // Turned off: forget it, file included. A restricted workspace never had one.
      if (was || !enabled()) await this.forget();
      this.changed.fire(this.describe());
      return;
    }
    this.active = true;
    const roots = folders.map((f) => ({ uri: f.uri.toString(), name: folders.length > 1 ? f.name : '' }));
    await this.request({ op: 'open', storageFile: path.join(this.storageDir!, PROJECT_MEMORY_FILE), roots, maxFileBytes: readSettings().maxFileBytes, cpuBudget: cpuBudget() });
    await this.relistNow();
  }

  /** Forgets the memory (Reset to Base Model), then builds it again from the workspace if it is on. */
  async reset(): Promise<void> {
    await this.forget();
    await this.start();
  }

  private async forget(): Promise<void> {
    await this.request({ op: 'clear' });
    this.listed.clear();
    if (this.storageDir) await fs.promises.rm(path.join(this.storageDir, PROJECT_MEMORY_FILE), { force: true });
  }

  /** Resolves when the worker has read and saved everything (the extension-host tests wait for it). */
  async settled(): Promise<ProjectStatus | undefined> {
    // Not settled while a listing is due or under way.
    await (this.relistTimer ? this.relistNow() : this.listing);
    await this.request({ op: 'settled' });
    return this.poll();
  }

  private async relist(): Promise<void> {
    if (!this.active) return;
    // The open files' folders first: under the size cap they are what completion needs most.
    const openFolders = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => path.posix.dirname(vscode.workspace.asRelativePath(d.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1))));
    this.listingCount++;
    const listed = await listWorkspaceFiles(readSettings(), undefined, (p) => [...openFolders].some((f) => f === '.' || p.startsWith(`${f}/`)));
    // Files only: the worker reads from disk (remote and virtual folders are not indexed).
    const files = listed.files.filter((f) => f.uri.scheme === 'file');
    const capped = listed.skipped['over the total size cap'] ?? 0;
    if (capped && capped !== this.capped) this.log.info(`[project memory] ${capped} files over recurrent.training.maxTotalSizeMB are left out; the open files' folders came first`);
    this.capped = capped;
    this.listed = new Map(files.map((f) => [f.uri.toString(), f]));
    this.leftOut = listed.leftOut;
    this.log.info(`[project memory] ${files.length} files listed; skipped ${JSON.stringify(listed.skipped)}`);
    await this.request({ op: 'index', files: files.map(toProjectFile) });
    this.pollSoon();
  }

  /** A file saved or changed on disk: a listed one is sent as it is; another may belong in the listing. */
  private async refresh(uri: vscode.Uri): Promise<void> {
    const listed = this.active ? this.listed.get(uri.toString()) : undefined;
    if (!listed) return this.touched(uri);
    const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
    // Gone meanwhile: its delete lists again.
    if (!stat) return;
    // The watcher's event for a save already sent.
    if (stat.size === listed.size && stat.mtime === listed.mtimeMs) return;
    const file = { ...listed, size: stat.size, mtimeMs: stat.mtime };
    this.listed.set(uri.toString(), file);
    await this.request({ op: 'changed', files: [toProjectFile(file)] });
    this.pollSoon();
  }

  /**
   * A file or folder created, deleted or changed that was not listed: the workspace is listed again
   * unless the last listing leaves it out for sure. A build writing into dist/ or git into .git/
   * fires such events by the thousand, and each listing stats every file of the workspace.
   */
  private async touched(uri: vscode.Uri, deleted = false): Promise<void> {
    const key = uri.toString();
    if (path.posix.basename(uri.path) === '.gitignore' || this.listed.has(key)) return this.relistSoon();
    const leftOut = this.leftOut;
    if (!leftOut) return this.relistSoon();
    if (deleted) {
      // Gone, so of unknown kind: it mattered if listed files were in it, or, under the size cap, for the room it frees.
      const heldListed = !leftOut(uri, true) && [...this.listed.keys()].some((k) => k.startsWith(`${key}/`));
      if (heldListed || this.capped) this.relistSoon();
      return;
    }
    const asFile = leftOut(uri, false);
    const asFolder = leftOut(uri, true);
    // Only a path whose kind decides (dist itself, not what a build writes into it) is stat'ed.
    if (asFile === asFolder) {
      if (!asFile) this.relistSoon();
      return;
    }
    const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
    // Gone meanwhile: its delete event follows.
    if (stat && !((stat.type & vscode.FileType.Directory) !== 0 ? asFolder : asFile)) this.relistSoon();
  }

  private relistSoon(): void {
    if (!this.active) return;
    clearTimeout(this.relistTimer);
    this.relistTimer = setTimeout(() => void this.relistNow(), this.relistDelayMs);
  }

  private relistNow(): Promise<void> {
    clearTimeout(this.relistTimer);
    this.relistTimer = undefined;
    this.listing = this.relist().catch((e: Error) => this.log.warn(`[project memory] ${e.message}`));
    return this.listing;
  }

  /** Polls the worker for progress while it works, then once more for the final figures. */
  private pollSoon(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(async () => {
      const s = await this.poll();
      if (s && s.state !== 'ready' && s.state !== 'empty') this.pollSoon();
    }, 1000);
  }

  private async poll(): Promise<ProjectStatus | undefined> {
    return this.request({ op: 'status' });
  }

  private async request(op: Parameters<EngineClient['project']>[0]): Promise<ProjectStatus | undefined> {
    try {
      const s = await this.client.project(op);
      for (const note of s.notes ?? []) this.log.warn(note);
      this.status = this.active ? s : undefined;
      this.changed.fire(this.describe());
      return s;
    } catch (e) {
      this.log.warn(`[project memory] ${(e as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.relistTimer);
    clearTimeout(this.pollTimer);
    this.active = false;
    for (const d of this.disposables) d.dispose();
  }
}

function enabled(): boolean {
  return vscode.workspace.getConfiguration('recurrent').get('projectMemory.enable', true);
}

/** recurrent.projectMemory.cpuBudget: the share of one core that indexing may use. */
function cpuBudget(): number {
  return Math.min(1, Math.max(0.05, vscode.workspace.getConfiguration('recurrent').get('projectMemory.cpuBudget', DEFAULT_CPU_BUDGET)));
}

function toProjectFile(f: ListedFile): ProjectFile {
  return { path: f.path, fsPath: f.uri.fsPath, mtimeMs: f.mtimeMs, size: f.size };
}
