// `npm run test:vscode`: runs the extension-host suite (dist/test/suite/index.js) inside a real
// VS Code: code-server with no other extensions, its workbench in headless Chromium, the extension
// loaded from this working tree. Exits with the suite's result; expects `npm run build` before.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format } from 'node:util';
import { launchChromium } from './browser.mjs';
import { makeTempDir, repoRoot, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { ensureSystemPackagesOrExit, TEST_PACKAGES } from './systemPackages.mjs';

const timeoutMs = Number(process.env.RECURRENT_TEST_TIMEOUT_MS ?? 10 * 60_000);
const suite = join(repoRoot, 'dist', 'test', 'suite', 'index.js');

const verbose = Boolean(process.env.RECURRENT_TEST_VERBOSE);
const LOG_PREFIX = /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)$/;
// The workbench's own start-up chatter, shown only with RECURRENT_TEST_VERBOSE.
const WORKBENCH_CHATTER = /^(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin extensions|Updating additional builtin extensions|\[Service Worker\]|ChatSessionStore:)/;

/** Prints one console message of the workbench page: log lines (the extension host's output
 *  among them) to stdout, errors to stderr (their first line unless RECURRENT_TEST_VERBOSE; the
 *  signing module vsda is absent from open-source builds, so its 404s are expected). */
/** Set once mocha's summary line ("N passing") has come through: the suite ran to its end. */
let sawSummary = false;

async function printConsoleMessage(message) {
  const args = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
  let level = message.type();
  const prefix = typeof args[0] === 'string' && LOG_PREFIX.exec(args[0]);
  if (prefix) {
    level = prefix[1];
    args.splice(0, 2);
  }
  const text = args.length ? format(...args) : message.text();
  if (/\d+ passing/.test(text)) sawSummary = true;
  const isLog = level === 'INFO' || level === 'log' || level === 'info';
  if (isLog && !WORKBENCH_CHATTER.test(text)) process.stdout.write(`${text}\n`);
  else if (verbose) process.stderr.write(`[workbench ${level}] ${text} (${message.location().url})\n`);
  else if ((level === 'ERR' || level === 'error') && !message.location().url.includes('/vsda/')) process.stderr.write(`[workbench error] ${text.split('\n')[0]}\n`);
}

/** The tail of Recurrent's output channel (the extension host writes it under the user data's
 *  logs): what the engine and the project memory did around a failure. */
function printExtensionLog(userDataDir) {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return;
  for (const file of readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => basename(f) === 'Recurrent.log')) {
    const lines = readFileSync(join(logs, file), 'utf8').trimEnd().split('\n');
    process.stderr.write(`[test:vscode] the last ${Math.min(lines.length, 200)} lines of ${file}:\n${lines.slice(-200).join('\n')}\n`);
  }
}

async function main() {
  for (const file of [join(repoRoot, 'dist', 'extension.js'), suite]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const temp = makeTempDir('test-vscode');
  // The suite may edit and save files: give it a copy of the fixture workspace.
  const workspace = join(temp, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  let server;
  let context;
  let flushConsole = async () => {};
  try {
    server = await startCodeServer({ extensionsDir: join(temp, 'extensions') });
    process.stderr.write(`[test:vscode] code-server ${server.url}\n`);
    context = await launchChromium(join(temp, 'browser'));
    const page = context.pages()[0] ?? (await context.newPage());
    // The workbench calls window.codeAutomationExit(code) when the extension-host tests end.
    let settle;
    const exitCode = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    await page.exposeFunction('codeAutomationExit', (code) => settle.resolve(code));
    page.once('crash', () => settle.reject(new Error('the workbench page crashed')));
    page.once('close', () => settle.reject(new Error('the workbench page closed before the tests finished')));
    // Workbench log lines are console calls like ('%c INFO', 'color: …', format, ...args); in an
    // extension test run the extension host's console (mocha's reporter) arrives the same way.
    let printing = Promise.resolve();
    page.on('console', (message) => {
      printing = printing.then(() => printConsoleMessage(message));
    });
    flushConsole = () => printing;
    page.on('pageerror', (error) => process.stderr.write(`[workbench page error] ${error.message}\n`));
    await page.goto(workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
    }));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result from the extension host after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const code = await Promise.race([exitCode, timeout]).finally(() => clearTimeout(timer));
    await flushConsole();
    process.stderr.write(`[test:vscode] extension host exited with ${code}\n`);
    if (code !== 0 || process.env.RECURRENT_TEST_SHOW_LOG) printExtensionLog(server.userDataDir);
    // An extension host that dies mid-suite can still report 0: only a finished suite passes.
    if (code === 0 && !sawSummary) {
      process.stderr.write('[test:vscode] the suite never reported its result (did the extension host crash?)\n');
      return 1;
    }
    return code === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`[test:vscode] ${error.stack ?? error}\n`);
    if (server) process.stderr.write(`[test:vscode] code-server output:\n${server.output().slice(-4000)}\n`);
    return 1;
  } finally {
    await context?.close().catch(() => {});
    await server?.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

ensureSystemPackagesOrExit(TEST_PACKAGES);
process.exitCode = await main();
