// Reads training text from files and folders with the shared filters, and splits it by file into
// training and validation sets deterministically.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fnv1a } from '../hash';
import { decodeTrainable, defaultFileFilterOptions, FileFilterOptions, skipReasonForPath } from './fileFilter';

export interface CorpusFile {
  /** Path relative to the root it was found under (forward slashes), or the file's own name. */
  readonly path: string;
  readonly text: string;
}

export interface Corpus {
  readonly files: CorpusFile[];
  /** How many files were skipped, by reason. */
  readonly skipped: Record<string, number>;
}

// Version control and dependency folders are never the user's own text; build output is excluded by
// the caller's globs (the workspace setting), since a folder named `build` may hold real source.
const skippedFolders = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv']);

/** Reads every trainable file under the given files or folders (recursively), in a stable order. */
export function readCorpus(roots: readonly string[], options: FileFilterOptions & { maxTotalBytes?: number } = defaultFileFilterOptions()): Corpus {
  const files: CorpusFile[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => { skipped[reason] = (skipped[reason] ?? 0) + 1; };
  let total = 0;
  const maxTotal = options.maxTotalBytes ?? Infinity;

  const visit = (abs: string, rel: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      skip('unreadable');
      return;
    }
    if (stat.isDirectory()) {
      if (rel !== '' && skippedFolders.has(path.basename(abs))) return;
      for (const name of fs.readdirSync(abs).sort()) visit(path.join(abs, name), rel ? `${rel}/${name}` : name);
      return;
    }
    if (!stat.isFile()) return;
    const byPath = skipReasonForPath(abs);
    if (byPath) return skip(byPath);
    if (stat.size > options.maxFileBytes) return skip('too large');
    if (total + stat.size > maxTotal) return skip('over the total size cap');
    const decoded = decodeTrainable(abs, fs.readFileSync(abs), options);
    if ('skip' in decoded) return skip(decoded.skip);
    total += stat.size;
    files.push({ path: rel || path.basename(abs), text: decoded.text });
  };
  for (const root of roots) {
    const isDir = fs.existsSync(root) && fs.statSync(root).isDirectory();
    visit(path.resolve(root), isDir ? '' : path.basename(root));
  }
  return { files, skipped };
}

/** A stable rank (unsigned FNV-1a) so a file's split never depends on the order files were found in. */
function rank(path: string): number {
  return fnv1a(path) >>> 0;
}

/**
 * Holds out about `fraction` of the files of each source (the first path component) for validation,
 * chosen by hash: the same file is held out whatever else the folder contains. Sources with at
 * least two files always give one.
 */
export function splitByFile<T extends { path: string }>(files: readonly T[], fraction: number): { train: T[]; valid: T[] } {
  const bySource = new Map<string, T[]>();
  for (const f of files) {
    const source = f.path.includes('/') ? f.path.slice(0, f.path.indexOf('/')) : '';
    let list = bySource.get(source);
    if (!list) bySource.set(source, (list = []));
    list.push(f);
  }
  const validSet = new Set<T>();
  for (const list of bySource.values()) {
    if (list.length < 2) continue;
    const ranked = [...list].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : 1));
    const n = Math.max(1, Math.round(list.length * fraction));
    for (const f of ranked.slice(0, n)) validSet.add(f);
  }
  return { train: files.filter((f) => !validSet.has(f)), valid: files.filter((f) => validSet.has(f)) };
}

/**
 * The base model's split of its corpus (scripts/research/trainBase.ts): files up to 2 MB, 5% of each
 * source held out. Everything that must keep off the held-out files (the n-gram baseline, the
 * gradient prior) or read exactly them takes it from here.
 */
export function splitBaseCorpus(corpusDir: string): { train: CorpusFile[]; valid: CorpusFile[]; skipped: Record<string, number> } {
  const { files, skipped } = readCorpus([corpusDir], { maxFileBytes: 2 * 1024 * 1024 });
  return { ...splitByFile(files, 0.05), skipped };
}
