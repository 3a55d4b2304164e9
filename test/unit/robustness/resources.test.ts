// Resources: an idle engine costs no CPU, ORT thread pools do not spin between runs, the worker's
// heap is capped and reported, and training runs at a lower CPU priority than the editor.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as ort from 'onnxruntime-node';
import { buildScoreModel, loadModelFolder } from '../../../src/engine/model';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../src/engine/runtime/engine';
import { defaultEngineClientOptions, EngineClient } from '../../../src/engine/runtime/engineClient';
import { createSession, int64Tensor } from '../../../src/engine/onnx/ortSession';
import { runTraining } from '../../../src/engine/runtime/trainingClient';
import { TrainingCancelled } from '../../../src/engine/training/trainer';
import { sampleFiles, tinyModelDir } from '../helpers/tinyModel';
import { childPids, commandLine, distFile, sleep, tempDir, workerOf } from './helpers';

/** CPU time (ms, every thread) that process `pid` has used, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime
}

/** CPU time (ms, every thread of this process) spent while `work` runs. */
async function cpuMsDuring(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('robustness: resources', function () {
  this.timeout(60_000);
  let modelDir: string;
  before(async () => {
    modelDir = await tinyModelDir();
  });

  it('an engine with a model loaded, after completing and scoring, uses no CPU while idle (in-process and in its worker process)', async () => {
    const engine = new Engine();
    const client = new EngineClient(defaultEngineClientOptions(distFile('worker.js')));
    try {
      const text = sampleFiles()[0].text.slice(0, 3000);
      await engine.load(modelDir);
      await engine.complete('a.js', { keep: 0, append: text, length: text.length }, defaultCompleteOptions());
      await engine.score(text, 5);
      await client.load(modelDir);
      await client.complete('a.js', text, defaultCompleteOptions());
      await client.score(text, 5);
      await sleep(200);
      // Four windows of 500 ms: a spinning pool or a polling timer costs in every one of them, while
      // one-off housekeeping (V8 finishing a collection left by earlier tests) lands in one at most.
      const windows: number[] = [];
      for (let i = 0; i < 4; i++) windows.push(await cpuMsDuring(() => sleep(500)));
      const quietest = Math.min(...windows);
      const total = windows.reduce((a, b) => a + b, 0);
      // 1% of one core at most in the quietest window (it measures under 1 ms here); a spinning
      // two-thread pool would cost ~1000 ms in each.
      assert.ok(quietest < 5, `${quietest.toFixed(1)} ms of CPU in the quietest 500 ms of idling (${windows.map((w) => w.toFixed(1)).join(', ')})`);
      assert.ok(total < 100, `${total.toFixed(1)} ms of CPU in 2 s of idling (${windows.map((w) => w.toFixed(1)).join(', ')})`);
      // The worker process idled through the same 2 s (the kernel counts its CPU in 10 ms ticks).
      const worker = workerOf(client)!.pid!;
      const before = processCpuMs(worker);
      await sleep(2000);
      const workerIdle = processCpuMs(worker) - before;
      assert.ok(workerIdle <= 20, `the worker process used ${workerIdle} ms of CPU in 2 s of idling`);
    } finally {
      await engine.dispose();
      await client.dispose();
    }
  });

  it('sessions with two threads do not spin between runs (a run every 100 ms costs only the runs)', async () => {
    const folder = loadModelFolder(modelDir);
    const session = await createSession(buildScoreModel(folder.cfg, folder.weights), 2);
    try {
      const ids = Array.from({ length: 8 }, (_, i) => 10 + i);
      const S = folder.cfg.hiddenSize;
      const run = () => session.run({ tokens: int64Tensor(ids, [1, 8]), targets: int64Tensor(ids, [1, 8]), state_in: new ort.Tensor('float32', new Float32Array(S), [1, 1, S]) });
      await run();
      let inRuns = 0;
      const cpu = await cpuMsDuring(async () => {
        for (let i = 0; i < 20; i++) {
          const t0 = performance.now();
          await run();
          inRuns += performance.now() - t0;
          await sleep(100);
        }
      });
      // Spinning pools keep both threads busy for tens of milliseconds after every run: ~700 ms here.
      assert.ok(cpu < 2 * inRuns + 150, `${cpu.toFixed(1)} ms of CPU for ${inRuns.toFixed(1)} ms of runs`);
    } finally {
      await session.release();
    }
  });

  it('the worker\'s heap is capped at maxHeapMb and reported by stats()', async () => {
    for (const maxHeapMb of [128, defaultEngineClientOptions('').maxHeapMb]) {
      const client = new EngineClient({ ...defaultEngineClientOptions(distFile('worker.js')), maxHeapMb });
      try {
        const stats = await client.stats();
        // V8 adds the young generation (a few tens of MB) to the old-generation cap.
        assert.ok(stats.heapLimitBytes <= (maxHeapMb + 64) * 2 ** 20, `heap limit ${stats.heapLimitBytes / 2 ** 20} MiB for a cap of ${maxHeapMb} MiB`);
        assert.ok(stats.heapUsedBytes > 0 && stats.heapUsedBytes < stats.heapLimitBytes);
      } finally {
        await client.dispose();
      }
    }
    // Uncapped, this machine's default would be far larger: the check above can fail.
    assert.ok(new Engine().stats().heapLimitBytes > 1024 * 2 ** 20);
  });

  it('training runs in a child process at a lower CPU priority than the editor', async () => {
    const abort = new AbortController();
    let niceness: number | undefined;
    const request = { files: sampleFiles(), fromDir: modelDir, outDir: `${tempDir('nice')}/model`, options: { epochs: 50, maxMinutes: 1, batch: 4, steps: 16 } };
    const run = runTraining(distFile('trainer.js'), request, (p) => {
      if (p.phase !== 'training' || niceness !== undefined) return;
      const pid = childPids().find((c) => commandLine(c).includes('trainer.js'));
      niceness = pid === undefined ? undefined : os.getPriority(pid);
      abort.abort();
    }, abort.signal);
    await assert.rejects(run, TrainingCancelled);
    assert.ok(niceness !== undefined, 'no trainer child found');
    // This machine renices busy processes itself (to 15): compare with the editor, not with 10.
    assert.ok(niceness > os.getPriority() || niceness === 19, `trainer niceness ${niceness}, editor ${os.getPriority()}`);
  });
});
