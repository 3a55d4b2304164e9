// `npm run package [-- --target T]`: builds, then packs a platform-specific VSIX with vsce that
// carries only what that platform's onnxruntime binding loads (all platforms' binaries together
// are 288 MB, and darwin's folder holds its library twice, under two names), and checks what went
// into it. Default target linux-x64; prints the VSIX path and size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadedFiles } from './linkedLibraries.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// vsce targets onnxruntime-node ships a binary for (it has no darwin-x64 build).
export const ORT_PLATFORMS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
  'darwin-arm64': 'darwin/arm64',
};
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6/';
/** The Marketplace takes larger packages, but every target fits in this with one onnxruntime. */
export const MAX_VSIX_BYTES = 40 * 2 ** 20;

/** The files of `target`'s onnxruntime folder the package carries: the binding and what it loads. */
export function nativeFiles(target) {
  if (!ORT_PLATFORMS[target]) throw new Error(`unsupported target ${target}; one of ${Object.keys(ORT_PLATFORMS).join(', ')}`);
  const folder = ORT_BIN + ORT_PLATFORMS[target] + '/';
  return loadedFiles(join(repoRoot, folder)).map((name) => folder + name);
}

/** `.vscodeignore` with `target`'s native files let back in (it keeps no platform's binaries). */
export function ignoreFileFor(target, vscodeignore) {
  return `${vscodeignore.trimEnd()}\n\n# ${target}: onnxruntime_binding.node and the libraries it loads.\n${nativeFiles(target).map((f) => `!${f}\n`).join('')}`;
}

/** Runs a command; `quiet` keeps its output for the error message only. */
function step(command, args, quiet) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (result.status !== 0) {
    const output = quiet ? `\n${`${result.stdout}${result.stderr}`.slice(-4000)}` : '';
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})${output}`);
  }
}

/** Lists the entries of a zip file as { name, size, crc32 } (vsce's own zip reader, yauzl). */
export function listZip(file) {
  const yauzl = createRequire(createRequire(import.meta.url).resolve('@vscode/vsce/package.json'))('yauzl');
  return new Promise((resolvePromise, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = [];
      zip.on('entry', (entry) => {
        entries.push({ name: entry.fileName, size: entry.uncompressedSize, crc32: entry.crc32 });
        zip.readEntry();
      });
      zip.on('end', () => resolvePromise(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * Throws unless the VSIX's entries ({ name, size, crc32 }) hold the runtime files, exactly the
 * native files `target`'s binding loads, no file twice under two names (a large entry with the
 * same size and CRC as another), and nothing of other platforms or the sources.
 */
export function checkVsixEntries(entries, target) {
  const names = entries.map((e) => e.name);
  const native = nativeFiles(target).map((f) => `extension/${f}`);
  // vsce stores LICENSE as LICENSE.txt and README.md as readme.md.
  const required = ['extension/package.json', 'extension/LICENSE.txt', 'extension/readme.md', 'extension/dist/extension.js',
    'extension/media/icon.png', 'extension/node_modules/onnxruntime-node/dist/index.js',
    'extension/node_modules/onnxruntime-common/dist/cjs/index.js', 'extension/node_modules/onnxruntime-common/dist/cjs/package.json', ...native];
  const problems = required.filter((name) => !names.some((n) => n.toLowerCase() === name.toLowerCase())).map((n) => `missing ${n}`);
  const stray = names.filter((name) =>
    /^extension\/(src|test|scripts|docs|\.cache|\.vscode|dist\/test)\//.test(name) || name.endsWith('.map') ||
    (name.startsWith(`extension/${ORT_BIN}`) && !native.includes(name)) ||
    (name.startsWith('extension/node_modules/') && !/^extension\/node_modules\/onnxruntime-(node|common)\//.test(name)));
  problems.push(...stray.slice(0, 20).map((n) => `should not contain ${n}`));
  const seen = new Map();
  for (const { name, size, crc32 } of entries) {
    if (size < 2 ** 20) continue;
    const key = `${size}:${crc32}`;
    if (seen.has(key)) problems.push(`${name} duplicates ${seen.get(key)}`);
    else seen.set(key, name);
  }
  if (problems.length) throw new Error(`unexpected VSIX contents for ${target}:${problems.map((p) => `\n  ${p}`).join('')}`);
}

/** Throws if the VSIX file is larger than MAX_VSIX_BYTES. */
export function checkVsixSize(file) {
  const bytes = statSync(file).size;
  if (bytes > MAX_VSIX_BYTES) throw new Error(`${file} is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_VSIX_BYTES / 2 ** 20} MiB limit`);
}

/** Builds (unless `build` is false) and packs the VSIX for `target` into `outDir`; returns its
 *  path. `quiet` hides vsce's listing unless it fails. */
export async function packageVsix(target = 'linux-x64', { build = true, outDir = repoRoot, quiet = false } = {}) {
  const ignore = ignoreFileFor(target, readFileSync(join(repoRoot, '.vscodeignore'), 'utf8'));
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const out = join(outDir, `${name}-${version}-${target}.vsix`);
  if (build) step(process.execPath, [join(repoRoot, 'scripts', 'build', 'build.mjs')], quiet);
  const temp = mkdtempSync(join(tmpdir(), 'recurrent-package-'));
  try {
    const ignoreFile = join(temp, 'vscodeignore');
    writeFileSync(ignoreFile, ignore);
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    step(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--ignoreFile', ignoreFile, '--out', out], quiet);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  checkVsixEntries(await listZip(out), target);
  checkVsixSize(out);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--target');
  const vsix = await packageVsix(i > 0 ? process.argv[i + 1] : 'linux-x64');
  const bytes = statSync(vsix).size;
  process.stdout.write(`${relative(process.cwd(), vsix)}: ${(bytes / 2 ** 20).toFixed(2)} MiB (${bytes} bytes)\n`);
}
