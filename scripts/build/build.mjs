// Bundles the extension, the engine worker, the CLI and the extension-host test suite with esbuild.
// onnxruntime-node stays external: it is a native addon loaded from node_modules at run time.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'info',
  // mocha (bundled into the extension-host suite) resolves optional modules at run time.
  logOverride: { 'require-resolve-not-external': 'silent' },
};
const entries = [
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/engine/runtime/worker.ts', out: 'worker' },
  { in: 'src/engine/runtime/trainProcess.ts', out: 'trainer' },
  { in: 'src/engine/runtime/learnProcess.ts', out: 'learner' },
  { in: 'src/cli.ts', out: 'cli' },
  { in: 'test/suite/index.ts', out: 'test/suite/index' },
].filter((e) => existsSync(e.in));

const options = { ...common, entryPoints: entries, outdir: 'dist' };
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
