// Entry of the engine worker process: owns the ORT sessions so that their synchronous native work
// never runs on the extension host's thread, and a crash in it never ends the editor. Requests are
// queued; a completion superseded by a newer one for the same document only syncs its text, and a
// cancelled request is answered at once.
import { Engine, EngineError } from './engine';
import { FromWorker, Request, ToWorker } from './protocol';

interface Job {
  readonly id: number;
  readonly request: Request;
  readonly abort: AbortController;
}

if (!process.send) throw new Error('worker.js must run as a child process with an IPC channel');
// The editor is gone: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

const engine = new Engine();
const queue: Job[] = [];
const running = new Map<number, Job>();
let draining = false;

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
  queue.push({ id: message.id, request: message.request, abort: new AbortController() });
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
  reply({ id: job.id, ok: false, error: 'superseded by a newer request', code: 'superseded' });
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
    reply({ id: job.id, ok: true, result: await handle(job.request, job.abort.signal) });
  } catch (e) {
    const code = e instanceof EngineError ? e.code : job.abort.signal.aborted ? 'cancelled' : undefined;
    reply({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e), code });
  } finally {
    running.delete(job.id);
  }
}

function handle(r: Request, signal: AbortSignal): Promise<unknown> | unknown {
  switch (r.kind) {
    case 'load':
      return engine.load(r.modelDir);
    case 'complete':
      return engine.complete(r.doc, r.sync, r.options, signal);
    case 'score':
      return engine.score(r.text, r.surprising, serveUrgent, r.language);
    case 'close':
      return engine.close(r.doc);
    case 'stats':
      return engine.stats();
  }
}

function reply(message: FromWorker): void {
  if (process.connected) process.send!(message);
}
