// Entry of the engine worker process: owns the ORT sessions so that their synchronous native work
// never runs on the extension host's thread, and a crash in it never ends the editor. Requests are
// queued. This is the one place that decides a completion is stale: one overtaken by a newer one for
// the same document, or cancelled by its caller, only syncs its text (the next request's sync builds
// on it) and is answered 'cancelled', so that every answer belongs to the text it was asked for.
import * as path from 'node:path';
import { Engine, EngineError } from './engine';
import { PreparedWeights } from './languageModel';
import { FromWorker, Request, ToWorker } from './protocol';

interface Job {
  readonly id: number;
  readonly request: Request;
  readonly abort: AbortController;
  /** useWeights: the new weights' sessions, made before the job is queued. */
  readonly prepared?: Promise<PreparedWeights>;
}

if (!process.send) throw new Error('worker.js must run as a child process with an IPC channel');
// The editor is gone: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

const queue: Job[] = [];
const running = new Map<number, Job>();
let draining = false;
/** Background work (the project memory) waits here while requests are served. */
let idleWaiters: (() => void)[] = [];
// dist/worker.js beside media/, in the repository and in the package alike.
const engine = new Engine({ idle: whenIdle, languageWordsDir: path.join(__dirname, '..', 'media', 'languageWords') });

/** Resolves on a later turn of the event loop when no request is queued or running. */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(() => (draining || queue.length ? idleWaiters.push(resolve) : resolve()));
  });
}

process.on('message', (message: ToWorker) => {
  if ('cancel' in message) {
    const queued = queue.findIndex((j) => j.id === message.cancel);
    if (queued >= 0) {
      const [job] = queue.splice(queued, 1);
      if (job.request.kind === 'complete') trySync(job);
      reply({ id: job.id, ok: false, error: 'cancelled', code: 'cancelled' });
    }
    running.get(message.cancel)?.abort.abort();
    return;
  }
  const job = { id: message.id, request: message.request, abort: new AbortController() };
  // The project memory's requests only plan or report its background work (or wait for it): they
  // run at once, never behind a long request, and never hold up the queue.
  if (job.request.kind === 'project') return void run(job);
  if (message.request.kind === 'useWeights') {
    // New weights take a while to read and build: keystrokes are served meanwhile, and the switch
    // itself is a job of no time between two of them.
    const prepared = engine.prepareWeights(message.request.file);
    const enqueue = () => {
      queue.push({ ...job, prepared });
      if (!draining) setImmediate(drain);
    };
    prepared.then(enqueue, enqueue);
    return;
  }
  queue.push(job);
  // Let every message already waiting arrive before choosing what to run.
  if (!draining) setImmediate(drain);
});

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    let job: Job | undefined;
    while ((job = nextJob())) await run(job);
  } finally {
    draining = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** The next job; completions made stale by a newer one for the same document are answered early. */
function nextJob(): Job | undefined {
  let job: Job | undefined;
  while ((job = queue.shift()) && dropIfSuperseded(job));
  return job;
}

/** Answers a completion that a newer one for the same document has overtaken (keeping its text). */
function dropIfSuperseded(job: Job): boolean {
  const r = job.request;
  if (r.kind !== 'complete' || !queue.some((j) => j.request.kind === 'complete' && j.request.doc === r.doc)) return false;
  trySync(job);
  reply({ id: job.id, ok: false, error: 'superseded by a newer request', code: 'cancelled' });
  return true;
}

/** Keeps a dropped completion's text change, since later syncs build on it. */
function trySync(job: Job): void {
  if (job.request.kind !== 'complete') return;
  try {
    engine.sync(job.request.doc, job.request.sync);
  } catch {
    // The next request for this document gets 'resync' and sends its text whole.
  }
}

/** Between chunks of a long score: let waiting keystrokes in and answer them first. */
async function serveUrgent(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  let i: number;
  while ((i = queue.findIndex((j) => j.request.kind === 'complete' || j.request.kind === 'close')) >= 0) {
    const [job] = queue.splice(i, 1);
    if (!dropIfSuperseded(job)) await run(job);
  }
}

async function run(job: Job): Promise<void> {
  running.set(job.id, job);
  try {
    reply({ id: job.id, ok: true, result: await handle(job.request, job.abort.signal, job.prepared) });
  } catch (e) {
    const code = e instanceof EngineError ? e.code : job.abort.signal.aborted ? 'cancelled' : undefined;
    reply({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e), code });
  } finally {
    running.delete(job.id);
  }
}

async function handle(r: Request, signal: AbortSignal, prepared?: Promise<PreparedWeights>): Promise<unknown> {
  switch (r.kind) {
    case 'load':
      return engine.load(r.modelDir, r.neuralCache);
    case 'complete':
      return engine.complete(r.doc, r.sync, r.options, signal);
    case 'score':
      return engine.score(r.text, r.surprising, serveUrgent, r.language);
    case 'close':
      return engine.close(r.doc);
    case 'useWeights':
      return engine.useWeights(await prepared!);
    case 'stats':
      return engine.stats();
    case 'project':
      return engine.projectRequest(r.op);
  }
}

function reply(message: FromWorker): void {
  if (process.connected) process.send!(message);
}
