// `npm run test:electron`: the extension-host suite in desktop VS Code (Electron), downloaded and
// cached in .vscode-test/ by @vscode/test-electron, for machines that reach the VS Code CDN. Same
// suite as `npm run test:vscode` (code-server). Expects `npm run build` before; on Linux without a
// display run it under `xvfb-run -a`. VSCODE_VERSION picks a version ("stable" by default),
// VSCODE_EXECUTABLE_PATH an installed VS Code instead of a download.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeTempDir, repoRoot } from './codeServer.mjs';

async function main() {
  const suite = join(repoRoot, 'dist', 'test', 'suite', 'index.js');
  for (const file of [join(repoRoot, 'dist', 'extension.js'), suite]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const temp = makeTempDir('test-electron');
  // The suite may edit and save files: give it a copy of the fixture workspace.
  const workspace = join(temp, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  try {
    return await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
        '--skip-release-notes', '--user-data-dir', join(temp, 'user-data'), '--extensions-dir', join(temp, 'extensions')],
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`[test:electron] ${error.stack ?? error}\n`);
  process.exitCode = 1;
}
