// The word memory's counts per language: factors that turn down words foreign to the document's
// language and leave the rest, the file format, and the memory's queries with them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { saveModelFolder, loadModelFolder } from '../../../../src/engine/model';
import { LanguageCounts } from '../../../../src/engine/ngram/languageCounts';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { Engine } from '../../../../src/engine/runtime/engine';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { WordMemory } from '../../../../src/engine/runtime/wordMemory';
import { tinyModelDir } from '../../helpers/tinyModel';

const files = [
  { language: 'python' as const, text: 'def f(self):\n    return self.value\n'.repeat(20) },
  { language: 'rust' as const, text: 'fn f(&self) -> Self { self.value }\nstruct Value;\n'.repeat(20) },
  { language: 'typescript' as const, text: 'function f(this: Value) { return this.value; }\nconst values = new Set();\n'.repeat(20) },
  { language: 'text' as const, text: 'Catherine said the value of the set was all she valued.\n'.repeat(20) },
];
const ngram = NgramModel.train(files.map((f) => f.text), { order: 3, minCount: 1, pruneBelow: 1 });
const counts = LanguageCounts.count(ngram.vocabulary.size, (w) => ngram.knownId(w), files);

describe('LanguageCounts', () => {
  it('turns down words the language never uses, leaves the ones it does, and ignores `other`', () => {
    const f = (w: string, l: Parameters<typeof counts.factor>[1]) => counts.factor(ngram.knownId(w), l);
    assert.ok(f('self', 'typescript') < 0.1, `self in TypeScript: ${f('self', 'typescript')}`);
    assert.ok(f('Catherine', 'rust') < 0.1);
    assert.equal(f('Catherine', 'text'), 1);
    assert.equal(f('self', 'python'), 1);
    assert.equal(f('function', 'typescript'), 1);
    assert.ok(f('value', 'typescript') > 0.5, 'a word of every language is not foreign to any');
    assert.equal(f('self', 'other'), 1);
    assert.equal(f('self', 'go'), 1, 'a language the corpus lacks changes nothing');
    assert.equal(counts.factor(-1, 'rust'), 1);
    for (let id = 0; id < ngram.vocabulary.size; id++) for (const l of ['python', 'rust', 'typescript', 'text'] as const) {
      const x = counts.factor(id, l);
      assert.ok(x > 0 && x <= 1, `${ngram.vocabulary.token(id)} in ${l}: ${x}`);
    }
  });

  it('round-trips through its file and names a corrupt one', () => {
    const back = LanguageCounts.decode(counts.encode(), 'words-languages.bin');
    for (let id = 0; id < ngram.vocabulary.size; id++) assert.equal(back.factor(id, 'rust'), counts.factor(id, 'rust'));
    const bytes = counts.encode();
    assert.throws(() => LanguageCounts.decode(bytes.subarray(0, bytes.length >> 1), 'x/words-languages.bin'), /x\/words-languages\.bin is not a word-language counts file/);
    assert.throws(() => WordMemory.of(NgramModel.train(['a b c'], { order: 2, minCount: 1 }), undefined, counts), /language counts are for/);
  });

  it('the memory offers the document\'s language first, and without a language exactly as before', () => {
    const plain = WordMemory.of(ngram, undefined)!;
    const withCounts = WordMemory.of(ngram, undefined, counts)!;
    const history = ['return', 'self', '.'];
    const before = plain.query(history, 'val', 5);
    assert.deepEqual(withCounts.query(history, 'val', 5).words, before.words);
    assert.deepEqual(withCounts.query(history, 'val', 5, 'other').words, before.words);
    // After `s` in TypeScript, `self` (Python and Rust) falls below `set` (seen in TypeScript and prose).
    const ts = withCounts.query(['const', 'x', '='], 's', 5, 'typescript');
    const py = withCounts.query(['const', 'x', '='], 's', 5, 'python');
    assert.ok(ts.prob('self') < 0.1 * plain.query(['const', 'x', '='], 's', 5).prob('self'));
    assert.equal(py.prob('self'), plain.query(['const', 'x', '='], 's', 5).prob('self'));
    assert.equal(ts.total, plain.query(['const', 'x', '='], 's', 5).total, 'the mass taken from foreign words is not handed out');
    for (const q of [ts, py]) for (let i = 1; i < q.words.length; i++) assert.ok(q.words[i - 1].p >= q.words[i].p);
  });

  it('a model folder keeps words-languages.bin beside words.bin, and completion uses it', async function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-wordlang-'));
    try {
      const tiny = loadModelFolder(await tinyModelDir());
      saveModelFolder(dir, { cfg: tiny.cfg, weights: tiny.weights, tokenizerJSON: tiny.tokenizerJSON, words: ngram.encode(5), wordLanguages: counts.encode() });
      assert.ok(fs.existsSync(path.join(dir, 'words-languages.bin')));
      const lm = await LanguageModel.load(dir);
      assert.ok(lm.memory);
      await lm.dispose();
      const engine = new Engine();
      await engine.load(dir);
      const text = 'x = s';
      const options = { maxItems: 8, inlineMinProbability: 1, inlineNextWords: false };
      const ts = await engine.complete('a', { keep: 0, append: text, length: text.length, language: 'typescript' }, options);
      const py = await engine.complete('b', { keep: 0, append: text, length: text.length, language: 'python' }, options);
      const p = (r: typeof ts, w: string) => r.items.find((i) => i.word === w)?.probability ?? 0;
      assert.ok(p(py, 'self') > 0, JSON.stringify(py.items));
      assert.ok(p(ts, 'self') < p(py, 'self'), `${p(ts, 'self')} vs ${p(py, 'self')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
