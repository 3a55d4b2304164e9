// Text no one planned for: binary and NUL bytes, invalid UTF-16, emoji and right-to-left scripts,
// a 50 MB single line, 100k lines, hundreds of open documents, and a document that changes while
// its request is in flight. Nothing may throw, hang or grow without bound, and every answer must
// still fit the text it was asked for.
import { strict as assert } from 'node:assert';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../src/engine/runtime/engine';
import { defaultEngineClientOptions, EngineClient } from '../../../src/engine/runtime/engineClient';
import { CompletionResult } from '../../../src/engine/runtime/protocol';
import { mulberry32 } from '../../../src/engine/random';
import { sampleFiles, tinyModelDir } from '../helpers/tinyModel';
import { assertConsistent } from './consistency';
import { distFile } from './helpers';

const options = defaultCompleteOptions();
const code = sampleFiles().map((f) => f.text).join('\n');

describe('robustness: bad input', function () {
  this.timeout(60_000);
  let modelDir: string;
  let engine: Engine;
  before(async () => {
    modelDir = await tinyModelDir();
    engine = new Engine();
    await engine.load(modelDir);
  });
  after(() => engine.dispose());

  /** Completes `text` as a new document of the in-process engine. */
  function complete(doc: string, text: string): Promise<CompletionResult> {
    return engine.complete(doc, { keep: 0, append: text, length: text.length }, options);
  }

  it('binary bytes, NUL, lone surrogates, emoji and right-to-left text: no throw, consistent completions, finite scores', async () => {
    const random = mulberry32(3);
    const bytes = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(random() * 256)));
    const texts: Record<string, string> = {
      'bytes read as Latin-1 (NULs included)': `${bytes.toString('latin1')} const total = tot`,
      'invalid UTF-8 decoded with U+FFFD': `${bytes.toString('utf8')}\nlet value = val`,
      'NUL bytes inside code': 'const a\0b = 1;\0\0\nfunction f\0() { return a\0',
      'lone surrogates': 'const a\uD800b = "\uDC00";\nlet \uDFFFx = 1; \uD83D',
      'a lone high surrogate right before the word': 'let value = 1;\n\uD83Dval',
      'emoji and CJK identifiers': 'const 🙂 = "👍🏽👨‍👩‍👧"; let 名前 = 1;\nconsole.log(名前, 🙂); 名',
      'Hebrew and Arabic': 'const שלום = 1; // مرحبا بالعالم\nlet מספר = שלום + 1;\nمرحبا مر',
      'bidirectional controls': 'const admin\u202E\u2066 = true;\u2069 // \u200F\nif (adm',
      'only controls': '\u0001\u0002\u0003\u0007\b\u001b[31m\r\r\n\u000b\f',
    };
    for (const [name, text] of Object.entries(texts)) {
      assert.equal(engine.info() && text.length > 0, true);
      const result = await complete(name, text);
      assertConsistent(text, result, name);
      const score = await engine.score(text, 5);
      assert.ok(Number.isFinite(score.bitsPerChar) && score.bitsPerChar > 0, `${name}: ${score.bitsPerChar}`);
      assert.equal(score.chars, text.length);
      // A token inside one character's UTF-8 bytes has an empty range at that character.
      for (const s of score.surprising!) assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length && Number.isFinite(s.bits), `${name}: ${JSON.stringify(s)}`);
      // Typing on after the odd text, one character at a time, keeps the state usable.
      let typed = text;
      for (const ch of 'ue\uD800x') {
        const keep = typed.length;
        typed += ch;
        assertConsistent(typed, await engine.complete(name, { keep, append: ch, length: typed.length }, options), name);
      }
    }
  });

  it('a long run of identifier characters (a hex blob) costs no more than ordinary text', async () => {
    const random = mulberry32(4);
    const hex = Array.from({ length: 60_000 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
    const timeWith = async (name: string, blob: string) => {
      const text = `${code.slice(0, 2000)}\nconst bytecode = "0x${blob}";\nconst app = require('express');\napp.lis`;
      const t0 = Date.now();
      assertConsistent(text, await complete(name, text));
      // Typing on after punctuation makes the engine look for the word at the end of the head.
      let typed = text;
      for (const ch of 'ten(port).th') {
        const keep = typed.length;
        typed += ch;
        assertConsistent(typed, await engine.complete(name, { keep, append: ch, length: typed.length }, options));
      }
      return Date.now() - t0;
    };
    await timeWith('warm-up.js', code.slice(5000, 65000));
    const ordinary = await timeWith('ordinary.js', code.slice(5000, 65000));
    const blob = await timeWith('blob.js', hex);
    assert.ok(blob < 3 * ordinary + 300, `${blob} ms with the blob, ${ordinary} ms without`);
  });

  it('a 50 MB single-line document: answers within seconds through the worker, with a bounded heap and no crash', async () => {
    const client = new EngineClient(defaultEngineClientOptions(distFile('worker.js')));
    const crashes: Error[] = [];
    client.onDidCrash((e) => crashes.push(e));
    try {
      await client.load(modelDir);
      const line = code.replace(/\n/g, ' ');
      let text = line.repeat(Math.ceil(50e6 / line.length)).slice(0, 50e6) + ' const fooBar = 1; foo';
      let t0 = Date.now();
      assertConsistent(text, (await client.complete('huge.min.js', text, options))!);
      const first = Date.now() - t0;
      const keystrokes: number[] = [];
      for (const ch of 'Bar + 1; fo') {
        text += ch;
        text.charCodeAt(0); // one flat string per keystroke, as document.getText gives
        t0 = Date.now();
        assertConsistent(text, (await client.complete('huge.min.js', text, options))!);
        keystrokes.push(Date.now() - t0);
      }
      const stats = await client.stats();
      assert.ok(first < 5_000, `first answer after ${first} ms`);
      assert.ok(Math.max(...keystrokes) < 2_000, `keystrokes took ${keystrokes.join(', ')} ms`);
      // The document itself is 50–100 MB of the heap; its tokens and states must add little.
      assert.ok(stats.heapUsedBytes < 2 * text.length + 150e6, `worker heap ${Math.round(stats.heapUsedBytes / 1e6)} MB`);
      assert.deepEqual(crashes.map((e) => e.message), []);
    } finally {
      await client.dispose();
    }
  });

  it('a 100k-line document: keystrokes at the end cost little, edits near the top are followed, results equal a fresh computation', async () => {
    const lines = code.split('\n');
    let text = Array.from({ length: 100_000 }, (_, i) => lines[i % lines.length]).join('\n') + '\nreturn res';
    let t0 = Date.now();
    await complete('long.js', text);
    const first = Date.now() - t0;
    // The cursor goes near the top, then back to the end: the state must follow both edits.
    const at = text.indexOf('\n', 500) + 1;
    t0 = Date.now();
    const top = await engine.complete('long.js', { keep: at, append: 'app', length: at + 3 }, options);
    assertConsistent(text.slice(0, at) + 'app', top);
    text = text.slice(0, at) + 'const zqxEdited = 1;\n' + text.slice(at);
    let end = await engine.complete('long.js', { keep: at, append: text.slice(at), length: text.length }, options);
    const rest = Date.now() - t0;
    assertConsistent(text, end);
    // Typing on at the end: each keystroke re-reads only what changed.
    const keystrokes: number[] = [];
    for (const ch of 'ult.send(body);\n  ret') {
      const keep = text.length;
      text += ch;
      t0 = Date.now();
      end = await engine.complete('long.js', { keep, append: ch, length: text.length }, options);
      keystrokes.push(Date.now() - t0);
      assertConsistent(text, end);
    }
    const median = keystrokes.sort((a, b) => a - b)[keystrokes.length >> 1];
    assert.ok(median < first / 3, `keystrokes took ${median} ms (median), the first request ${first} ms`);
    const fresh = await complete('long-fresh.js', text);
    assert.deepEqual(end.items.map((i) => i.word), fresh.items.map((i) => i.word));
    end.items.forEach((item, i) => assert.ok(Math.abs(item.probability - fresh.items[i].probability) < 1e-4));
    assert.ok(first < 5_000 && rest < 5_000, `first ${first} ms, edits ${rest} ms`);
  });

  it('hundreds of open documents: the engine keeps at most 64, and an evicted one is sent again whole', async () => {
    const client = new EngineClient(defaultEngineClientOptions(distFile('worker.js')));
    try {
      await client.load(modelDir);
      const texts = Array.from({ length: 300 }, (_, i) => `${code.slice(i * 300, i * 300 + 400)}\nconst x${i} = req`);
      for (let i = 0; i < texts.length; i++) assertConsistent(texts[i], (await client.complete(`doc${i}`, texts[i], options))!);
      const stats = await client.stats();
      assert.equal(stats.documents, 64);
      // doc0 was evicted long ago; the client still believes the worker has its text.
      const again = `${texts[0]}ui`;
      assertConsistent(again, (await client.complete('doc0', again, options))!);
    } finally {
      await client.dispose();
    }
  });

  it('documents that change while their requests are in flight: every answer fits its own text, the newest equals a fresh one', async () => {
    const client = new EngineClient(defaultEngineClientOptions(distFile('worker.js')));
    try {
      await client.load(modelDir);
      const base = code.slice(0, 20_000) + '\nconst server = app.lis';
      assertConsistent(base, (await client.complete('moving.js', base, options))!);
      // Another document's first request keeps the worker busy while the next versions arrive and
      // queue; all but the last are superseded. The edits keep the length or shrink the text, so a
      // worker that lost one of them would not be asked to resync.
      const blocker = client.complete('blocker.js', code.repeat(3), options);
      const versions = [
        base.replace('server = app.lis', 'server = zqx.lis'),
        base.replace('server = app.lis', 'server = zqx.listen'),
        base.replace('server = app.lis', 'server = zqx.lo'),
        base.slice(0, 5000).replace(/const/g, 'let  ') + base.slice(5000).replace('server = app.lis', 'server = zqx.li'),
        base.slice(0, 5000).replace(/const/g, 'let  ') + base.slice(5000).replace('server = app.lis', 'server = zqx.le'),
      ];
      const pending: Promise<CompletionResult | undefined>[] = [];
      for (const text of versions) {
        pending.push(client.complete('moving.js', text, options));
        await new Promise((r) => setTimeout(r, 5));
      }
      const results = await Promise.all(pending);
      assert.ok(await blocker);
      // A request overtaken by a newer one gets nothing; every answer fits its own text.
      const last = results.length - 1;
      assert.ok(results.some((r, v) => v < last && r === undefined), 'no request was overtaken: the test did not test that');
      results.forEach((result, v) => result && assertConsistent(versions[v], result, `version ${v}`));
      const newest = results[last];
      assert.ok(newest, 'the newest request was dropped');
      assertConsistent(versions[last], newest);
      const fresh = await complete('moving-fresh.js', versions[versions.length - 1]);
      assert.deepEqual(newest.items.map((i) => i.word), fresh.items.map((i) => i.word));
      newest.items.forEach((item, i) => assert.ok(Math.abs(item.probability - fresh.items[i].probability) < 1e-4));
    } finally {
      await client.dispose();
    }
  });
});
