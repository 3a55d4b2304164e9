import { strict as assert } from 'node:assert';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { defaultSearchOptions, searchWords } from '../../../../src/engine/runtime/wordSearch';
import { mulberry32 } from '../../../../src/engine/random';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';
import { maxAbsDiff } from '../../helpers/arrays';
import { syncText } from '../../helpers/syncText';

describe('DocumentState', function () {
  this.timeout(120_000);
  let lm: LanguageModel;
  before(async () => {
    lm = await LanguageModel.load(await tinyModelDir());
  });
  after(() => lm.dispose());

  it('after random edits, the incremental state and completions equal those computed from scratch', async () => {
    const random = mulberry32(11);
    const texts = sampleFiles().map((f) => f.text).filter((t) => t.length > 2000);
    const options = { checkpointEvery: 8, maxCheckpoints: 24, contextTokens: 100_000 };
    for (let round = 0; round < 6; round++) {
      const source = texts[round % texts.length];
      let text = source.slice(0, 1500 + Math.floor(random() * 1500));
      const doc = new DocumentState(lm, text, options);
      await doc.completionContext();
      for (let edit = 0; edit < 25; edit++) {
        const r = random();
        if (r < 0.5) {
          // Type on: one to five characters of the source (or random ones past its end).
          const n = 1 + Math.floor(random() * 5);
          text += source.slice(text.length, text.length + n) || 'x';
        } else if (r < 0.7) {
          text = text.slice(0, text.length - 1 - Math.floor(random() * 10));
        } else {
          // An edit anywhere: the cursor jumps back and the text after it is replaced.
          const at = Math.floor(random() * text.length);
          text = text.slice(0, at) + ['(', ' foo', '\n  ', 'é', '🙂', '\r\n', ''][Math.floor(random() * 7)];
        }
        syncText(doc, text);
        const got = await doc.completionContext();
        const fresh = await new DocumentState(lm, text, options).completionContext();
        assert.equal(got.headTokens, fresh.headTokens);
        assert.equal(got.partial, fresh.partial);
        assert.ok(maxAbsDiff(got.state, fresh.state) < 1e-4, `state differs after edit ${edit} of round ${round}`);
        assert.ok(maxAbsDiff(got.next.logProbs, fresh.next.logProbs) < 1e-3, `log-probs differ after edit ${edit} of round ${round}`);
        if (edit % 5 === 0) {
          const a = await searchWords(lm, got, defaultSearchOptions());
          const b = await searchWords(lm, fresh, defaultSearchOptions());
          assert.deepEqual(a.items.map((i) => i.word), b.items.map((i) => i.word));
        }
      }
    }
  });

  it('feeds only the new tokens: nothing while a word is typed, a few at a word boundary', async () => {
    const source = sampleFiles()[0].text;
    const text = source.slice(0, source.lastIndexOf('\n', 3000) + 1);
    const doc = new DocumentState(lm, text);
    const first = await doc.completionContext();
    assert.ok(first.tokensFed > 100);
    syncText(doc, text + ' retu');
    const inWord = await doc.completionContext();
    syncText(doc, text + ' return');
    assert.equal((await doc.completionContext()).tokensFed, 0);
    syncText(doc, text + ' return x');
    const next = await doc.completionContext();
    assert.ok(next.tokensFed >= 1 && next.tokensFed <= 4, `fed ${next.tokensFed}`);
    // Indentation joined the newline piece before it: back to the last checkpoint at most.
    assert.ok(inWord.tokensFed <= 33, `fed ${inWord.tokensFed}`);
  });

  it('reads a very long document from a window before the cursor', async () => {
    const text = sampleFiles().map((f) => f.text).join('\n').slice(0, 40_000);
    const doc = new DocumentState(lm, text, { checkpointEvery: 32, maxCheckpoints: 64, contextTokens: 2000 });
    const ctx = await doc.completionContext();
    // The window starts at a checkpoint boundary: at most one interval more than asked for.
    assert.ok(ctx.tokensFed <= 2000 + 32 + 1, `fed ${ctx.tokensFed}`);
    assert.ok(doc.checkpointBytes <= 64 * lm.layers * lm.stateSize * 4);
  });
});
