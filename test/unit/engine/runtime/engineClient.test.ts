// The engine client over the real worker (dist/worker.js): text sync, overtaken and cancelled requests.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../../../../src/engine/runtime/engineClient';
import { Engine } from '../../../../src/engine/runtime/engine';
import { CompletionResult } from '../../../../src/engine/runtime/protocol';
import { assertConsistent } from '../../robustness/consistency';
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

  it('answers every request of fast typing for its own text, or with nothing when overtaken', async () => {
    // Typed faster than the worker answers: two keystrokes every millisecond (one a millisecond was
    // not faster than the tiny model on a fast machine). The text has CRLF line ends and an
    // identifier with a letter outside the BMP (U+1D4B3).
    const base = sampleFiles()[1].text.slice(0, 1500).replace(/\n/g, '\r\n');
    const typed = [...'const r\u{1D4B3}sult = respo;\r\nr\u{1D4B3}s'];
    const texts: string[] = [];
    const pending: Promise<CompletionResult | undefined>[] = [];
    let text = base;
    for (const [i, ch] of typed.entries()) {
      text += ch;
      texts.push(text);
      pending.push(client.complete('typing', text, options));
      if (i % 2) await new Promise((r) => setTimeout(r, 1));
    }
    const results = await Promise.all(pending);
    results.forEach((result, i) => result && assertConsistent(texts[i], result, `keystroke ${i}`));
    assert.ok(results.some((r) => r === undefined), 'no request was overtaken: the test did not type faster than the engine');
    const last = results[results.length - 1];
    assert.ok(last, 'the newest request got no answer');
    assert.equal(last.typed, 'r\u{1D4B3}s');
    // Every overtaken request's text reached the worker: the newest answer is the one a fresh document gets.
    const direct = await engine.complete('fresh', { keep: 0, append: text, length: text.length }, options);
    engine.close('fresh');
    assert.deepEqual(last.items.map((i) => i.word), direct.items.map((i) => i.word));
  });

  it('skips the model work of a request cancelled while it waits, and keeps its text', async () => {
    const text = sampleFiles()[0].text.slice(0, 3000);
    // Another document's first request keeps the worker busy while the cancelled one waits behind it.
    const blocker = client.complete('blocker', sampleFiles()[2].text, options);
    const abort = new AbortController();
    const cancelled = client.complete('cold', text, options, abort.signal);
    abort.abort();
    assert.equal(await cancelled, undefined);
    assert.ok(await blocker);
    // Its text reached the worker (only a keystroke is sent now), but no token of it was read: the next
    // request reads the whole text.
    const next = await client.complete('cold', text + 'x', options);
    assert.ok(next);
    const direct = await engine.complete('fresh', { keep: 0, append: text + 'x', length: text.length + 1 }, options);
    engine.close('fresh');
    assert.equal(next.tokensFed, direct.tokensFed, `fed ${next.tokensFed} tokens, a fresh document ${direct.tokensFed}`);
    assert.deepEqual(next.items.map((i) => i.word), direct.items.map((i) => i.word));
  });

  it('answers nothing for a request cancelled before it is sent, and the next request syncs from the text the worker holds', async () => {
    const text = sampleFiles()[0].text.slice(0, 1000);
    assert.ok(await client.complete('unsent', `${text} = total`, options));
    // Never sent: were it taken for the worker's text, the next request would send only its last
    // character, and the worker would complete `totals`.
    const abort = new AbortController();
    abort.abort();
    assert.equal(await client.complete('unsent', `${text} = count`, options, abort.signal), undefined);
    const next = `${text} = counts`;
    assertConsistent(next, (await client.complete('unsent', next, options))!);
  });
});
