// Collects the workspace's text files for training through VS Code's file APIs (so remote and
// virtual workspaces work), honouring files.exclude, .gitignore and Recurrent's own excludes.
import ignore, { Ignore } from 'ignore';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CorpusFile } from '../engine/training/corpus';
import { decodeTrainable, excludedByName, skipReasonForPath } from '../engine/training/fileFilter';
import { Settings } from './settings';

export interface CollectedFiles {
  readonly files: CorpusFile[];
  readonly bytes: number;
  readonly skipped: Record<string, number>;
}

export async function collectWorkspaceFiles(settings: Settings, token?: vscode.CancellationToken): Promise<CollectedFiles> {
  const listed = await listWorkspaceFiles(settings, token);
  const files: CorpusFile[] = [];
  const skipped = listed.skipped;
  let bytes = 0;
  for (const f of listed.files) {
    if (token?.isCancellationRequested) break;
    const decoded = decodeTrainable(f.uri.path, await vscode.workspace.fs.readFile(f.uri), { maxFileBytes: settings.maxFileBytes });
    if ('skip' in decoded) { skipped[decoded.skip] = (skipped[decoded.skip] ?? 0) + 1; continue; }
    bytes += f.size;
    files.push({ path: f.path, text: decoded.text });
  }
  return { files, bytes, skipped };
}

/** A workspace file that passes the filters by path and size (its content is checked when read). */
export interface ListedFile {
  readonly uri: vscode.Uri;
  /** Relative to the workspace (with the folder's name first in a multi-root workspace). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The workspace's files that Train on Workspace and the project memory may read: files.exclude,
 * .gitignore, recurrent.training.exclude, names that may hold secrets, lock files, binaries and
 * minified files by name, the size limits. `first` files go first under the total size cap (the
 * project memory puts the open files' folders there); `skipped` counts the rest by reason.
 */
export async function listWorkspaceFiles(settings: Settings, token?: vscode.CancellationToken, first: (path: string) => boolean = () => false): Promise<WorkspaceListing> {
  const candidates: ListedFile[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const rules = new Map<string, { patterns: string[]; ignored: (rel: string) => boolean }>();
  for (const folder of folders) {
    const patterns = excludePatterns(settings, folder);
    const exclude = patterns.length ? `{${patterns.join(',')}}` : null;
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), exclude, 100_000, token);
    const ignored = await gitignores(folder, folders.length > 1);
    rules.set(folder.uri.toString(), { patterns, ignored });
    uris.sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const uri of uris) {
      if (token?.isCancellationRequested) break;
      const rel = vscode.workspace.asRelativePath(uri, folders.length > 1);
      if (ignored(rel)) { skip('ignored by .gitignore'); continue; }
      const byPath = skipReasonForPath(uri.path);
      if (byPath) { skip(byPath); continue; }
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > settings.maxFileBytes) { skip('too large'); continue; }
      candidates.push({ uri, path: rel, size: stat.size, mtimeMs: stat.mtime });
    }
  }
  // A stable sort: by path within each group.
  const ordered = [...candidates.filter((f) => first(f.path)), ...candidates.filter((f) => !first(f.path))];
  const files: ListedFile[] = [];
  let bytes = 0;
  for (const f of ordered) {
    if (bytes + f.size > settings.maxTotalBytes) { skip('over the total size cap'); continue; }
    bytes += f.size;
    files.push(f);
  }
  const leftOut = (uri: vscode.Uri, isFolder: boolean) => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const r = folder && rules.get(folder.uri.toString());
    if (!folder || !r) return true;
    const rel = vscode.workspace.asRelativePath(uri, folders.length > 1);
    const inFolder = path.posix.relative(folder.uri.path, uri.path);
    // A folder is left out when anything inside it would be: a child with an empty name stands for any.
    if (isFolder) return excludedByName(`${inFolder}/`, r.patterns) || r.ignored(`${rel}/`);
    return Boolean(skipReasonForPath(uri.path)) || excludedByName(inFolder, r.patterns) || r.ignored(rel);
  };
  return { files, skipped, leftOut };
}

export interface WorkspaceListing {
  readonly files: ListedFile[];
  /** Files left out, counted by reason. */
  readonly skipped: Record<string, number>;
  /**
   * Whether a file at `uri` (one that appeared or changed since), or everything in a folder there,
   * is left out for sure: outside the folders, excluded by name, by the .gitignore rules read for
   * this listing, or (a file) by its own name; false means it may be listed.
   */
  readonly leftOut: (uri: vscode.Uri, isFolder: boolean) => boolean;
}

/** recurrent.training.exclude and the folder's files.exclude, as glob patterns. */
function excludePatterns(settings: Settings, folder: vscode.WorkspaceFolder): string[] {
  const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude', {});
  return [...settings.trainingExclude, ...Object.keys(filesExclude).filter((k) => filesExclude[k])];
}

/** A matcher for the .gitignore files of a folder (the root's and nested ones). */
async function gitignores(folder: vscode.WorkspaceFolder, multiRoot: boolean): Promise<(rel: string) => boolean> {
  const rules: { base: string; ig: Ignore }[] = [];
  const ignoreFiles = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), '**/node_modules/**', 1000);
  for (const uri of ignoreFiles) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const rel = vscode.workspace.asRelativePath(uri, false);
    rules.push({ base: rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '', ig: ignore().add(text) });
  }
  return (rel) => {
    // Multi-root paths start with the folder's name; .gitignore rules are relative to the folder.
    const inFolder = multiRoot && rel.startsWith(folder.name + '/') ? rel.slice(folder.name.length + 1) : rel;
    // The folder of a nested .gitignore itself ('' to its rules) is not something they can ignore.
    return rules.some((r) => inFolder.startsWith(r.base) && inFolder.length > r.base.length && r.ig.ignores(inFolder.slice(r.base.length)));
  };
}
