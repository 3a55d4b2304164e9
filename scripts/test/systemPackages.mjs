// The system packages `npm start` and `npm test` need beyond Node, in one list: code-server's
// install builds the kerberos module from source and copies the system ripgrep (its own download
// needs GitHub), and the tests drive the workbench in Chromium. Missing ones are installed with
// apt-get when that is possible (root on a Debian-like system), with one line saying so; otherwise
// the scripts stop with the exact command to run. Only Node built-ins: `.ci/run` uses this before
// `npm ci` (`node scripts/test/systemPackages.mjs` checks the whole list).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Whether `name` is an executable on PATH. */
export function hasCommand(name) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, name)));
}

/** CHROMIUM_PATH if set, else the first system Chromium found, else undefined. */
export function findChromium() {
  return process.env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/** Debian package → how to tell it is installed. */
const PROBES = {
  chromium: () => {
    const path = findChromium();
    return Boolean(path && existsSync(path));
  },
  ripgrep: () => hasCommand('rg'),
  'libkrb5-dev': () => existsSync('/usr/include/gssapi/gssapi.h'),
  'g++': () => hasCommand('g++'),
  make: () => hasCommand('make'),
  python3: () => hasCommand('python3'),
};

/** What installing code-server (`npm start` and both test runners) needs. */
export const CODE_SERVER_PACKAGES = ['ripgrep', 'libkrb5-dev', 'g++', 'make', 'python3'];
/** What `npm test` needs: code-server's packages and the browser that drives the workbench. */
export const TEST_PACKAGES = ['chromium', ...CODE_SERVER_PACKAGES];

/** The packages of `names` that are not installed. */
export function missingPackages(names) {
  return names.filter((name) => !PROBES[name]());
}

/**
 * What to do about `missing` packages: nothing; install them (root with apt-get), returning the
 * apt-get invocations and the line to print; or stop with a message naming the command to run.
 */
export function planInstall(missing, { isRoot, hasAptGet }) {
  if (!missing.length) return { action: 'none' };
  const list = missing.join(' ');
  const install = ['apt-get', 'install', '-y', '-q', ...missing];
  if (hasAptGet && isRoot) {
    return { action: 'install', commands: [['apt-get', 'update', '-q'], install], line: `installing system packages: ${list} (apt-get)` };
  }
  const message = hasAptGet
    ? `missing system packages: ${list}. Run: sudo apt-get install -y ${list}`
    : `missing system packages: ${list} (Debian names). Install them with your system's package manager; on Debian or Ubuntu: sudo apt-get install -y ${list}`;
  return { action: 'fail', message };
}

/** Installs the missing packages of `names` or throws with the command to run. Linux only: the
 *  packages are only needed there (elsewhere code-server downloads its ripgrep and the browser
 *  is CHROMIUM_PATH's). */
export function ensureSystemPackages(names, { log = (line) => process.stderr.write(`[setup] ${line}\n`) } = {}) {
  if (process.platform !== 'linux') return;
  const plan = planInstall(missingPackages(names), { isRoot: process.getuid?.() === 0, hasAptGet: hasCommand('apt-get') });
  if (plan.action === 'none') return;
  if (plan.action === 'fail') throw new Error(plan.message);
  log(plan.line);
  for (const [command, ...args] of plan.commands) {
    const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.error?.message ?? result.signal}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`);
  }
  const still = missingPackages(names);
  if (still.length) throw new Error(`after apt-get install, still missing: ${still.join(' ')}`);
}

/** ensureSystemPackages for a command's entry point: a failure prints its message and exits. */
export function ensureSystemPackagesOrExit(names) {
  try {
    ensureSystemPackages(names);
  } catch (error) {
    process.stderr.write(`[setup] ${error.message}\n`);
    process.exit(1);
  }
}

// `node scripts/test/systemPackages.mjs`: makes sure everything `npm test` needs is installed.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureSystemPackagesOrExit(TEST_PACKAGES);
