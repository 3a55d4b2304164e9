// The project memory as the engine's worker keeps it: the counts of the workspace's files
// (memory/projectCounts), loaded from and saved to the workspace storage (memory/projectMemoryFile),
// brought up to date from the list of files the editor sends (only files whose size or time changed
// are read again) and on every save, create, delete and rename. All of its work runs in slices of a
// few milliseconds between the worker's requests, so typing never waits for more than one slice,
// and within a CPU budget (runtime/cpuBudget): a share of one core, the worker's typing included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeWordIds, CountCursor, FileCounts, IdBuffer, pieceEnd, ProjectCounts } from '../memory/projectCounts';
import { decodeTokenIds, encodeTokenIds } from '../memory/tokenIds';
import { FileStamp, readProjectMemory, StoredFile, writeProjectMemory } from '../memory/projectMemoryFile';
import { decodeTrainable, defaultFileFilterOptions } from '../training/fileFilter';
import { CpuBudget } from './cpuBudget';
import type { ProjectFile, ProjectStatus } from './protocol';

/** Milliseconds of work between two yields to waiting requests. */
const SLICE_MS = 3;
/** Characters lexed, and tokens counted, between two looks at the clock: what a slice may overrun
 *  SLICE_MS by (about 0.2 and 0.6 ms; 4,096 tokens took 5 ms, and up to 35 on a loaded machine). */
const LEX_CHARS = 4 * 1024;
export const COUNT_TOKENS = 512;

export interface ProjectMemoryOptions {
  /** Resolves when the worker has no request to serve (it lets typing go first). */
  readonly idle: () => Promise<void>;
  readonly log: (message: string) => void;
}

type Work =
  | { readonly kind: 'read'; readonly file: ProjectFile }
  | { readonly kind: 'remove'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string };

export class ProjectMemory {
  private counts = new ProjectCounts();
  private stamps = new Map<string, FileStamp>();
  private storageFile?: string;
  private maxFileBytes = defaultFileFilterOptions().maxFileBytes;
  private queue: Work[] = [];
  /** The files of the last plan, for progress. */
  private planned = 0;
  private done = 0;
  private skipped: Record<string, number> = {};
  private running?: Promise<void>;
  private loading?: Promise<void>;
  /** A listing waiting for the load to finish before its work is queued. */
  private planning?: Promise<void>;
  private dirty = false;
  private state: ProjectStatus['state'] = 'empty';
  private generation = 0;
  private lastSlice = performance.now();
  /** None until the editor sets one (the simulation, the tests and the benchmark's capacity). */
  private budget?: CpuBudget;

  constructor(private readonly options: ProjectMemoryOptions) {}

  /** The share of one core its work may use on average (it waits between slices beyond it); 1: no limit. */
  set cpuBudget(fraction: number) {
    if (fraction >= 1) this.budget = undefined;
    else if (this.budget) this.budget.budget = fraction;
    else this.budget = new CpuBudget(fraction);
  }

  /** The counts to query (they change between requests, never during one). */
  get memory(): ProjectCounts {
    return this.counts;
  }

  /**
   * Uses the memory file at `storageFile` (undefined: keep the memory in this process only, as the
   * simulation does). Loads it in the background; a file that cannot be used is logged once and
   * rebuilt from the workspace.
   */
  open(storageFile: string | undefined, maxFileBytes = defaultFileFilterOptions().maxFileBytes): ProjectStatus {
    // Opened again as it is (trust granted, folders changed): keep the counts, which completion is
    // using; the listing that follows brings them up to date.
    if (storageFile && storageFile === this.storageFile && maxFileBytes === this.maxFileBytes) return this.status();
    this.reset();
    this.storageFile = storageFile;
    this.maxFileBytes = maxFileBytes;
    if (storageFile) {
      removeStaleTemps(storageFile);
      const generation = this.generation;
      this.state = 'loading';
      this.loading = this.load(storageFile, generation).finally(() => {
        if (generation === this.generation) this.loading = undefined;
      });
    }
    return this.status();
  }

  /**
   * The workspace's files as the editor lists them (already filtered by path and size): files that
   * are gone lose their counts, new and changed ones are read (their content filtered here).
   */
  index(files: readonly ProjectFile[]): ProjectStatus {
    const generation = this.generation;
    const queued: Promise<void> = (this.loading ?? Promise.resolve()).then(() => {
      if (generation !== this.generation) return;
      const listed = new Set(files.map((f) => f.path));
      const work: Work[] = [];
      for (const path of this.stamps.keys()) if (!listed.has(path)) work.push({ kind: 'remove', path });
      for (const file of files) {
        const stamp = this.stamps.get(file.path);
        if (!stamp || stamp.mtimeMs !== file.mtimeMs || stamp.size !== file.size) work.push({ kind: 'read', file });
      }
      this.planned = work.length;
      this.done = 0;
      this.skipped = {};
      // A new listing replaces what the last one left to do (a file saved meanwhile is in it too).
      this.queue = [];
      this.enqueue(work);
    }).finally(() => {
      if (this.planning === queued) this.planning = undefined;
    });
    this.planning = queued;
    return this.status();
  }

  /** Saved or created files: read them again. */
  changed(files: readonly ProjectFile[]): void {
    this.enqueue(files.map((file) => ({ kind: 'read', file })));
  }

  removed(paths: readonly string[]): void {
    this.enqueue(paths.map((path) => ({ kind: 'remove', path })));
  }

  renamed(pairs: readonly { from: string; to: string }[]): void {
    this.enqueue(pairs.map(({ from, to }) => ({ kind: 'rename', from, to })));
  }

  /** Counts a text as a saved file at once (the simulation's project files; nothing is read or written). */
  setText(path: string, text: string): void {
    this.counts.setText(path, text);
    this.stamps.set(path, { mtimeMs: 0, size: text.length });
  }

  /** Forgets everything and deletes the memory file (Reset to Base Model, or the memory turned off). */
  async clear(): Promise<void> {
    const file = this.storageFile;
    this.reset();
    this.storageFile = undefined;
    if (file) await fs.promises.rm(file, { force: true });
  }

  status(): ProjectStatus {
    return {
      state: this.state,
      files: this.counts.fileCount,
      words: this.counts.wordCount,
      tokens: this.counts.tokenCount,
      planned: this.planned,
      done: this.done,
      skipped: { ...this.skipped },
    };
  }

  /** Resolves when nothing is left to do (tests, the simulation and the benchmark wait for it). */
  async settled(): Promise<void> {
    while (this.loading || this.planning || this.running) await (this.loading ?? this.planning ?? this.running);
  }

  private reset(): void {
    this.generation++;
    this.counts = new ProjectCounts();
    this.stamps = new Map();
    this.queue = [];
    this.planned = this.done = 0;
    this.skipped = {};
    this.dirty = false;
    this.state = 'empty';
    this.loading = undefined;
    this.planning = undefined;
    this.running = undefined;
  }

  private enqueue(work: readonly Work[]): void {
    if (!work.length) return;
    this.queue.push(...work);
    this.state = 'indexing';
    if (!this.running) {
      const generation = this.generation;
      this.running = this.run(generation).finally(() => {
        if (generation === this.generation) this.running = undefined;
      });
    }
  }

  private async run(generation: number): Promise<void> {
    await this.loading;
    // One buffer for the bytes and one for the token ids of every file this run reads.
    const reader = new FileReader();
    const ids = new IdBuffer();
    // Work that arrives while the memory is saved is done after it, then saved too.
    while (generation === this.generation && this.queue.length) {
      this.state = 'indexing';
      let work: Work | undefined;
      while (generation === this.generation && (work = this.queue.shift())) {
        try {
          await this.perform(work, generation, ids, reader);
        } catch (e) {
          this.options.log(`[project memory] ${(e as Error).message}`);
        }
        if (work.kind === 'read' && this.done < this.planned) this.done++;
      }
      if (generation !== this.generation) return;
      this.state = this.counts.fileCount ? 'ready' : 'empty';
      if (this.dirty && this.storageFile) await this.save(this.storageFile, generation);
    }
  }

  private async perform(work: Work, generation: number, ids: IdBuffer, reader: FileReader): Promise<void> {
    await this.pause();
    if (work.kind === 'remove') {
      await this.uncount(work.path, generation);
      this.stamps.delete(work.path);
      return;
    }
    if (work.kind === 'rename') {
      const stamp = this.stamps.get(work.from);
      if (!stamp) return;
      this.stamps.delete(work.from);
      this.stamps.set(work.to, stamp);
      this.dirty = true;
      // In slices like any count: a large file's counts move in hundreds of milliseconds.
      const moved = this.counts.move(work.from, work.to);
      for (const entry of moved?.out ?? []) await this.countSlices(entry, -1, generation);
      if (moved) await this.countSlices(moved.in, 1, generation);
      return;
    }
    const { file } = work;
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(file.fsPath, this.maxFileBytes);
    } catch (e) {
      // Deleted since it was listed: its old counts go.
      await this.uncount(file.path, generation);
      this.stamps.delete(file.path);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.skip('unreadable');
      return;
    }
    if (generation !== this.generation) return;
    await this.pause();
    // Exactly Train on Workspace's filters: binaries, minified or generated text, secrets, size.
    const decoded = decodeTrainable(file.fsPath, bytes, { maxFileBytes: this.maxFileBytes });
    if ('skip' in decoded) {
      await this.uncount(file.path, generation);
      this.stamps.set(file.path, { mtimeMs: file.mtimeMs, size: file.size });
      this.skip(decoded.skip);
      return;
    }
    const text = decoded.text;
    const code = CodeWordIds.of(file.path);
    ids.clear();
    for (let at = 0; at < text.length; ) {
      const end = pieceEnd(text, at, LEX_CHARS);
      this.counts.lex(text.slice(at, end), code, ids);
      at = end;
      await this.pause();
      if (generation !== this.generation) return;
    }
    await this.uncount(file.path, generation);
    if (generation !== this.generation) return;
    await this.count(file.path, ids.ids(), encodeTokenIds(code ? [...code.ids] : []), code?.ids.size ?? 0, generation);
    this.stamps.set(file.path, { mtimeMs: file.mtimeMs, size: file.size });
  }

  /** Counts a file's token ids, and the ids of its code words (as varints, memory/tokenIds), in slices. */
  private async count(path: string, ids: Int32Array, codeWords: Uint8Array, codeCount: number, generation: number): Promise<void> {
    await this.countSlices(this.counts.attach(path, encodeTokenIds(ids), ids.length, codeWords, codeCount), 1, generation);
  }

  /** Adds (1) or takes out (−1) an entry's counts in slices. */
  private async countSlices(entry: FileCounts, delta: 1 | -1, generation: number): Promise<void> {
    this.dirty = true;
    const cursor = new CountCursor();
    while (generation === this.generation && !this.counts.countSlice(entry, delta, cursor, COUNT_TOKENS)) await this.pause();
  }

  /** Takes a file's counts out in slices (nothing when it was not counted). */
  private async uncount(path: string, generation: number): Promise<void> {
    const entry = this.counts.detach(path);
    if (entry) await this.countSlices(entry, -1, generation);
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private async load(file: string, generation: number): Promise<void> {
    try {
      const stored = await readProjectMemory(file, () => this.pause());
      if (!stored || generation !== this.generation) return;
      // Tokens no file uses any more are dropped: ids are renumbered as the files are recounted.
      const remap = new Int32Array(stored.vocabulary.length).fill(-1);
      for (const f of stored.files) {
        // Checked by readProjectMemory.
        const tokens = decodeTokenIds(f.tokens, f.count)!;
        const codeWords = decodeTokenIds(f.codeWords, f.codeCount)!;
        for (const ids of [tokens, codeWords]) {
          for (let i = 0; i < ids.length; i++) {
            let id = remap[ids[i]];
            if (id < 0) id = remap[ids[i]] = this.counts.intern(stored.vocabulary[ids[i]]);
            ids[i] = id;
          }
        }
        this.stamps.set(f.path, { mtimeMs: f.mtimeMs, size: f.size });
        // A file stored without tokens was skipped by the filters: only its stamp is kept.
        if (tokens.length) await this.count(f.path, tokens, encodeTokenIds(codeWords), codeWords.length, generation);
        await this.pause();
        if (generation !== this.generation) return;
      }
      this.state = this.counts.fileCount ? 'ready' : 'empty';
      this.dirty = false;
    } catch (e) {
      if (generation !== this.generation) return;
      // One line, then the memory is rebuilt from the workspace: the editor's list follows.
      this.options.log(`[project memory] ${(e as Error).message}; rebuilding it from the workspace`);
      this.counts = new ProjectCounts();
      this.stamps = new Map();
      this.state = 'empty';
      this.dirty = true;
    }
  }

  private async save(file: string, generation: number): Promise<void> {
    this.state = 'saving';
    // In slices too (the whole of it took 0.4-0.5 s for a 50 MB workspace, 10-30 ms of it at once).
    // Nothing is counted meanwhile: this run does it after the save.
    const between = async () => {
      await this.pause();
      if (generation !== this.generation) throw new Superseded();
    };
    try {
      const vocabulary = this.counts.vocabulary();
      const files: StoredFile[] = [];
      // Skipped files are remembered too (no tokens), so an unchanged one is not read at every start.
      const none = new Uint8Array(0);
      for (const [path, stamp] of this.stamps) {
        const counted = this.counts.file(path);
        files.push({ path, ...stamp, tokens: counted?.tokens ?? none, count: counted?.count ?? 0, codeWords: counted?.codeWords ?? none, codeCount: counted?.codeCount ?? 0 });
        if ((files.length & 511) === 0) await between();
      }
      this.dirty = false;
      await writeProjectMemory(file, { vocabulary, files }, between);
    } catch (e) {
      // Cleared or reopened meanwhile: that memory is not this one's to save.
      if (e instanceof Superseded) return;
      this.dirty = true;
      this.options.log(`[project memory] could not save ${file}: ${(e as Error).message}`);
    }
    if (generation === this.generation) this.state = this.counts.fileCount ? 'ready' : 'empty';
  }

  /** Yields to waiting requests once a slice of work is spent, and waits while over its budget. */
  private async pause(): Promise<void> {
    if (performance.now() - this.lastSlice < SLICE_MS) return;
    await this.budget?.pace();
    await this.options.idle();
    this.lastSlice = performance.now();
  }
}

/** Thrown between two slices of a save once the memory was cleared or reopened. */
class Superseded extends Error {}

/** Reads files into one buffer, grown as needed: a fresh Buffer per file is as much garbage as the
 *  workspace has text (see memory/projectCounts IdBuffer). */
class FileReader {
  private buffer = Buffer.alloc(64 * 1024);

  /** The file's bytes, at most `limit` + 1 of them (enough to tell it is too large); valid until the next read. */
  async read(fsPath: string, limit: number): Promise<Uint8Array> {
    const handle = await fs.promises.open(fsPath, 'r');
    try {
      const wanted = Math.min((await handle.stat()).size, limit) + 1;
      if (this.buffer.length < wanted) this.buffer = Buffer.alloc(wanted);
      let n = 0;
      for (let got = 1; n < wanted && got > 0; n += got) got = (await handle.read(this.buffer, n, wanted - n, n)).bytesRead;
      return this.buffer.subarray(0, n);
    } finally {
      await handle.close();
    }
  }
}

/** Temp files of writers killed halfway (an hour old: a live writer finishes within seconds). */
function removeStaleTemps(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  try {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (name.startsWith(prefix) && Date.now() - fs.statSync(p).mtimeMs > 3_600_000) fs.rmSync(p, { force: true });
    }
  } catch {
    // No folder yet, or one we cannot list: nothing to clean.
  }
}
