import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../../src/engine/runtime/engine';
import { languageFilter, LanguageWordLists } from '../../../../src/engine/runtime/languageFilter';
import { Language } from '../../../../src/engine/tokenizer/language';
import { tinyModelDir } from '../../helpers/tinyModel';

const dir = path.join(__dirname, '..', '..', '..', '..', 'media', 'languageWords');
const sync = (text: string, language: Language) => ({ keep: 0, append: text, length: text.length, language });

describe('language filter: in code, only words of the language or of the user\'s own code', function () {
  this.timeout(60_000);

  it('keeps the language\'s words and the user\'s, drops other languages\' keywords and prose; comments, strings and prose take every word', () => {
    const lists = new LanguageWordLists(dir, () => assert.fail('a shipped list failed to load'));
    const seen = (w: string) => w === 'zqxProjectName' || w === 'whether';
    const allows = languageFilter(lists, 'typescript', false, 8, seen)!;
    assert.ok(allows('super', 0) && allows('static', 1) && allows('zqxProjectName', 2));
    assert.ok(!allows('self', 0) && !allows('struct', 1) && !allows('Catherine', 2));
    // Below the list's length, a word only the user's code has no longer counts;
    // the language's words still make room for the dropped ones.
    assert.ok(!allows('zqxProjectName', 8) && !allows('whether', 12) && allows('super', 12));
    assert.equal(languageFilter(lists, 'typescript', true, 8, seen), undefined);
    assert.equal(languageFilter(lists, 'markdown', false, 8, seen), undefined);
    assert.equal(languageFilter(lists, 'other', false, 8, seen), undefined);
    assert.ok(!languageFilter(lists, 'rust', false, 8, seen)!('Catherine', 0));
  });

  it('a missing list is logged once and filters nothing', () => {
    const log: string[] = [];
    const lists = new LanguageWordLists(path.join(dir, 'no-such-folder'), (m) => log.push(m));
    assert.equal(languageFilter(lists, 'go', false, 8, () => false), undefined);
    assert.equal(languageFilter(lists, 'go', false, 8, () => false), undefined);
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

    it('drops a word the document has only in a comment or a string, keeps it once the code has it, offers it in a comment', async () => {
      const options = defaultCompleteOptions();
      const words = async (engine: Engine, doc: string, text: string, language: Language = 'typescript') =>
        (await engine.complete(doc, sync(text, language), options)).items.map((i) => i.word);
      const prose = '// zqxCatherineLedger owns this file\nconst note = "zqxCaptainRows";\nconst a = zqxCa';
      assert.ok((await words(plain, 'file:///w/p.ts', prose)).includes('zqxCatherineLedger'), 'the plain engine offers it');
      const got = await words(filtered, 'file:///w/p.ts', prose);
      assert.ok(!got.includes('zqxCatherineLedger') && !got.includes('zqxCaptainRows'), got.join());
      assert.deepEqual((await words(filtered, 'file:///w/p.ts', 'const zqxCatherineLedger = 1;\nconst a = zqxCa')).slice(0, 1), ['zqxCatherineLedger']);
      assert.ok((await words(filtered, 'file:///w/p.ts', '// zqxCatherineLedger owns this file\n// ask zqxCa')).includes('zqxCatherineLedger'));
      // A docstring's line is the docstring's, though nothing on the line says so.
      const doc = 'def f():\n    """zqxCatherineLedger owns this.\n\n    zqxCa';
      assert.ok((await words(filtered, 'file:///w/p.py', doc, 'python')).includes('zqxCatherineLedger'));
      assert.ok(!(await words(filtered, 'file:///w/p.py', `${doc.slice(0, -5)}"""\n    return zqxCa`, 'python')).includes('zqxCatherineLedger'));
    });

    it('keeps a word another open document of the family has in code, not one of another family\'s code or of a comment', async () => {
      const options = defaultCompleteOptions();
      const words = async (engine: Engine, doc: string, text: string, language: Language) =>
        (await engine.complete(doc, sync(text, language), options)).items.map((i) => i.word);
      for (const engine of [plain, filtered]) {
        await words(engine, 'file:///w/rows.py', 'zqxPythonRows = 1  # zqxPythonNote\n', 'python');
        await words(engine, 'file:///w/other.ts', '/* zqxOtherNote */ export const zqxOtherRows = 2;\n', 'typescript');
      }
      const wide = await words(plain, 'file:///w/main.ts', 'const total = zqx', 'typescript');
      assert.ok(['zqxOtherRows', 'zqxPythonRows', 'zqxOtherNote'].every((w) => wide.includes(w)), `the plain engine offers them: ${wide.join()}`);
      const got = await words(filtered, 'file:///w/main.ts', 'const total = zqx', 'typescript');
      assert.ok(got.includes('zqxOtherRows'), got.join());
      for (const w of ['zqxPythonRows', 'zqxPythonNote', 'zqxOtherNote']) assert.ok(!got.includes(w), `${w} in ${got.join()}`);
    });

    it('drops a word a project file has only in a comment or a string, keeps it once its code has it', async () => {
      const complete = async () => (await filtered.complete('file:///w/billing/report.ts', sync('const totals = zqxRe', 'typescript'), defaultCompleteOptions())).items.map((i) => i.word);
      await filtered.projectRequest({ op: 'open', roots: [{ uri: 'file:///w', name: '' }] });
      await filtered.projectRequest({ op: 'text', path: 'billing/notes.ts', text: '// zqxReconcileLater, says Catherine\nexport const shown = "zqxReturnedLedger";\n' });
      assert.deepEqual(await complete(), []);
      await filtered.projectRequest({ op: 'text', path: 'billing/notes.ts', text: 'export function zqxReconcileLater() {}\n' });
      assert.deepEqual((await complete()).slice(0, 1), ['zqxReconcileLater']);
      await filtered.projectRequest({ op: 'clear' });
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
