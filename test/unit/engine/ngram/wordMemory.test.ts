import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../../src/engine/runtime/engine';
import { WordMemory } from '../../../../src/engine/ngram/wordMemory';
import { isCompletionWord } from '../../../../src/engine/text/words';
import { tinyModelDir } from '../../helpers/tinyModel';

describe('WordMemory', function () {
  this.timeout(60_000);
  const train = () => NgramModel.train(['const total = 1;\nconst totem = total;\nlet tot = totalize(total);\n'.repeat(3), 'return total;\n'], { order: 3, minCount: 1, pruneBelow: 1 });
  const corpus = train();

  it('offers the words that continue the prefix, never the prefix itself, and sums their probability', () => {
    const memory = new WordMemory(corpus);
    const q = memory.query(['const', 'x', '='], 'tot', 10);
    assert.deepEqual(q.words.map((w) => w.word).sort(), ['totalize', 'total', 'totem'].sort());
    assert.equal(q.prob('tot'), 0);
    assert.equal(q.prob('const'), 0);
    const expected = corpus.vocabulary.toArray().filter((w) => w.startsWith('tot') && w !== 'tot' && isCompletionWord(w)).reduce((s, w) => s + corpus.prob(['x', '='], w), 0);
    assert.ok(Math.abs(q.total - expected) < 1e-12, `${q.total} vs ${expected}`);
    for (let i = 1; i < q.words.length; i++) assert.ok(q.words[i - 1].p >= q.words[i].p);
  });

  it('with nothing typed, finds the best words and their total without scoring every word', () => {
    const memory = new WordMemory(corpus);
    for (const history of [['const', 'x', '='], ['\n'], ['let', 'tot'], ['nope', 'nope']]) {
      const words = corpus.vocabulary.toArray().filter(isCompletionWord);
      const probs = new Map(words.map((w) => [w, corpus.prob(history, w)]));
      const best = [...probs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
      const q = memory.query(history, '', 3);
      assert.deepEqual(q.words.map((w) => w.p), best.map(([, p]) => p), JSON.stringify(history));
      const total = [...probs.values()].reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(q.total - total) < 1e-9, `${q.total} vs ${total}`);
      for (const [w, p] of probs) assert.ok(Math.abs(q.prob(w) - p) < 1e-12, w);
    }
  });

  it('built ahead, one step per idle turn, answers with nothing typed as one built on first use; it stops once unwanted', async () => {
    const cold = new WordMemory(train());
    const warmed = new WordMemory(train(), new Map([['prose', train()]]));
    let idles = 0;
    await warmed.warm(async () => void idles++, () => true);
    assert.equal(idles, 6, 'three steps for each of its two memories (no context of theirs is big)');
    for (const history of [['const', 'x', '='], ['\n'], ['nope']]) {
      const [a, b] = [warmed.query(history, '', 5), cold.query(history, '', 5)];
      assert.deepEqual(a.words, b.words);
      assert.equal(a.total, b.total);
    }
    let asked = 0;
    await new WordMemory(train(), new Map([['prose', train()]])).warm(async () => void asked++, () => asked < 2);
    assert.equal(asked, 2, 'no idle turn is awaited after it is no longer wanted');
  });

  it("mixes in its kind's memory for a prose document, and only there", () => {
    const prose = NgramModel.train(['the total of the tour was told to the town.\n'.repeat(3)], { order: 3, minCount: 1, pruneBelow: 1 });
    const memory = new WordMemory(corpus, new Map([['prose', prose]]));
    const history = ['of', 'the'];
    const all = new WordMemory(corpus).query(history, 'to', 10);
    for (const language of ['typescript', 'other'] as const) assert.deepEqual(memory.query(history, 'to', 10, language, 0.75).words, all.words);
    for (const language of ['markdown', 'text'] as const) {
      const q = memory.query(history, 'to', 10, language, 0.75);
      const own = new WordMemory(prose).query(history, 'to', 10);
      // Words of either memory, by the mixture, which sums as its parts do.
      for (const word of ['tour', 'told', 'town', 'total', 'totem', 'totalize']) {
        assert.ok(Math.abs(q.prob(word) - (0.75 * own.prob(word) + 0.25 * all.prob(word))) < 1e-12, word);
      }
      assert.ok(Math.abs(q.total - (0.75 * own.total + 0.25 * all.total)) < 1e-12);
      assert.ok(q.words.some((w) => w.word === 'tour') && q.words.some((w) => w.word === 'totem'));
      for (let i = 1; i < q.words.length; i++) assert.ok(q.words[i - 1].p >= q.words[i].p);
      for (const w of q.words) assert.equal(w.p, q.prob(w.word));
    }
  });

  it('completes with a word the model folder remembers though neither the document nor the network knows it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-memory-'));
    try {
      for (const name of fs.readdirSync(await tinyModelDir())) fs.copyFileSync(path.join(await tinyModelDir(), name), path.join(dir, name));
      const text = 'const app = express();\napp.use(zqxWidgetFactory);\n';
      fs.writeFileSync(path.join(dir, 'words.bin'), NgramModel.train([text.repeat(5)], { order: 3, minCount: 1 }).encode());
      const typed = 'const server = express();\nserver.use(zqx';
      const ask = async (modelDir: string) => {
        const engine = new Engine();
        try {
          await engine.load(modelDir);
          return (await engine.complete('doc', { keep: 0, append: typed, length: typed.length }, defaultCompleteOptions())).items.map((i) => i.word);
        } finally {
          await engine.dispose();
        }
      };
      assert.equal((await ask(dir))[0], 'zqxWidgetFactory');
      assert.ok(!(await ask(await tinyModelDir())).includes('zqxWidgetFactory'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("offers a prose document its kind's memory's words, and code not", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-memory-'));
    try {
      for (const name of fs.readdirSync(await tinyModelDir())) fs.copyFileSync(path.join(await tinyModelDir(), name), path.join(dir, name));
      fs.writeFileSync(path.join(dir, 'words.bin'), NgramModel.train(['const app = express();\n'.repeat(5)], { order: 3, minCount: 1 }).encode());
      fs.writeFileSync(path.join(dir, 'words.prose.bin'), NgramModel.train(['Read the zqxHandbook first.\n'.repeat(5)], { order: 3, minCount: 1 }).encode());
      const typed = 'Please read the zqx';
      const engine = new Engine();
      try {
        await engine.load(dir);
        const ask = async (doc: string, language: 'markdown' | 'typescript') =>
          (await engine.complete(doc, { keep: 0, append: typed, length: typed.length, language }, defaultCompleteOptions())).items.map((i) => i.word);
        assert.equal((await ask('notes.md', 'markdown'))[0], 'zqxHandbook');
        assert.ok(!(await ask('notes.ts', 'typescript')).includes('zqxHandbook'));
      } finally {
        await engine.dispose();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
