// Shared steps of the robustness tests: the built worker and trainer, copies and digests of model
// folders, the child processes of this process, and polling.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { EngineClient } from '../../../src/engine/runtime/engineClient';

export const repoRoot = path.resolve(__dirname, '../../..');

/** Path of a bundle in dist/ (worker.js, trainer.js); fails when it is missing or older than a source it was built from. */
export function distFile(name: 'worker.js' | 'trainer.js' | 'learner.js'): string {
  const file = path.join(repoRoot, 'dist', name);
  if (!fs.existsSync(file) || !fs.existsSync(`${file}.map`)) throw new Error(`${file} is missing: run npm run build first`);
  const built = fs.statSync(file).mtimeMs;
  const { sources } = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  const newer = sources.map((s) => path.resolve(path.dirname(file), s)).find((s) => s.startsWith(path.join(repoRoot, 'src')) && fs.existsSync(s) && fs.statSync(s).mtimeMs > built);
  if (newer) throw new Error(`${file} is older than ${path.relative(repoRoot, newer)}: run npm run build first`);
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `recurrent-${prefix}-`));
}

/** Copies a model folder (flat) to `to`. */
export function copyModel(from: string, to: string): string {
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) fs.copyFileSync(path.join(from, name), path.join(to, name));
  return to;
}

/** Names and SHA-256 of every file in a flat folder: equal digests mean the folder is intact. */
export function folderDigest(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(dir).sort()) hash.update(name).update('\0').update(fs.readFileSync(path.join(dir, name))).update('\0');
  return hash.digest('hex');
}

/** What a save may leave next to `dir`: `.NAME.tmp-*`, `.NAME.old-*` and the like. */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`.${path.basename(dir)}.`));
}

/** Pids of this process's children (every thread's), from /proc. */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${process.pid}/task`)) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim();
    } catch {
      continue; // the thread ended meanwhile
    }
    if (text) pids.push(...text.split(/\s+/).map(Number));
  }
  return pids;
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The client's current worker process (private; tests reach it to kill it). */
export function workerOf(client: EngineClient): ChildProcess | undefined {
  return (client as unknown as { worker?: ChildProcess }).worker;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
