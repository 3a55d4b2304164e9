// The packaging script (scripts/build/package.mjs): each target's package carries its onnxruntime
// binding and exactly the libraries that binding loads, read from the real binaries of every
// platform in node_modules; and one real VSIX, built here, passes the script's checks.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ZipEntry { name: string; size: number; crc32: number }
interface PackageScript {
  ORT_PLATFORMS: Record<string, string>;
  MAX_VSIX_BYTES: number;
  nativeFiles(target: string): string[];
  ignoreFileFor(target: string, vscodeignore: string): string;
  listZip(file: string): Promise<ZipEntry[]>;
  checkVsixEntries(entries: ZipEntry[], target: string): void;
  checkVsixSize(file: string): void;
  packageVsix(target: string, options: { build: boolean; outDir: string; quiet: boolean }): Promise<string>;
}
interface LinkedLibraries { linkedLibraries(bytes: Buffer): string[] }

const repoRoot = path.resolve(__dirname, '../../..');
const bin = 'node_modules/onnxruntime-node/bin/napi-v6/';
// A non-literal specifier keeps these native ES modules out of the CommonJS transform.
const load = <T>(file: string): Promise<T> => import(pathToFileURL(path.join(repoRoot, file)).href);

describe('packaging (scripts/build/package.mjs)', function () {
  let script: PackageScript;
  before(async () => {
    script = await load<PackageScript>('scripts/build/package.mjs');
  });

  it('reads what each binding loads from the binary itself (ELF, Mach-O, PE)', async () => {
    const { linkedLibraries } = await load<LinkedLibraries>('scripts/build/linkedLibraries.mjs');
    const linked = (platform: string) => linkedLibraries(fs.readFileSync(path.join(repoRoot, bin, platform, 'onnxruntime_binding.node')));
    assert.ok(linked('linux/x64').includes('libonnxruntime.so.1'));
    assert.ok(linked('darwin/arm64').includes('libonnxruntime.1.dylib'));
    assert.ok(!linked('darwin/arm64').includes('libonnxruntime.1.30.0.dylib'));
    assert.ok(linked('win32/x64').includes('onnxruntime.dll'));
    // DirectML.dll is a delay import of onnxruntime.dll: loaded only by the DirectML provider.
    assert.ok(!linkedLibraries(fs.readFileSync(path.join(repoRoot, bin, 'win32/x64/onnxruntime.dll'))).includes('DirectML.dll'));
  });

  it('selects one onnxruntime library per target, and nothing it does not load', () => {
    const expected: Record<string, string[]> = {
      'linux-x64': ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
      'linux-arm64': ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
      'win32-x64': ['onnxruntime.dll', 'onnxruntime_binding.node'],
      'win32-arm64': ['onnxruntime.dll', 'onnxruntime_binding.node'],
      'darwin-arm64': ['libonnxruntime.1.dylib', 'onnxruntime_binding.node'],
    };
    assert.deepEqual(Object.keys(script.ORT_PLATFORMS).sort(), Object.keys(expected).sort());
    for (const [target, files] of Object.entries(expected)) {
      const folder = `${bin}${script.ORT_PLATFORMS[target]}/`;
      assert.deepEqual(script.nativeFiles(target), files.map((f) => folder + f), target);
      // The folders hold more (darwin its library twice, win32 DirectML and the WebGPU compilers).
      assert.ok(fs.readdirSync(path.join(repoRoot, folder)).length >= files.length);
      const negations = script.ignoreFileFor(target, '').split('\n').filter((l) => l.startsWith('!'));
      assert.deepEqual(negations, files.map((f) => `!${folder}${f}`), target);
    }
  });

  it('builds the darwin-arm64 VSIX with one copy of libonnxruntime, under the size limit', async function () {
    this.timeout(120_000);
    assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is missing: npm run build first');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-package-test-'));
    try {
      const vsix = await script.packageVsix('darwin-arm64', { build: false, outDir, quiet: true });
      const entries = await script.listZip(vsix);
      const native = entries.filter((e) => e.name.startsWith(`extension/${bin}`)).map((e) => e.name).sort();
      assert.deepEqual(native, [`extension/${bin}darwin/arm64/libonnxruntime.1.dylib`, `extension/${bin}darwin/arm64/onnxruntime_binding.node`]);
      assert.ok(fs.statSync(vsix).size <= script.MAX_VSIX_BYTES);

      // What the package used to hold: the library again under its versioned name.
      const library = entries.find((e) => e.name.endsWith('libonnxruntime.1.dylib'))!;
      const twice = [...entries, { ...library, name: library.name.replace('.1.dylib', '.1.30.0.dylib') }];
      assert.throws(() => script.checkVsixEntries(twice, 'darwin-arm64'), /should not contain .*1\.30\.0\.dylib[\s\S]*duplicates .*libonnxruntime\.1\.dylib/);
      // Another platform's package, or one without its library, fails the check too.
      assert.throws(() => script.checkVsixEntries(entries, 'linux-x64'), /missing extension\/.*linux\/x64\/libonnxruntime\.so\.1/);
      assert.throws(() => script.checkVsixEntries(entries.filter((e) => e !== library), 'darwin-arm64'), /missing .*libonnxruntime\.1\.dylib/);
      // And a file over the limit is refused.
      const big = path.join(outDir, 'big.vsix');
      fs.writeFileSync(big, '');
      fs.truncateSync(big, script.MAX_VSIX_BYTES + 1);
      assert.throws(() => script.checkVsixSize(big), /over the 40 MiB limit/);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
