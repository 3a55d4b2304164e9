// The project memory's benchmark: a workspace of 50 MB of real text (files of the shared corpus
// copied into a temp folder), indexed by the worker from scratch while a document is typed in at
// 20 keystrokes per second; the typing's latency, this process's event-loop lag (the extension
// host's stand-in), the indexing rate and the worker's memory once it holds the whole workspace.
// The memory is opened without a CPU budget, so the rate is the engine's capacity; the editor's
// default budget (recurrent.projectMemory.cpuBudget, half a core) takes about twice as long.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import { EngineClient } from '../runtime/engineClient';
import { readCorpus } from '../training/corpus';

export interface ProjectMemoryBench {
  /** MB of text read, filtered, counted and saved per second of wall time, from an empty memory. */
  indexMBps: number;
  /** The same per CPU-second of the worker (typing's share included): steadier than wall time on a shared machine. */
  indexMBpsCpu: number;
  /** The worker's resident memory once the memory holds the whole workspace. */
  rssMB: number;
  /** Typing while it indexes. */
  completionMs: { p50: number; p99: number };
  eventLoopLagMs: { p99: number };
  /** The workspace: files and MB, and the seconds indexing took. */
  files: number;
  MB: number;
  seconds: number;
  /** Typing once the memory holds the workspace (nothing left to index). */
  afterCompletionMs: { p50: number; p99: number };
  /** The memory file's size and the time a fresh worker takes to load it. */
  fileMB: number;
  loadSeconds: number;
}

export async function benchProjectMemory(client: EngineClient, corpusDir: string, text: string, say: (m: string) => void, totalMB = 50): Promise<ProjectMemoryBench> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-bench-workspace-'));
  const storage = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-bench-storage-')), 'project-memory.bin');
  try {
    say(`copying ${totalMB} MB of the corpus into a workspace`);
    const { files } = readCorpus([corpusDir], { maxFileBytes: 512 * 1024, maxTotalBytes: totalMB * 1e6 });
    let bytes = 0;
    const listed = files.map((f) => {
      const fsPath = path.join(root, f.path);
      fs.mkdirSync(path.dirname(fsPath), { recursive: true });
      fs.writeFileSync(fsPath, f.text);
      const stat = fs.statSync(fsPath);
      bytes += stat.size;
      return { path: f.path, fsPath, mtimeMs: stat.mtimeMs, size: stat.size };
    });
    const uri = pathToFileURL(root).toString();
    const doc = `${uri}/bench/typing.c`;
    const opts = defaultCompleteOptions();
    // A short document typed on from near its start: the figure is the typing, not a cold open.
    const base = Math.min(500, text.length >> 2);
    await client.complete(doc, text.slice(0, base), opts);
    await client.project({ op: 'open', storageFile: storage, roots: [{ uri, name: '' }] });
    say(`indexing ${listed.length} files (${(bytes / 1e6).toFixed(1)} MB) while typing at 20 keystrokes per second`);
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const t0 = performance.now();
    const cpu0 = (await client.stats()).cpuSeconds;
    await client.project({ op: 'index', files: listed });
    let indexed = false;
    const settled = waitForIndex(client).then(() => (indexed = true));
    const during = await typeUntil(client, doc, text, base, () => indexed);
    await settled;
    const seconds = (performance.now() - t0) / 1000;
    lag.disable();
    const stats = await client.stats();
    const rssMB = stats.rssBytes / 2 ** 20;
    const cpuSeconds = stats.cpuSeconds - cpu0;
    const after = await typeUntil(client, doc, text, base + during.length + 1, (n) => n >= 300);
    const status = await client.project({ op: 'status' });
    say(`indexed: ${status.files} files, ${status.words} words, ${status.tokens} tokens in ${seconds.toFixed(1)} s`);
    // A fresh start: the memory file is loaded, no workspace file is read. Opened first without a
    // file, since opening the same file again keeps the counts in hand.
    await client.project({ op: 'open', storageFile: undefined, roots: [{ uri, name: '' }] });
    const t1 = performance.now();
    await client.project({ op: 'open', storageFile: storage, roots: [{ uri, name: '' }] });
    for (let s = await client.project({ op: 'status' }); s.state === 'loading'; s = await client.project({ op: 'status' })) await new Promise((r) => setTimeout(r, 100));
    const loadSeconds = (performance.now() - t1) / 1000;
    const fileMB = fs.statSync(storage).size / 1e6;
    await client.project({ op: 'clear' });
    return {
      indexMBps: bytes / 1e6 / seconds,
      indexMBpsCpu: bytes / 1e6 / cpuSeconds,
      rssMB,
      completionMs: { p50: quantile(during, 0.5), p99: quantile(during, 0.99) },
      eventLoopLagMs: { p99: lag.percentile(99) / 1e6 },
      files: listed.length,
      MB: bytes / 1e6,
      seconds,
      afterCompletionMs: { p50: quantile(after, 0.5), p99: quantile(after, 0.99) },
      fileMB,
      loadSeconds,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.dirname(storage), { recursive: true, force: true });
  }
}

/** Polls until every listed file is read and the memory saved (a busy machine may take minutes). */
async function waitForIndex(client: EngineClient): Promise<void> {
  for (;;) {
    const s = await client.project({ op: 'status' });
    if (s.planned > 0 && s.done >= s.planned && (s.state === 'ready' || s.state === 'empty')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Types one character every 50 ms from `from` until `stop` says so; the latencies. */
async function typeUntil(client: EngineClient, doc: string, text: string, from: number, stop: (typed: number) => boolean): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = from; !stop(latencies.length) && i < text.length; i++) {
    const t0 = performance.now();
    await client.complete(doc, text.slice(0, i), defaultCompleteOptions());
    const spent = performance.now() - t0;
    latencies.push(spent);
    await new Promise((r) => setTimeout(r, Math.max(0, 50 - spent)));
  }
  return latencies;
}

function quantile(values: readonly number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
