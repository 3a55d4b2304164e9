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
  const corpus = NgramModel.train(['const total = 1;\nconst totem = total;\nlet tot = totalize(total);\n'.repeat(3), 'return total;\n'], { order: 3, minCount: 1, pruneBelow: 1 });

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
});
