// The typed client of the engine worker, used by the extension host and the CLI alike: request ids,
// timeouts, cancellation, text sync that sends only what changed, and restart after a crash or hang.
// The worker is a child process, not a thread: a crash in native code, or the kill of a worker stuck
// in it, then ends that process only, never the editor's.
import { ChildProcess } from 'node:child_process';
import { commonPrefixLength } from './commonPrefixLength';
import { forkChild, killChild, stderrTail } from './forkChild';
import { CompleteOptions, CompletionResult, FromWorker, ModelInfo, ProjectOp, ProjectStatus, Request, ResultOf, ScoreResult, Stats, ToWorker } from './protocol';
import type { Language } from '../tokenizer/language';

export interface EngineClientOptions {
  /** Path of the bundled worker (dist/worker.js). */
  readonly workerPath: string;
  readonly timeoutMs: { readonly complete: number; readonly other: number };
  /** Delays before successive restarts after crashes; the last one repeats. */
  readonly restartDelaysMs: readonly number[];
  /** JS heap cap of the worker process; ORT's native memory comes on top. */
  readonly maxHeapMb: number;
  /** false: the worker's model runs without its neural cache (for comparisons). */
  readonly neuralCache?: boolean;
}

export function defaultEngineClientOptions(workerPath: string): EngineClientOptions {
  return { workerPath, timeoutMs: { complete: 5_000, other: 120_000 }, restartDelaysMs: [250, 1_000, 5_000, 30_000], maxHeapMb: 512 };
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class EngineClient {
  private worker?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Text before the cursor that the worker holds for each document. */
  private readonly sent = new Map<string, string>();
  private modelDir?: string;
  /** Learned weights in use on top of the model (dynamic evaluation), restored after a restart too. */
  private weightsFile?: string;
  private loaded?: Promise<ModelInfo>;
  private crashes = 0;
  /** When the worker last answered anything (or started). */
  private lastHeard = 0;
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  private readonly crashListeners: ((error: Error) => void)[] = [];
  private readonly restartListeners: (() => void)[] = [];
  /** Set when a worker died: the next one to start is its replacement. */
  private replacing = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** Called when the worker dies or hangs; it is restarted by itself. */
  onDidCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
  }

  /**
   * Called once a replacement worker has a model (reloaded by itself, or a load asked for meanwhile):
   * what else the dead worker held, such as the project memory, is the caller's to restore.
   */
  onDidRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  /** Loads a model folder (also after any restart). Rejects with the loader's message. */
  load(modelDir: string): Promise<ModelInfo> {
    this.modelDir = modelDir;
    this.weightsFile = undefined;
    this.sent.clear();
    // Asked for while a restart waits out its backoff: the user's load starts the worker now.
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.loaded = this.request({ kind: 'load', modelDir, neuralCache: this.options.neuralCache });
    return this.loaded;
  }

  /** The model currently loaded (after a restart, the reloaded one), waiting for a load in flight. */
  info(): Promise<ModelInfo> {
    if (!this.loaded) return Promise.reject(new Error('no model is loaded'));
    return this.loaded;
  }

  /**
   * Completions for the end of `textBeforeCursor`, or undefined when cancelled by `signal` or
   * overtaken by a newer request for the same document (the worker decides which): an answer is
   * always for the text it was asked for, never a later keystroke's.
   */
  async complete(doc: string, textBeforeCursor: string, options: CompleteOptions, signal?: AbortSignal, language?: Language): Promise<CompletionResult | undefined> {
    await this.loaded;
    for (let attempt = 0; attempt < 2; attempt++) {
      // Before the text is counted as sent: a request that is never sent must not move the sync base.
      if (signal?.aborted) return undefined;
      const old = this.sent.get(doc) ?? '';
      const keep = this.sent.has(doc) ? commonPrefixLength(old, textBeforeCursor) : 0;
      this.sent.set(doc, textBeforeCursor);
      try {
        return await this.request({ kind: 'complete', doc, sync: { keep, append: textBeforeCursor.slice(keep), length: textBeforeCursor.length, language }, options }, signal);
      } catch (e) {
        if (e instanceof CancelledError) return undefined;
        if ((e as { code?: string }).code !== 'resync') throw e;
        this.sent.delete(doc);
      }
    }
    throw new Error(`could not bring ${doc} in step with the engine`);
  }

  /** Completes with the learned weights in `file` (of the loaded model) from the next request on. */
  async useWeights(file: string): Promise<{ version: number }> {
    await this.loaded;
    this.weightsFile = file;
    return this.request({ kind: 'useWeights', file });
  }

  async score(text: string, surprising = 0, signal?: AbortSignal, language?: Language): Promise<ScoreResult> {
    await this.loaded;
    return this.request({ kind: 'score', text, surprising, language }, signal);
  }

  close(doc: string): void {
    if (!this.sent.delete(doc) || !this.worker) return;
    this.request({ kind: 'close', doc }).catch(() => undefined);
  }

  stats(): Promise<Stats> {
    return this.request({ kind: 'stats' });
  }

  /** The project memory's requests (runtime/projectMemory); a restarted worker starts without it. */
  project(op: ProjectOp): Promise<ProjectStatus> {
    return this.request({ kind: 'project', op });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.failAll(new Error('the engine was shut down'));
    const worker = this.worker;
    this.worker = undefined;
    await killChild(worker);
  }

  private request<K extends Request['kind']>(request: Extract<Request, { kind: K }>, signal?: AbortSignal): Promise<ResultOf[K]> {
    if (this.disposed) return Promise.reject(new Error('the engine was shut down'));
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (!this.worker && this.restartTimer) return Promise.reject(new Error('the engine is restarting'));
    const worker = this.ensureWorker(request.kind !== 'load');
    const id = this.nextId++;
    const timeoutMs = request.kind === 'complete' ? this.options.timeoutMs.complete : this.options.timeoutMs.other;
    return new Promise<ResultOf[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the engine did not answer '${request.kind}' within ${timeoutMs} ms`));
        // A worker that answered nothing for as long is stuck (in native code, say): replace it. One
        // that answers other requests is only busy (a slow machine, a long queue): keep it.
        if (Date.now() - this.lastHeard >= timeoutMs) this.restart(new Error(`engine worker hung on '${request.kind}'`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      signal?.addEventListener('abort', () => this.send({ cancel: id }), { once: true });
      this.send({ id, request }, worker);
    });
  }

  private send(message: ToWorker, worker = this.worker): void {
    // A dead worker's channel is closed: its 'exit' restarts it and fails what was pending.
    if (worker?.connected) worker.send(message);
  }

  /** The worker, started if need be; a replacement reloads the model unless a load is what starts it. */
  private ensureWorker(reload = true): ChildProcess {
    if (this.worker) return this.worker;
    const worker = forkChild(this.options.workerPath, [`--max-old-space-size=${this.options.maxHeapMb}`]);
    const stderr = stderrTail(worker);
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => {
      // A message to a worker that just died fails (EPIPE) before its 'exit' arrives: let the exit,
      // which names the cause, restart it; restart here only if none follows.
      setTimeout(() => this.worker === worker && this.restart(e), 200).unref();
    });
    worker.on('exit', (code, signal) => {
      if (this.worker === worker && !this.disposed) this.restart(new Error(`engine worker exited (${signal ?? `code ${code}`})${stderr() ? `: ${stderr()}` : ''}`));
    });
    this.worker = worker;
    this.lastHeard = Date.now();
    if (reload && this.modelDir && this.crashes > 0) {
      // A replacement worker starts empty: reload the model before anything else is asked of it.
      const modelDir = this.modelDir;
      this.sent.clear();
      const weightsFile = this.weightsFile;
      this.loaded = this.request({ kind: 'load', modelDir, neuralCache: this.options.neuralCache }).then(async (info) => {
        if (weightsFile) await this.request({ kind: 'useWeights', file: weightsFile }).catch(() => undefined);
        return info;
      });
      this.loaded.catch(() => undefined);
    }
    if (this.replacing) {
      this.replacing = false;
      // A load asked for by the caller is made just after this returns: wait for whichever it is.
      queueMicrotask(() => void this.loaded?.then(() => {
        if (this.worker === worker) for (const l of this.restartListeners) l();
      }, () => undefined));
    }
    return worker;
  }

  private onMessage(m: FromWorker): void {
    this.lastHeard = Date.now();
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (this.pending.size === 0) this.crashes = 0;
    if (m.ok) p.resolve(m.result);
    else if (m.code === 'cancelled') p.reject(new CancelledError());
    else p.reject(Object.assign(new Error(m.error), { code: m.code }));
  }

  private restart(error: Error): void {
    const dead = this.worker;
    if (!dead || this.disposed) return;
    this.worker = undefined;
    dead.removeAllListeners();
    dead.kill('SIGKILL');
    this.failAll(error);
    const delays = this.options.restartDelaysMs;
    const delay = delays[Math.min(this.crashes, delays.length - 1)];
    this.crashes++;
    this.replacing = true;
    for (const l of this.crashListeners) l(error);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.disposed && !this.worker) this.ensureWorker();
    }, delay);
    this.restartTimer.unref();
  }

  private failAll(error: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }
}
