import { strict as assert } from 'node:assert';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { defaultSearchOptions, searchWords } from '../../../../src/engine/runtime/wordSearch';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

describe('searchWords', function () {
  this.timeout(120_000);
  let lm: LanguageModel;
  before(async () => {
    lm = await LanguageModel.load(await tinyModelDir());
  });
  after(() => lm.dispose());

  async function complete(text: string, documentWords: string[] = []) {
    const doc = new DocumentState(lm, text);
    const ctx = await doc.completionContext();
    return searchWords(lm, ctx, { ...defaultSearchOptions(), documentWords: documentWords.length ? documentWords : doc.documentWords(ctx.headLength) });
  }

  it('proposes only whole identifiers that continue what is typed, most probable first', async () => {
    const text = sampleFiles()[1].text;
    for (let cut = 200; cut < 6000; cut += 397) {
      const result = await complete(text.slice(0, cut));
      const typed = /[\p{L}\p{N}_$]*$/u.exec(text.slice(0, cut))![0];
      assert.equal(result.typed, typed);
      let previous = Infinity;
      let total = 0;
      for (const item of result.items) {
        assert.ok(item.word.startsWith(typed) && item.word.length > typed.length, `${item.word} does not continue ${typed}`);
        assert.match(item.word, /^[\p{L}_$][\p{L}\p{N}_$]*$/u);
        assert.ok(item.probability > 0 && item.probability <= previous);
        previous = item.probability;
        total += item.probability;
      }
      assert.ok(total <= 1 + 1e-6);
    }
  });

  it('ranks an identifier seen only in this document, by the model', async () => {
    const text = 'const zqxWidgetFactory = make();\nzqxWidgetFactory.start();\nif (ready) zqx';
    const result = await complete(text);
    assert.equal(result.typed, 'zqx');
    assert.ok(result.items.some((i) => i.word === 'zqxWidgetFactory'), JSON.stringify(result.items));
  });

  it('handles Unicode identifiers, CRLF, and a cursor after punctuation', async () => {
    const unicode = await complete('const größe = 1;\r\nlet grö');
    assert.equal(unicode.typed, 'grö');
    assert.ok(unicode.items.every((i) => i.word.startsWith('grö')));
    assert.ok(unicode.items.some((i) => i.word === 'größe'));
    const afterDot = await complete('app.');
    assert.equal(afterDot.typed, '');
    assert.ok(afterDot.items.every((i) => /^[\p{L}_$]/u.test(i.word)));
  });

  it('proposes nothing inconsistent on a very long line', async () => {
    const result = await complete('x'.repeat(20_000) + ' foo');
    assert.ok(result.items.every((i) => i.word.startsWith('foo')));
  });
});
