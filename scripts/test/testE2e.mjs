// `npm run test:e2e`: the browser end-to-end tests (test/e2e/**/*.e2e.test.ts, mocha). Packages the
// VSIX (or reuses one newer than everything it is made of), installs it into a fresh code-server,
// opens a copy of the fixture workspace, starts headless Chromium, and runs the tests against them.
// A second code-server, with workspace trust on, serves another copy in Restricted Mode for the
// trust test. Screenshots go to test-results/screenshots/.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { launchChromiumServer } from './browser.mjs';
import { installExtension, makeTempDir, repoRoot, run, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { packageVsix } from '../build/package.mjs';
import { ensureSystemPackagesOrExit, TEST_PACKAGES } from './systemPackages.mjs';

const TARGET = 'linux-x64';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((name) => name !== 'test').map((name) => newestMtime(join(path, name))));
}

/** RECURRENT_VSIX if set; else the VSIX in the repository root if it is newer than dist/, media/,
 *  package.json and .vscodeignore; else a freshly packaged one. */
async function vsixUnderTest() {
  if (process.env.RECURRENT_VSIX) return process.env.RECURRENT_VSIX;
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const vsix = join(repoRoot, `${name}-${version}-${TARGET}.vsix`);
  const inputs = ['dist', 'media', 'package.json', '.vscodeignore'].map((p) => newestMtime(join(repoRoot, p)));
  if (existsSync(vsix) && statSync(vsix).mtimeMs > Math.max(...inputs)) {
    process.stderr.write(`[test:e2e] reusing ${relative(repoRoot, vsix)}\n`);
    return vsix;
  }
  return packageVsix(TARGET);
}

/** Checks that the installed extension's onnxruntime-node loads (native binary and its library). */
async function checkInstalledRuntime(extensionsDir) {
  const folder = readdirSync(extensionsDir).find((name) => name.startsWith('recurrent-dev.recurrent-'));
  if (!folder) throw new Error(`the VSIX did not install: ${readdirSync(extensionsDir).join(', ')}`);
  const ort = join(extensionsDir, folder, 'node_modules', 'onnxruntime-node');
  const out = await run(process.execPath, ['-e', `const ort = require(${JSON.stringify(ort)}); process.stdout.write(ort.env.versions.node ?? '?')`]);
  process.stderr.write(`[test:e2e] installed ${folder}; its onnxruntime-node ${out.trim()} loads\n`);
}

/** Copies the fixture workspace to `workspace` and writes its settings (the fixture itself has
 *  none: the extension-host suite sets its own). Ghost text at a low confidence, so it shows with
 *  whatever model is bundled; a bound on Train on Workspace, so a large bundled model cannot make
 *  the run slow; and no learning while the user works, whose weight swaps would change the figures
 *  these tests compare before and after an edit (the extension-host suite tests it). */
function makeWorkspace(workspace) {
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const settings = { 'recurrent.inline.minProbability': 0.05, 'recurrent.training.maxMinutes': 0.5, 'recurrent.learning.enable': false };
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** The end of the Recurrent output channel's log (code-server writes it under the user data's
 *  logs), which says what the extension did while a test failed. */
function printExtensionLog(userDataDir) {
  const logs = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('Recurrent.log')) logs.push(p);
    }
  };
  walk(join(userDataDir, 'logs'));
  for (const log of logs) process.stderr.write(`[test:e2e] the end of ${relative(userDataDir, log)}:\n${readFileSync(log, 'utf8').split('\n').slice(-80).join('\n')}\n`);
}

async function main() {
  const temp = makeTempDir('test-e2e');
  const screenshots = join(repoRoot, 'test-results', 'screenshots');
  rmSync(screenshots, { recursive: true, force: true });
  let server;
  let untrustedServer;
  let browserServer;
  try {
    const vsix = await vsixUnderTest();
    const extensionsDir = join(temp, 'extensions');
    await installExtension(vsix, extensionsDir);
    await checkInstalledRuntime(extensionsDir);
    const workspace = join(temp, 'workspace');
    makeWorkspace(workspace);
    // The untrusted server's user settings point recurrent.modelPath at a copy of the bundled model
    // under a name of its own, so the status bar tooltip tells which of the two is in use. User
    // settings, not the folder's: VS Code itself hides a restricted folder's value of a setting the
    // manifest lists as restricted, so only a user value tests the extension's own check, and only
    // the trust event (no settings event) can then switch models once the folder is trusted.
    const customModel = join(temp, 'custom-model');
    cpSync(join(repoRoot, 'media', 'models', 'base'), customModel, { recursive: true });
    const untrustedWorkspace = join(temp, 'untrusted-workspace');
    makeWorkspace(untrustedWorkspace);
    // Both at once: each takes a few seconds to start, mostly waiting.
    const started = await Promise.allSettled([
      startCodeServer({ extensionsDir }),
      startCodeServer({ extensionsDir, workspaceTrust: true, settings: { 'recurrent.modelPath': customModel } }),
    ]);
    [server, untrustedServer] = started.map((s) => s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    browserServer = await launchChromiumServer(join(temp, 'browser'));
    const env = {
      ...process.env,
      RECURRENT_E2E_BROWSER_WS: browserServer.wsEndpoint(),
      RECURRENT_E2E_URL: workbenchUrl(server, { folder: workspace }),
      RECURRENT_E2E_WORKSPACE: workspace,
      RECURRENT_E2E_UNTRUSTED_URL: workbenchUrl(untrustedServer, { folder: untrustedWorkspace }),
      RECURRENT_E2E_CUSTOM_MODEL: customModel,
      RECURRENT_E2E_SCREENSHOTS: screenshots,
    };
    process.stderr.write(`[test:e2e] code-server ${server.url}\n`);
    const mocha = join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const args = [mocha, '--no-config', '--require', 'tsx/cjs', '--reporter', 'spec', '--timeout', '120000',
      'test/e2e/**/*.e2e.test.ts', ...process.argv.slice(2)];
    const code = await new Promise((resolve) => {
      spawn(process.execPath, args, { cwd: repoRoot, env, stdio: 'inherit' }).on('exit', (c, signal) => resolve(c ?? signal));
    });
    if (existsSync(screenshots)) process.stderr.write(`[test:e2e] screenshots in ${relative(process.cwd(), screenshots)}/\n`);
    if (code !== 0) printExtensionLog(server.userDataDir);
    return code === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`[test:e2e] ${error.stack ?? error}\n`);
    if (server) process.stderr.write(`[test:e2e] code-server output:\n${server.output().slice(-4000)}\n`);
    if (untrustedServer) process.stderr.write(`[test:e2e] untrusted code-server output:\n${untrustedServer.output().slice(-4000)}\n`);
    return 1;
  } finally {
    await browserServer?.close().catch(() => {});
    await Promise.all([server?.stop(), untrustedServer?.stop()]);
    rmSync(temp, { recursive: true, force: true });
  }
}

ensureSystemPackagesOrExit(TEST_PACKAGES);
process.exitCode = await main();
