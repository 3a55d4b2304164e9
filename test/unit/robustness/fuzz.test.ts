// A time-bounded fuzz of the path every keystroke takes: random edits of random UTF-16 code units
// (lone surrogates, NUL, controls, marks, right-to-left, emoji, bytes read as Latin-1, pieces of
// real code) through IncrementalEncoder, DocumentState (with a tiny window, so it moves often) and
// searchWords. Invariants: nothing throws, the encoder's ids are the tokenizer's and decode back
// to the text, the incremental state equals one computed afresh, and every suggestion continues the
// typed word. RECURRENT_FUZZ_SEED replays a run,
// RECURRENT_FUZZ_MS sets its length, RECURRENT_FUZZ_VERBOSE prints how much it covered.
import { strict as assert } from 'node:assert';
import { commonPrefixLength } from '../../../src/engine/runtime/commonPrefixLength';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { defaultCachePriors } from '../../../src/engine/runtime/documentCache';
import { DocumentState } from '../../../src/engine/runtime/documentState';
import { Engine } from '../../../src/engine/runtime/engine';
import { LanguageModel } from '../../../src/engine/runtime/languageModel';
import { defaultSearchOptions, searchWords } from '../../../src/engine/runtime/wordSearch';
import { IncrementalEncoder } from '../../../src/engine/tokenizer';
import { mulberry32 } from '../../../src/engine/random';
import { sampleFiles, tinyModelDir } from '../helpers/tinyModel';
import { assertConsistent, assertItemsContinue } from './consistency';
import { maxAbsDiff } from '../helpers/arrays';
import { syncText } from '../helpers/syncText';

const code = sampleFiles().map((f) => f.text).join('\n');

/** Random text generators, from single odd code units to slices of real code. */
function generators(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (n: number) => Math.floor(random() * n);
  const units: (() => string)[] = [
    () => pick(['a', 'Z', '_', '$', '0', '9', 'x', 'getEl', 'fooBar']),
    () => pick([' ', '  ', '\t', '\n', '\r\n', '\r', '\n    ', '.', '(', ')', ';', '=', '"', "'", '`', '/', '//', '{', '}']),
    () => String.fromCharCode(int(0x20)), // NUL and controls
    () => String.fromCharCode(0xd800 + int(0x800)), // a lone surrogate
    () => pick(['🙂', '👍🏽', '👨‍👩‍👧', '𝒳', '\u200d', '\ufeff', '\ufffd', '\u00a0']),
    () => pick(['ש', 'ל', 'ו', 'ם', 'م', 'ر', 'ح', '\u202e', '\u2066', '\u2069', '\u200f']), // right-to-left
    () => pick(['é', 'e\u0301', '\u0301', 'ß', 'ǅ', '名', '前', 'ı', 'İ', '٣', 'Ⅻ']),
    () => String.fromCharCode(int(0x10000)), // any BMP unit
    () => Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))).toString('latin1'),
    () => Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))).toString('utf8'),
  ];
  const insert = (): string => {
    if (random() < 0.4) {
      const at = int(code.length - 50);
      return code.slice(at, at + 1 + int(40));
    }
    let s = '';
    for (let n = 1 + int(6); n > 0; n--) s += pick(units)();
    return s;
  };
  return { int, insert };
}

describe('robustness: fuzz', function () {
  this.timeout(120_000);
  let lm: LanguageModel;
  const engine = new Engine();
  before(async () => {
    lm = await LanguageModel.load(await tinyModelDir());
    await engine.load(await tinyModelDir());
  });
  after(async () => {
    await lm.dispose();
    await engine.dispose();
  });

  it('random edits and code units keep encoder, document state and word search consistent', async () => {
    const seed = Number(process.env.RECURRENT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const deadline = Date.now() + Number(process.env.RECURRENT_FUZZ_MS ?? 10_000);
    const random = mulberry32(seed);
    const { int, insert } = generators(random);
    const tokenizer = lm.tokenizer;
    // A window of 200–300 units and few checkpoints: the rare paths run all the time.
    const options = { checkpointEvery: 4, maxCheckpoints: 6, contextTokens: 1_000_000, maxChars: 200 };
    let rounds = 0;
    let edits = 0;
    let compared = 0;
    let where = '';
    try {
      while (Date.now() < deadline) {
        rounds++;
        const at = int(code.length - 600);
        let text = code.slice(at, at + int(600)) + insert();
        const encoder = new IncrementalEncoder(tokenizer, text);
        const state = new DocumentState(lm, text, options);
        let engineText = '';
        engine.close('fuzz');
        for (let e = 0; e < 30 && Date.now() < deadline; e++, edits++) {
          // Edit: type at the end, delete at the end, replace a range anywhere, or jump back.
          const r = random();
          let offset: number;
          let deleteCount: number;
          let inserted: string;
          if (r < 0.4) [offset, deleteCount, inserted] = [text.length, 0, insert()];
          else if (r < 0.55) [offset, deleteCount, inserted] = [Math.max(0, text.length - 1 - int(5)), 0, ''];
          else if (r < 0.85) {
            offset = int(text.length + 1);
            [deleteCount, inserted] = [int(Math.min(20, text.length - offset) + 1), insert()];
          } else [offset, deleteCount, inserted] = [int(text.length + 1), 0, ''];
          if (r >= 0.4 && r < 0.55) deleteCount = text.length - offset;
          if (r >= 0.85) deleteCount = text.length - offset;
          const before = text;
          text = text.slice(0, offset) + inserted + text.slice(offset + deleteCount);
          where = `seed ${seed}, round ${rounds}, edit ${e}: ${JSON.stringify(before.slice(Math.max(0, offset - 10), offset + deleteCount + 10))} ` +
            `at ${offset} -${deleteCount} +${JSON.stringify(inserted)}`;

          const oldIds = encoder.ids.slice();
          const firstChanged = encoder.edit(offset, deleteCount, inserted);
          assert.equal(encoder.text, text);
          const ids = tokenizer.encode(text);
          assert.deepEqual(encoder.ids, ids);
          assert.equal(tokenizer.decode(ids), text, 'decode(encode(text)) lost something');
          assert.deepEqual(ids.slice(0, firstChanged), oldIds.slice(0, firstChanged));

          // A sync as the engine gets it: from the edit's offset, or from the longest common prefix.
          if (int(2) === 0) state.replace(offset, text.slice(offset));
          else syncText(state, text);
          assert.equal(state.text, text);
          assert.equal(state.length, text.length);

          if (e % 3 !== 2) continue;
          compared++;
          const got = await state.completionContext();
          const fresh = await new DocumentState(lm, text, options).completionContext();
          assert.deepEqual([got.headTokens, got.partial, got.headLength, got.typed, got.headWord], [fresh.headTokens, fresh.partial, fresh.headLength, fresh.typed, fresh.headWord]);
          assert.ok(maxAbsDiff(got.state, fresh.state) < 1e-4, 'state differs from a fresh computation');
          assert.ok(maxAbsDiff(got.next.logProbs, fresh.next.logProbs) < 1e-3, 'log-probs differ from a fresh computation');
          const typed = got.typed;
          const cache = state.documentCache();
          assert.deepEqual(cache.query(typed, defaultCachePriors(), 50), new DocumentState(lm, text, options).documentCache().query(typed, defaultCachePriors(), 50), 'the document cache differs from a fresh one');
          assertItemsContinue(await searchWords(lm, got, { ...defaultSearchOptions(), cacheFor: (t) => cache.query(t, defaultCachePriors(), 8) }));
          // What the editor gets: the typed word ends the text, and every item continues it.
          const keep = commonPrefixLength(engineText, text);
          assertConsistent(text, await engine.complete('fuzz', { keep, append: text.slice(keep), length: text.length }, defaultCompleteOptions()));
          engineText = text;
        }
      }
    } catch (e) {
      throw new Error(`${where}\n${(e as Error).message}\n${(e as Error).stack}`);
    }
    if (process.env.RECURRENT_FUZZ_VERBOSE) console.log(`seed ${seed}: ${rounds} rounds, ${edits} edits, ${compared} comparisons`);
    assert.ok(compared > 20, `only ${compared} comparisons in ${rounds} rounds (seed ${seed})`);
  });
});
