// The engine client over the real worker (dist/worker.js): text sync and overtaken requests.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../../../../src/engine/runtime/engineClient';
import { Engine } from '../../../../src/engine/runtime/engine';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

const workerPath = path.resolve(__dirname, '../../../../dist/worker.js');

describe('EngineClient', function () {
  this.timeout(120_000);
  let client: EngineClient;
  let engine: Engine;
  const options = defaultCompleteOptions();
  before(async () => {
    const dir = await tinyModelDir();
    client = new EngineClient(defaultEngineClientOptions(workerPath));
    await client.load(dir);
    engine = new Engine();
    await engine.load(dir);
  });
  after(async () => {
    await client.dispose();
    await engine.dispose();
  });

  it('answers like the engine in-process while only the changes are sent', async () => {
    const text = sampleFiles()[0].text;
    for (const cut of [900, 950, 951, 700, 1200]) {
      const viaWorker = await client.complete('doc', text.slice(0, cut), options);
      const direct = await engine.complete('direct', { keep: 0, append: text.slice(0, cut), length: cut }, options);
      engine.close('direct');
      assert.deepEqual(viaWorker?.items.map((i) => i.word), direct.items.map((i) => i.word), `at ${cut}`);
    }
  });

  it('answers requests overtaken by newer keystrokes with the newest words', async () => {
    const text = sampleFiles()[1].text.slice(0, 1500);
    const typed = 'const result = respo';
    const pending = [];
    for (let i = 1; i <= typed.length; i++) pending.push(client.complete('typing', text + typed.slice(0, i), options));
    const results = await Promise.all(pending);
    const last = results[results.length - 1];
    assert.ok(last, 'the newest request got no answer');
    assert.equal(last.word, 'respo');
    for (const r of results) assert.ok(r, 'a request was answered with nothing');
    // Overtaken requests were skipped by the worker and given the newest answer.
    assert.ok(results.filter((r) => r === last).length > 1, 'no request was overtaken');
  });

  it('answers nothing for a request cancelled by its caller', async () => {
    const abort = new AbortController();
    abort.abort();
    assert.equal(await client.complete('doc', 'const x = 1;\nx', options, abort.signal), undefined);
  });
});
