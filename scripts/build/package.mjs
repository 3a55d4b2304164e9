// `npm run package [-- --target T]`: builds, then packs a platform-specific VSIX with vsce that
// carries only that platform's onnxruntime binary (all platforms together are 288 MB), and checks
// what went into it. Default target linux-x64; prints the VSIX path and size.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, repoRoot } from '../test/codeServer.mjs';

// vsce targets onnxruntime-node ships a binary for (it has no darwin-x64 build).
const ORT_PLATFORMS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
  'darwin-arm64': 'darwin/arm64',
};
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6/';

function step(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/** Lists the entry names of a zip file (vsce's own zip reader, yauzl). */
function listZip(file) {
  const yauzl = createRequire(createRequire(import.meta.url).resolve('@vscode/vsce/package.json'))('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names = [];
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Throws unless the VSIX holds the runtime files and nothing of other platforms or the sources. */
export function checkVsixEntries(names, target) {
  const bin = ORT_BIN + ORT_PLATFORMS[target] + '/';
  // vsce stores LICENSE as LICENSE.txt and README.md as readme.md.
  const required = ['extension/package.json', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/media/icon.png',
    `extension/${bin}onnxruntime_binding.node`, 'extension/node_modules/onnxruntime-node/dist/index.js',
    'extension/node_modules/onnxruntime-common/dist/cjs/index.js', 'extension/node_modules/onnxruntime-common/dist/cjs/package.json'];
  if (existsSync(join(repoRoot, 'README.md'))) required.push('extension/readme.md');
  const missing = required.filter((name) => !names.some((n) => n.toLowerCase() === name.toLowerCase()));
  const stray = names.filter((name) =>
    /^extension\/(src|test|scripts|\.cache|\.vscode|dist\/test)\//.test(name) || name.endsWith('.map') ||
    (name.startsWith(`extension/${ORT_BIN}`) && !name.startsWith(`extension/${bin}`)) ||
    (name.startsWith('extension/node_modules/') && !/^extension\/node_modules\/onnxruntime-(node|common)\//.test(name)));
  if (missing.length || stray.length) {
    throw new Error(`unexpected VSIX contents:${missing.map((n) => `\n  missing ${n}`).join('')}${stray.slice(0, 20).map((n) => `\n  should not contain ${n}`).join('')}`);
  }
}

/** Builds and packs the VSIX for `target`; returns its path. */
export async function packageVsix(target = 'linux-x64') {
  if (!ORT_PLATFORMS[target]) throw new Error(`unsupported target ${target}; one of ${Object.keys(ORT_PLATFORMS).join(', ')}`);
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const out = join(repoRoot, `${name}-${version}-${target}.vsix`);
  step(process.execPath, [join(repoRoot, 'scripts', 'build', 'build.mjs')]);
  // .vscodeignore keeps linux/x64's binary; other targets get a copy that keeps theirs instead.
  const temp = makeTempDir('package');
  try {
    const ignoreFile = join(temp, 'vscodeignore');
    const ignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8');
    if (!ignore.includes(`!${ORT_BIN}linux/x64/**`)) throw new Error(`.vscodeignore must keep ${ORT_BIN}linux/x64/**`);
    writeFileSync(ignoreFile, ignore.replace(`!${ORT_BIN}linux/x64/**`, `!${ORT_BIN}${ORT_PLATFORMS[target]}/**`));
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    step(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--ignoreFile', ignoreFile, '--out', out]);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  checkVsixEntries(await listZip(out), target);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--target');
  const vsix = await packageVsix(i > 0 ? process.argv[i + 1] : 'linux-x64');
  const bytes = statSync(vsix).size;
  process.stdout.write(`${relative(process.cwd(), vsix)}: ${(bytes / 2 ** 20).toFixed(2)} MiB (${bytes} bytes)\n`);
}
