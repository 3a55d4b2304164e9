// `npm start [-- FOLDER]`: builds, then serves a real VS Code (code-server) on 127.0.0.1 with the
// extension loaded from this working tree and a sample workspace (a copy of test/fixtures/workspace
// in .cache/sample-workspace, so trying things never edits the fixtures). Runs until Ctrl-C.
// After `npm run watch` rebuilds, "Developer: Reload Window" in the editor picks the change up.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, packageJson, repoRoot, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { CODE_SERVER_PACKAGES, ensureSystemPackagesOrExit } from './systemPackages.mjs';

ensureSystemPackagesOrExit(CODE_SERVER_PACKAGES);
const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const folderArg = process.argv[2];
let folder = folderArg && resolve(folderArg);
if (!folder) {
  folder = join(repoRoot, '.cache', 'sample-workspace');
  if (!existsSync(folder)) cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
}

// The extensions folder holds one entry, a link to this working tree, so the workbench loads the
// extension as if installed (no "Extension Development Host" window, plain URL).
const { publisher, name, version } = packageJson();
const extensionsDir = makeTempDir('start-extensions');
symlinkSync(repoRoot, join(extensionsDir, `${publisher}.${name}-${version}`), 'dir');

const server = await startCodeServer({ extensionsDir, port: Number(process.env.PORT ?? 0) });
process.stdout.write(`\nRecurrent in VS Code: ${workbenchUrl(server, { folder })}\n(Ctrl-C to stop)\n`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  rmSync(extensionsDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
server.exited.then((code) => {
  if (stopping) return;
  process.stderr.write(`code-server exited with ${code}:\n${server.output().slice(-4000)}\n`);
  process.exit(1);
});
