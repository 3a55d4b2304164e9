// Privacy: Recurrent opens no network connection and never trains on secrets. Node's network entry
// points are instrumented (netGuard.cjs) in this process, where the engine runs in-process, and in a
// child that drives the real EngineClient, its worker process and the training child, which inherit
// the guard through execArgv. Each guard is first shown to catch attempts, so that "none" means none.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../src/engine/runtime/engine';
import { readCorpus } from '../../../src/engine/training/corpus';
import { fineTune } from '../../../src/engine/training/fineTune';
import { sampleFiles, tinyModelDir } from '../helpers/tinyModel';
import { distFile, repoRoot, tempDir } from './helpers';

const guardFile = path.join(__dirname, 'netGuard.cjs');
const { install } = require(guardFile) as { install: (report: (api: string, to: string) => void) => () => void };

interface GuardEvent {
  readonly event: 'installed' | 'attempt';
  readonly pid: number;
  readonly thread: string;
  readonly script: string;
  readonly api?: string;
  readonly to?: string;
}

/** Runs `args` under node with the guard preloaded; returns its output and the guard's events. */
function runGuarded(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; events: GuardEvent[] } {
  const log = path.join(tempDir('netlog'), 'events.jsonl');
  const child = spawnSync(process.execPath, ['--require', guardFile, ...args], {
    env: { ...process.env, ...env, RECURRENT_NET_GUARD_LOG: log },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const events = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as GuardEvent) : [];
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, events };
}

const SECRET = `rcr_${Date.now().toString(36)}_do_not_learn_me`;

/** A workspace with source files and secret-looking files that all hold SECRET. */
function secretWorkspace(): string {
  const dir = tempDir('secrets');
  const source = sampleFiles();
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'config'));
  source.slice(0, 4).forEach((f, i) => fs.writeFileSync(path.join(dir, 'src', `file${i}.js`), f.text));
  fs.writeFileSync(path.join(dir, 'src', 'environment.ts'), 'export const environment = { production: false, apiUrl: "/api" };\n');
  fs.writeFileSync(path.join(dir, '.env'), `API_TOKEN=${SECRET}\n`);
  fs.writeFileSync(path.join(dir, 'config', '.env.production'), `DATABASE_URL=postgres://admin:${SECRET}@db/prod\n`);
  fs.writeFileSync(path.join(dir, 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`);
  fs.writeFileSync(path.join(dir, 'config', 'server.pem'), `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`);
  fs.writeFileSync(path.join(dir, 'config', 'credentials.json'), JSON.stringify({ client_secret: SECRET }));
  fs.writeFileSync(path.join(dir, '.npmrc'), `//registry.npmjs.org/:_authToken=${SECRET}\n`);
  return dir;
}

describe('robustness: privacy', function () {
  this.timeout(60_000);
  let modelDir: string;
  before(async () => {
    modelDir = await tinyModelDir();
  });

  it('in this process: completion, scoring and training make no connection attempt', async () => {
    const attempts: string[] = [];
    let uninstall = install((api, to) => attempts.push(`${api} ${to}`));
    try {
      // The guard sees every entry point it claims to (the calls throw; nothing leaves the machine).
      const tries: (() => unknown)[] = [
        () => require('node:net').connect(9, '127.0.0.1'),
        () => new (require('node:net').Socket)().connect(9, '127.0.0.1'),
        () => require('node:http').get('http://127.0.0.1:9/'),
        () => require('node:https').request('https://example.com/'),
        () => require('node:dns').lookup('example.com', () => undefined),
        () => require('node:dns').promises.resolve('example.com'),
        () => require('node:tls').connect(9, '127.0.0.1'),
        () => require('node:dgram').createSocket('udp4').send('x', 9, '127.0.0.1'),
        () => fetch('http://127.0.0.1:9/'),
      ];
      for (const t of tries) assert.throws(t, /blocked by the test guard/);
      assert.equal(attempts.length, tries.length, attempts.join('\n'));
      attempts.length = 0;

      const engine = new Engine();
      try {
        await engine.load(modelDir);
        let text = sampleFiles()[0].text.slice(0, 2000);
        await engine.complete('file:///w/app.js', { keep: 0, append: text, length: text.length }, defaultCompleteOptions());
        for (const ch of '\nconst app = express();\napp.listen') {
          const keep = text.length;
          text += ch;
          await engine.complete('file:///w/app.js', { keep, append: ch, length: text.length }, defaultCompleteOptions());
        }
        assert.ok(Number.isFinite((await engine.score(text, 10)).bitsPerChar));
      } finally {
        await engine.dispose();
      }
      // Training in-process, as `recurrent train` does.
      await fineTune({ files: sampleFiles().slice(0, 4), fromDir: modelDir, outDir: path.join(tempDir('private'), 'model'), options: { epochs: 1, batch: 2, steps: 16, maxMinutes: 1 } });
    } finally {
      uninstall();
      uninstall = () => undefined;
    }
    assert.deepEqual(attempts, []);
  });

  it('the guard preloaded in a child also guards its worker threads and forked children', () => {
    const script = `
      const { Worker } = require('node:worker_threads');
      const { fork } = require('node:child_process');
      const attempt = "for (const f of [() => require('node:net').connect(9, '127.0.0.1'), () => fetch('http://127.0.0.1:9/')]) try { f(); } catch {}";
      if (process.argv[2] === 'forked') eval(attempt);
      else {
        eval(attempt);
        new Worker(attempt, { eval: true }).on('exit', () => fork(__filename, ['forked']));
      }`;
    const file = path.join(tempDir('guard'), 'control.js');
    fs.writeFileSync(file, script);
    const { status, stderr, events } = runGuarded([file]);
    assert.equal(status, 0, stderr);
    const attempts = events.filter((e) => e.event === 'attempt');
    const contexts = new Set(attempts.map((e) => `${e.pid} ${e.thread}`));
    assert.equal(contexts.size, 3, JSON.stringify(attempts));
    assert.equal(attempts.length, 6, JSON.stringify(attempts));
  });

  it('the extension\'s engine client, its worker and the training child make no connection attempt; secrets are not trained on', () => {
    const workspace = secretWorkspace();
    const corpus = readCorpus([workspace]);
    assert.equal(corpus.skipped['may hold secrets'], 6, JSON.stringify(corpus.skipped));
    assert.deepEqual(corpus.files.map((f) => f.path).sort(), ['src/environment.ts', 'src/file0.js', 'src/file1.js', 'src/file2.js', 'src/file3.js']);
    assert.ok(corpus.files.every((f) => !f.text.includes(SECRET)), 'a secret reached the training text');
    const filesJson = path.join(tempDir('corpus'), 'files.json');
    fs.writeFileSync(filesJson, JSON.stringify(corpus.files));

    const request = { modelDir, workerPath: distFile('worker.js'), trainerPath: distFile('trainer.js'), filesJson, outDir: path.join(tempDir('private'), 'model') };
    // Bundled rather than run through tsx, whose loader talks to its parent over a local socket.
    const driver = path.join(tempDir('driver'), 'privacyDriver.js');
    esbuild.buildSync({ entryPoints: [path.join(__dirname, 'privacyDriver.ts')], outfile: driver, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' });
    const run = runGuarded([driver], { PRIVACY_DRIVER: JSON.stringify(request), NODE_PATH: path.join(repoRoot, 'node_modules') });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.ok(result.completions > 0 && Number.isFinite(result.bitsPerChar), run.stdout);
    assert.equal(result.trainedFiles, corpus.files.length);

    // The driver, the engine worker and the trainer (both forked processes) were guarded.
    const installed = run.events.filter((e) => e.event === 'installed');
    const main = installed.find((e) => e.thread === 'main' && e.script === driver);
    assert.ok(main, JSON.stringify(installed));
    assert.ok(installed.some((e) => e.pid !== main.pid && e.script.endsWith('worker.js')), `the worker was not guarded: ${JSON.stringify(installed)}`);
    assert.ok(installed.some((e) => e.pid !== main.pid && e.script.endsWith('trainer.js')), `the trainer was not guarded: ${JSON.stringify(installed)}`);
    assert.deepEqual(run.events.filter((e) => e.event === 'attempt'), []);
  });
});
