// The language token end to end: a model folder without language tokens scores and completes exactly
// as before whatever language it is told; one extended with them (model/extendVocabulary, as
// scripts/research/addLanguageTokens.ts does) round-trips and reads <|doc|> <|lang:…|> before the text in
// scoring, `recurrent eval`, completion and learning alike.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCacheScoreModel, defaultNeuralCache, extendVocabulary, loadModelFolder, saveModelFolder } from '../../../../src/engine/model';
import { mulberry32 } from '../../../../src/engine/random';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { Engine } from '../../../../src/engine/runtime/engine';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { createSession } from '../../../../src/engine/onnx/ortSession';
import { LANGUAGES, Tokenizer } from '../../../../src/engine/tokenizer';
import { scoreDocuments, scoreGraphOf } from '../../../../src/engine/training/evaluate';
import { DynamicLearner } from '../../../../src/engine/training/dynamicEval';
import { evaluateFolder } from '../../../../src/engine/training/evaluateFolder';
import { maxAbsDiff } from '../../helpers/arrays';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

const completeOptions = { ...defaultCompleteOptions(), inlineMinProbability: 0.3 };

describe('language tokens', function () {
  this.timeout(180_000);
  let plainDir: string;
  let langDir: string;
  const text = sampleFiles().map((f) => f.text).find((t) => t.length > 3000)!.slice(0, 2500);

  before(async () => {
    plainDir = await tinyModelDir();
    const folder = loadModelFolder(plainDir);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    const extended = extendVocabulary(folder.cfg, folder.weights, LANGUAGES.length, tokenizer.docStartId);
    // Untrained copies of <|doc|> would all act alike: give each language row its own values, as
    // training will, so that telling the language visibly matters.
    const embed = extended.weights.get('embed')!.data;
    const random = mulberry32(5);
    for (let i = folder.cfg.vocabSize * folder.cfg.embedSize; i < embed.length; i++) embed[i] = random() - 0.5;
    langDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-lang-'));
    saveModelFolder(langDir, { cfg: extended.cfg, weights: extended.weights, tokenizerJSON: tokenizer.withLanguageTokens().toJSON(), words: folder.words });
  });
  after(() => fs.rmSync(langDir, { recursive: true, force: true }));

  it('extending a folder keeps every old weight and round-trips through save and load', () => {
    const plain = loadModelFolder(plainDir);
    const lang = loadModelFolder(langDir);
    assert.equal(lang.cfg.vocabSize, plain.cfg.vocabSize + LANGUAGES.length);
    const V = plain.cfg.vocabSize;
    const E = plain.cfg.embedSize;
    assert.deepEqual(lang.weights.get('embed')!.data.subarray(0, V * E), plain.weights.get('embed')!.data);
    const bias = lang.weights.get('out.b')!.data;
    assert.deepEqual(bias.subarray(0, V), plain.weights.get('out.b')!.data);
    assert.ok(bias.subarray(V).every((b) => b === Math.min(...plain.weights.get('out.b')!.data)));
    for (const name of plain.weights.keys()) if (name !== 'embed' && name !== 'out.b') assert.deepEqual(lang.weights.get(name)!.data, plain.weights.get(name)!.data, name);
    const tokenizer = Tokenizer.fromJSON(lang.tokenizerJSON);
    assert.deepEqual([...tokenizer.languageIds.values()], LANGUAGES.map((_, i) => V + i));
    // Rows copied from <|doc|>: before any training the model scores as it did.
    const doc = Tokenizer.fromJSON(plain.tokenizerJSON).docStartId;
    const fresh = extendVocabulary(plain.cfg, plain.weights, LANGUAGES.length, doc).weights.get('embed')!.data;
    assert.deepEqual(fresh.subarray(V * E, (V + 1) * E), plain.weights.get('embed')!.data.subarray(doc * E, (doc + 1) * E));
  });

  it('a folder without language tokens scores and completes exactly as before, whatever the language', async () => {
    const folder = loadModelFolder(plainDir);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    // The score graph with the neural cache, as the engine scores.
    const session = await createSession(buildCacheScoreModel(folder.cfg, folder.weights, defaultNeuralCache()), 1);
    const graph = scoreGraphOf(session, folder.cfg, defaultNeuralCache());
    const ids = tokenizer.encode(text);
    // Documents without `start`, as every caller made them before language tokens existed.
    const before = await scoreDocuments(graph, tokenizer.docStartId, [{ ids, chars: text.length }], { lanes: 1 });
    await session.release();
    const engine = new Engine();
    await engine.load(plainDir);
    for (const language of [undefined, 'python', 'typescript'] as const) {
      const s = await engine.score(text, 0, undefined, language);
      assert.equal(s.bitsPerChar, before.nats / Math.LN2 / text.length);
    }
    const a = await engine.complete('a', { keep: 0, append: text, length: text.length }, completeOptions);
    // Closed, so that b has no other open document to draw words from that a did not have.
    engine.close('a');
    const b = await engine.complete('b', { keep: 0, append: text, length: text.length, language: 'go' }, completeOptions);
    assert.deepEqual(b, a);
    const files = [{ path: 'x.py', text }, { path: 'y.md', text }];
    const byPath = await evaluateFolder(plainDir, files, { threads: 1 });
    const allOther = await evaluateFolder(plainDir, files, { threads: 1, language: () => 'other' });
    assert.equal(byPath.bitsPerChar, allOther.bitsPerChar);
  });

  it('a folder with language tokens reads <|doc|> <|lang:…|> first, in scoring, eval and completion', async () => {
    const lm = await LanguageModel.load(langDir);
    try {
      const tokenizer = lm.tokenizer;
      const ids = tokenizer.encode(text);
      const start = tokenizer.documentStart('python');
      assert.deepEqual(start, [tokenizer.docStartId, tokenizer.languageIds.get('python')]);
      const reference = await scoreDocuments(lm.scoreGraph, tokenizer.docStartId, [{ ids, chars: text.length, start }], { lanes: 1 });
      const engine = new Engine();
      await engine.load(langDir);
      const python = await engine.score(text, 0, undefined, 'python');
      const go = await engine.score(text, 0, undefined, 'go');
      assert.ok(Math.abs(python.bitsPerChar - reference.nats / Math.LN2 / text.length) < 1e-9);
      assert.notEqual(python.bitsPerChar, go.bitsPerChar);
      // `recurrent eval` tells each file its language by extension.
      const evalPy = await evaluateFolder(langDir, [{ path: 'a/b.py', text }], { threads: 1 });
      assert.ok(Math.abs(evalPy.bitsPerChar - python.bitsPerChar) < 1e-6);

      // Completion: the state before the cursor is the one after <|doc|> <|lang:python|> and the text.
      const doc = new DocumentState(lm, text, { language: 'python' });
      const ctx = await doc.completionContext();
      const expected = await lm.advance([...start, ...ids.slice(0, ctx.headTokens)], lm.zeroState());
      assert.ok(maxAbsDiff(ctx.state, expected) < 1e-4);
      const short = text.slice(0, 40);
      const [py, other] = await Promise.all([new DocumentState(lm, short, { language: 'python' }).completionContext(), new DocumentState(lm, short).completionContext()]);
      assert.ok(maxAbsDiff(py.state, other.state) > 1e-3, 'the language changes the state');
      // A document whose language mode changes is read again from its start with the new token.
      const viaEngine = await engine.complete('d', { keep: 0, append: text, length: text.length, language: 'go' }, completeOptions);
      const switched = await engine.complete('d', { keep: text.length, append: '', length: text.length, language: 'python' }, completeOptions);
      engine.close('d');
      const fresh = await engine.complete('e', { keep: 0, append: text, length: text.length, language: 'python' }, completeOptions);
      assert.deepEqual(switched.items, fresh.items);
      assert.ok(viaEngine.items.length > 0);
      // Empty document: the first token's distribution comes from the state after both start tokens.
      const empty = await new DocumentState(lm, '', { language: 'python' }).completionContext();
      assert.ok(maxAbsDiff(empty.state, await lm.advance(start, lm.zeroState())) < 1e-4);
    } finally {
      await lm.dispose();
    }
  });

  it('learning while the user works reads a text after its language token, as training does', async () => {
    const folder = loadModelFolder(langDir);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    const ids = tokenizer.encode(text);
    const learnedFrom = async (start?: readonly number[]) => {
      const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 1e-2, decay: 0 });
      try {
        assert.ok((await learner.learn({ ids, start })).steps > 0);
        return learner.weights.get('l0.W')!.data.slice();
      } finally {
        await learner.dispose();
      }
    };
    const python = await learnedFrom(tokenizer.documentStart('python'));
    // Told another language, the same text teaches other weights; told none, it is read after <|doc|> alone.
    assert.ok(maxAbsDiff(python, await learnedFrom(tokenizer.documentStart('go'))) > 0);
    assert.deepEqual(await learnedFrom(undefined), await learnedFrom([tokenizer.docStartId]));
  });
});
