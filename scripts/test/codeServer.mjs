// code-server, a VS Code whose workbench runs in a browser: installed into a cache folder on first
// use (as @vscode/test-electron caches desktop VS Code) and started on 127.0.0.1 with throwaway
// user data, for the extension-host suite, the browser end-to-end test and `npm start`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_PACKAGES, ensureSystemPackages, hasCommand } from './systemPackages.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
/** The repository root (this file lives in scripts/test/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheRoot = process.env.RECURRENT_CODE_SERVER_CACHE ?? join(repoRoot, '.cache', 'code-server');
const installDir = join(cacheRoot, CODE_SERVER_VERSION);
const entryScript = join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const completeMarker = join(installDir, '.complete');

// code-server's lib/vscode pins @vscode/ripgrep 1.15.11, whose postinstall downloads this ripgrep
// build from GitHub unless the archive is already in its cache under the OS temp folder.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_VERSION = 'v13.0.0-10';
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

/** Makes a fresh temporary folder (removed by whoever made it). */
export function makeTempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `recurrent-${prefix}-`));
}

/** Runs a command to completion; rejects with its captured output on a non-zero exit. */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${output.slice(-4000)}`));
    });
  });
}

/** Seeds @vscode/ripgrep's download cache with the system `rg` (Debian's `ripgrep`); the network
 *  has no GitHub here. Without a system rg the postinstall tries its download as usual. */
async function seedRipgrepCache(tempRoot, log) {
  const target = RIPGREP_TARGETS[process.arch];
  if (process.platform !== 'linux' || !target || !hasCommand('rg')) {
    log('no system ripgrep (apt-get install ripgrep); @vscode/ripgrep will try to download it');
    return;
  }
  const cache = join(tempRoot, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const staging = join(tempRoot, 'rg');
  mkdirSync(cache, { recursive: true });
  mkdirSync(staging, { recursive: true });
  const rg = (await run('sh', ['-c', 'command -v rg'])).trim();
  await run('cp', [rg, join(staging, 'rg')]);
  await run('tar', ['-czf', join(cache, `ripgrep-${RIPGREP_VERSION}-${target}.tar.gz`), '-C', staging, 'rg']);
}

/** Installs code-server into the cache folder unless it is already there; returns its entry script. */
export async function ensureCodeServer({ log = (m) => process.stderr.write(`[code-server] ${m}\n`) } = {}) {
  // Checked even when installed, so `npm start` sets a machine up the same way every time.
  ensureSystemPackages(CODE_SERVER_PACKAGES);
  if (existsSync(completeMarker) && existsSync(entryScript)) return entryScript;
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version})`);
  mkdirSync(cacheRoot, { recursive: true });
  // Install next to the final folder and rename at the end, so an interrupted install is never used.
  const staging = mkdtempSync(join(cacheRoot, `${CODE_SERVER_VERSION}.partial-`));
  const tempRoot = makeTempDir('code-server-install');
  try {
    await seedRipgrepCache(tempRoot, log);
    writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');
    log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about a minute, once)`);
    const started = Date.now();
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: staging,
      env: {
        ...process.env,
        TMPDIR: tempRoot,
        // code-server's postinstall refuses to run as root without this.
        npm_config_unsafe_perm: 'true',
        // node-pty's postinstall calls npx, which would otherwise ask before installing.
        npm_config_yes: 'true',
      },
    });
    const staged = join(staging, 'node_modules', 'code-server');
    for (const required of ['out/node/entry.js', 'lib/vscode/node_modules/@vscode/ripgrep/bin/rg', 'lib/vscode/node_modules.asar']) {
      if (!existsSync(join(staged, required))) throw new Error(`code-server install is incomplete: ${required} is missing`);
    }
    writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(installDir, { recursive: true, force: true });
    renameSync(staging, installDir);
    log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
  return entryScript;
}

// Settings for a quiet, reproducible workbench: no welcome page, tips, trust prompts or updates.
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

function codeServerEnv(home) {
  const env = { ...process.env, HOME: home };
  for (const [key, sub] of [['XDG_CONFIG_HOME', '.config'], ['XDG_DATA_HOME', '.local/share'], ['XDG_CACHE_HOME', '.cache']]) {
    env[key] = join(home, sub);
    mkdirSync(env[key], { recursive: true });
  }
  // Started from `npm run`, these would leak into the extension host and its tests.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  delete env.VSCODE_IPC_HOOK_CLI;
  // No extension gallery: nothing here may reach the network (and open-vsx is unreachable offline).
  env.EXTENSIONS_GALLERY = '{}';
  return env;
}

/** Installs a VSIX into an extensions folder with code-server's own installer. */
export async function installExtension(vsix, extensionsDir) {
  const entry = await ensureCodeServer();
  const home = makeTempDir('code-server-cli');
  try {
    return await run(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', join(home, 'user-data'), '--force', '--install-extension', vsix], { env: codeServerEnv(home) });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// With `workspaceTrust`: trust is on, but asked for by nobody at startup, so a folder opens in
// Restricted Mode without a modal (the trust end-to-end test grants it later).
const trustSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

/**
 * Starts code-server on 127.0.0.1 (a free port unless `port` is given) with temporary user data,
 * HOME and XDG folders, and waits for /healthz. `extensionsDir` defaults to an empty temp folder.
 * Workspace trust is off unless `workspaceTrust` is true (folders then open in Restricted Mode).
 * Returns { url, host, origin, port, home, stop(), output() }; stop() ends its process group and
 * removes the temporary folders.
 */
export async function startCodeServer({ extensionsDir, port = 0, settings = {}, echo = false, folder, workspaceTrust = false } = {}) {
  const entry = await ensureCodeServer();
  const home = makeTempDir('code-server');
  const userDataDir = join(home, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const allSettings = { ...userSettings, ...(workspaceTrust ? trustSettings : {}), ...settings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(allSettings, null, 2));
  const extDir = extensionsDir ?? join(home, 'extensions');
  mkdirSync(extDir, { recursive: true });
  const config = join(home, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [entry, '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', userDataDir, '--extensions-dir', extDir, '--disable-telemetry',
    '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened'];
  if (!workspaceTrust) args.push('--disable-workspace-trust');
  if (folder) args.push(folder);
  // Own process group, so stop() can end code-server together with its extension hosts.
  const child = spawn(process.execPath, args, { env: codeServerEnv(home), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d;
    if (echo) process.stderr.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const listening = await Promise.race([
      waitFor(() => /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\/?/.exec(output), 60_000, 'code-server to listen'),
      exited.then((code) => {
        throw new Error(`code-server exited with ${code} before it listened:\n${output.slice(-4000)}`);
      }),
    ]);
    const origin = listening[1];
    await waitFor(async () => (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)), 30_000, '/healthz');
    const boundPort = Number(listening[2]);
    return { origin, url: `${origin}/`, host: `127.0.0.1:${boundPort}`, port: boundPort, home, userDataDir, extensionsDir: extDir, stop, output: () => output, exited };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Builds a workbench URL opening `folder`, optionally with extension-development payload entries;
 *  vscode-remote URIs must carry the page's exact host:port or the workbench ignores them. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  const payload = [];
  const remote = (path) => `vscode-remote://${server.host}${path}`;
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${params}`;
}

/** The extension's package.json, parsed. */
export function packageJson() {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

// `node scripts/test/codeServer.mjs install` installs (or finds) code-server and prints its entry script.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== 'install') {
    process.stderr.write('usage: node scripts/test/codeServer.mjs install\n');
    process.exit(2);
  }
  process.stdout.write(`${await ensureCodeServer()}\n`);
}
