// Collects the workspace's text files for training through VS Code's file APIs (so remote and
// virtual workspaces work), honouring files.exclude, .gitignore and Recurrent's own excludes.
import ignore, { Ignore } from 'ignore';
import * as vscode from 'vscode';
import { CorpusFile } from '../engine/training/corpus';
import { decodeTrainable, skipReasonForPath } from '../engine/training/fileFilter';
import { Settings } from './settings';

export interface CollectedFiles {
  readonly files: CorpusFile[];
  readonly bytes: number;
  readonly skipped: Record<string, number>;
}

export async function collectWorkspaceFiles(settings: Settings, token?: vscode.CancellationToken): Promise<CollectedFiles> {
  const files: CorpusFile[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  let bytes = 0;
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude', {});
    const patterns = [...settings.trainingExclude, ...Object.keys(filesExclude).filter((k) => filesExclude[k])];
    const exclude = patterns.length ? `{${patterns.join(',')}}` : null;
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), exclude, 100_000, token);
    const ignored = await gitignores(folder, folders.length > 1);
    uris.sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const uri of uris) {
      if (token?.isCancellationRequested) break;
      const rel = vscode.workspace.asRelativePath(uri, folders.length > 1);
      if (ignored(rel)) { skip('ignored by .gitignore'); continue; }
      const byPath = skipReasonForPath(uri.path);
      if (byPath) { skip(byPath); continue; }
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > settings.maxFileBytes) { skip('too large'); continue; }
      if (bytes + stat.size > settings.maxTotalBytes) { skip('over the total size cap'); continue; }
      const decoded = decodeTrainable(uri.path, await vscode.workspace.fs.readFile(uri), { maxFileBytes: settings.maxFileBytes });
      if ('skip' in decoded) { skip(decoded.skip); continue; }
      bytes += stat.size;
      files.push({ path: rel, text: decoded.text });
    }
  }
  return { files, bytes, skipped };
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
    return rules.some((r) => inFolder.startsWith(r.base) && r.ig.ignores(inFolder.slice(r.base.length)));
  };
}
