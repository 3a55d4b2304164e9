import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../../src/engine/runtime/engine';
import { languageFilter, LanguageWordLists } from '../../../../src/engine/runtime/languageFilter';
import { Language } from '../../../../src/engine/tokenizer/language';
import { tinyModelDir } from '../../helpers/tinyModel';

const dir = path.join(__dirname, '..', '..', '..', '..', 'media', 'languageWords');
const sync = (text: string, language: Language) => ({ keep: 0, append: text, length: text.length, language });

describe('language filter: in code, only words of the language or of the user\'s own text', function () {
  this.timeout(60_000);

  it('keeps the language\'s words and the user\'s, drops other languages\' keywords and prose; comments, strings and prose take every word', () => {
    const lists = new LanguageWordLists(dir, () => assert.fail('a shipped list failed to load'));
    const seen = (w: string) => w === 'zqxProjectName' || w === 'whether';
    const allows = languageFilter(lists, 'typescript', '    s', 8, seen)!;
    assert.ok(allows('super', 0) && allows('static', 1) && allows('zqxProjectName', 2));
    assert.ok(!allows('self', 0) && !allows('struct', 1) && !allows('Catherine', 2));
    // Below the list's length, a word only the user's text has (a comment's, say) no longer counts;
    // the language's words still make room for the dropped ones.
    assert.ok(!allows('zqxProjectName', 8) && !allows('whether', 12) && allows('super', 12));
    assert.equal(languageFilter(lists, 'typescript', '// s', 8, seen), undefined);
    assert.equal(languageFilter(lists, 'typescript', 'const t = "s', 8, seen), undefined);
    assert.equal(languageFilter(lists, 'markdown', 's', 8, seen), undefined);
    assert.equal(languageFilter(lists, 'other', 's', 8, seen), undefined);
    assert.ok(!languageFilter(lists, 'rust', '    C', 8, seen)!('Catherine', 0));
  });

  it('a missing list is logged once and filters nothing', () => {
    const log: string[] = [];
    const lists = new LanguageWordLists(path.join(dir, 'no-such-folder'), (m) => log.push(m));
    assert.equal(languageFilter(lists, 'go', '\tf', 8, () => false), undefined);
    assert.equal(languageFilter(lists, 'go', '\tf', 8, () => false), undefined);
    assert.equal(log.length, 1);
    assert.match(log[0], /no word list for go .*; offering every word/);
  });

  describe('in the engine', () => {
    let filtered: Engine;
    let plain: Engine;
    before(async () => {
      const model = await tinyModelDir();
      filtered = new Engine({ languageWordsDir: dir });
      plain = new Engine();
      await Promise.all([filtered.load(model), plain.load(model)]);
    });
    after(() => Promise.all([filtered.dispose(), plain.dispose()]));

    it('lists what the plain engine lists, less the dropped words, still as many as it can', async () => {
      const lists = new LanguageWordLists(dir, () => undefined);
      const jsts = lists.words('jsts')!;
      // The document's own names are kept; the tiny model's other guesses are mostly not TypeScript's.
      const text = 'const zqxLedgerTotal = 1;\nfunction report(shop) {\n  return shop.zqxLedgerTotal + s';
      const options = { ...defaultCompleteOptions(), maxItems: 5 };
      const wide = await plain.complete('file:///w/a.ts', sync(text, 'typescript'), { ...options, maxItems: 50 });
      const got = await filtered.complete('file:///w/a.ts', sync(text, 'typescript'), options);
      // Of the plain engine's ranking: the language's words, and the document's own within the first 5.
      const expected = wide.items.filter((i, rank) => jsts.has(i.word) || (rank < 5 && text.includes(i.word))).slice(0, 5).map((i) => i.word);
      assert.ok(wide.items.slice(0, 5).some((i) => !jsts.has(i.word) && !text.includes(i.word)), 'the test needs a word to drop');
      assert.deepEqual(got.items.map((i) => i.word), expected);
      // Turned off, and in a comment, the engine lists as the plain one does.
      const off = await filtered.complete('file:///w/a.ts', sync(text, 'typescript'), { ...options, languageWordsOnly: false });
      assert.deepEqual(off.items.map((i) => i.word), wide.items.slice(0, 5).map((i) => i.word));
    });

    it('keeps a word only the project memory holds', async () => {
      await filtered.projectRequest({ op: 'open', roots: [{ uri: 'file:///w', name: '' }] });
      await filtered.projectRequest({ op: 'text', path: 'billing/ledger.ts', text: 'export function reconcileQuarterlyLedger() {}\n' });
      const result = await filtered.complete('file:///w/billing/report.ts', sync('const totals = reconcileQua', 'typescript'), defaultCompleteOptions());
      assert.equal(result.items[0]?.word, 'reconcileQuarterlyLedger');
      await filtered.projectRequest({ op: 'clear' });
    });
  });
});
