import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel, SEARCH_TOP_K } from '../../../../src/engine/runtime/languageModel';
import { coversAhead, defaultSearchOptions, fittingTokens, SearchMemo, searchWords } from '../../../../src/engine/runtime/wordSearch';
import { defaultCachePriors } from '../../../../src/engine/runtime/documentCache';
import { WordMemory } from '../../../../src/engine/ngram/wordMemory';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { cacheWeights, CachePriors } from '../../../../src/engine/text/cacheMixture';
import { IDENTIFIER } from '../../../../src/engine/text/identifier';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';
import { assertConsistent } from '../../robustness/consistency';
import { syncText } from '../../helpers/syncText';

describe('searchWords', function () {
  this.timeout(120_000);
  let lm: LanguageModel;
  before(async () => {
    lm = await LanguageModel.load(await tinyModelDir());
  });
  after(() => lm.dispose());

  async function complete(text: string, priors: CachePriors | null = defaultCachePriors(), maxItems = 8) {
    const doc = new DocumentState(lm, text);
    const ctx = await doc.completionContext();
    // Without priors the model ranks alone, still scoring the document's words exactly.
    const cacheFor = (typed: string) => {
      const query = doc.documentCache().query(typed, priors ?? defaultCachePriors(), maxItems);
      return priors ? query : { words: query.words.map((w) => ({ ...w, weight: 0 })), total: 0, modelWeight: 1 };
    };
    return searchWords(lm, ctx, { ...defaultSearchOptions(), cacheFor, maxItems });
  }

  it('proposes only whole identifiers that continue what is typed, most probable first', async () => {
    const text = sampleFiles()[1].text;
    for (let cut = 200; cut < 6000; cut += 397) {
      const result = await complete(text.slice(0, cut));
      assertConsistent(text.slice(0, cut), result, `at ${cut}`);
    }
  });

  it('ranks an identifier seen only in this document, by the model alone too', async () => {
    const text = 'const zqxWidgetFactory = make();\nzqxWidgetFactory.start();\nif (ready) zqx';
    for (const priors of [null, defaultCachePriors()]) {
      const result = await complete(text, priors, 50);
      assert.equal(result.typed, 'zqx');
      assert.ok(result.items.some((i) => i.word === 'zqxWidgetFactory'), JSON.stringify(result.items));
    }
  });

  it('mixes in the document cache by its Dirichlet weights, then normalizes over the words that continue the typed one', async () => {
    // Before 'tot': 17 tokens; '=' (the token before 'tot') was followed by '1' and 'total';
    // 'total' occurs twice, 'totals' once.
    const doc = new DocumentState(lm, 'let total = 1;\nlet x = total + totals;\nlet y = tot');
    const ctx = await doc.completionContext();
    const priors = { unigramPrior: 20, bigramPrior: 2 };
    const cache = doc.documentCache().query('tot', priors, 10);
    const w = cacheWeights(17, 2, priors);
    assert.deepEqual(cache.words.map((x) => x.word), ['total', 'totals']);
    assert.ok(Math.abs(cache.words[0].weight - (w.bigram + 2 * w.unigram)) < 1e-12);
    assert.ok(Math.abs(cache.words[1].weight - w.unigram) < 1e-12);
    assert.ok(Math.abs(cache.total - (w.bigram + 3 * w.unigram)) < 1e-12 && cache.modelWeight === w.model);

    // The same search without the cache's weights: the model alone, P(w | typed) = plain(w).
    const options = { ...defaultSearchOptions(), maxItems: 1000 };
    const mixed = await searchWords(lm, ctx, { ...options, cacheFor: () => cache });
    const plain = await searchWords(lm, ctx, { ...options, cacheFor: () => ({ words: cache.words.map((x) => ({ ...x, weight: 0 })), total: 0, modelWeight: 1 }) });
    // Joint mixing then conditioning on the typed word gives, for a k in (0, 1) that depends on the
    // model's mass of words continuing 'tot': mixed(w) = k·plain(w) + (1 − k)·weight(w) / Σ weight.
    const uncached = plain.items.find((i) => !cache.words.some((x) => x.word === i.word))!;
    const k = mixed.items.find((i) => i.word === uncached.word)!.probability / uncached.probability;
    assert.ok(k > 0 && k < 1, `k = ${k}`);
    assert.equal(mixed.items.length, plain.items.length);
    for (const item of plain.items) {
      const weight = cache.words.find((x) => x.word === item.word)?.weight ?? 0;
      const got = mixed.items.find((i) => i.word === item.word)!.probability;
      assert.ok(Math.abs(got - (k * item.probability + ((1 - k) * weight) / cache.total)) < 1e-9, `${item.word}: ${got}`);
    }
    assert.equal(mixed.items[0].word, 'total');
  });

  it('mixes in the word memory as joint probabilities, then normalizes over the words that continue the typed one', async () => {
    // A memory that knows words the tiny model has rarely seen: 'totalizer' follows '=' often.
    const memory = new WordMemory(NgramModel.train(['a = totalizer;\nb = totalizer;\nc = total + totem;\n'], { order: 2, minCount: 1, pruneBelow: 1 }));
    const doc = new DocumentState(lm, 'let x = 1;\nlet y = tot');
    const ctx = await doc.completionContext();
    const query = memory.query(doc.documentCache().history(), 'tot', 10);
    assert.deepEqual(query.words.map((w) => w.word), ['totalizer', 'total', 'totem']);
    // Both searches score the memory's words with the model; only the first mixes the memory in.
    const scoreOnly = () => ({ words: query.words.map((w) => ({ word: w.word, weight: 0 })), total: 0, modelWeight: 1 });
    const options = { ...defaultSearchOptions(), maxItems: 1000, memoryWeight: 0.4, cacheFor: scoreOnly };
    const mixed = await searchWords(lm, ctx, { ...options, memoryFor: (prefix) => memory.query(doc.documentCache().history(), prefix, 10) });
    const plain = await searchWords(lm, ctx, options);
    // As with the cache: mixed(w) = k·plain(w) + (1 − k)·P_memory(w) / Σ P_memory, k in (0, 1).
    const unknown = plain.items.find((i) => query.prob(i.word) === 0)!;
    const k = mixed.items.find((i) => i.word === unknown.word)!.probability / unknown.probability;
    assert.ok(k > 0 && k < 1, `k = ${k}`);
    const again = memory.query(doc.documentCache().history(), 'tot', 10);
    for (const item of plain.items) {
      const got = mixed.items.find((i) => i.word === item.word)!.probability;
      assert.ok(Math.abs(got - (k * item.probability + ((1 - k) * again.prob(item.word)) / again.total)) < 1e-9, `${item.word}: ${got}`);
    }
    assert.equal(mixed.items[0].word, 'totalizer');
  });

  it('completes the whole identifier when the cursor is inside a camelCase word', async () => {
    const result = await complete('const el = document.getElementById(x);\nconst other = document.getEl');
    assert.equal(result.typed, 'getEl');
    assert.ok(result.items.every((i) => i.word.startsWith('getEl')), JSON.stringify(result.items));
    assert.ok(result.items.some((i) => i.word === 'getElementById'), JSON.stringify(result.items));
  });

  it('handles Unicode identifiers, CRLF, and a cursor after punctuation', async () => {
    const unicode = await complete('const größe = 1;\r\nlet grö');
    assert.equal(unicode.typed, 'grö');
    assert.ok(unicode.items.every((i) => i.word.startsWith('grö')));
    assert.ok(unicode.items.some((i) => i.word === 'größe'));
    const afterDot = await complete('app.');
    assert.equal(afterDot.typed, '');
    assert.ok(afterDot.items.length && afterDot.items.every((i) => IDENTIFIER.test(i.word)));
  });

  it('completes identifiers that hold `$`, where the pre-tokenizer ends a word piece', async () => {
    // After `foo$` the partial piece is empty and the whole typed word lies in the head.
    const dollar = await complete('let foo$bar = 1, foo$baz = 2;\nfoo$bar = foo$');
    assertConsistent('let foo$bar = 1, foo$baz = 2;\nfoo$bar = foo$', dollar);
    assert.ok(dollar.items.some((i) => i.word === 'foo$bar'), JSON.stringify(dollar.items));
    const scope = await complete('const $scope = get();\n$sc');
    assert.equal(scope.typed, '$sc');
    assert.ok(scope.items.some((i) => i.word === '$scope'), JSON.stringify(scope.items));
  });

  it('proposes nothing inconsistent on a very long line', async () => {
    const result = await complete('x'.repeat(20_000) + ' foo');
    assert.ok(result.items.every((i) => i.word.startsWith('foo')));
  });

  it('reads word and end masses and the best word tokens from the graph as a pass over the row finds them', async () => {
    const ids = lm.tokenizer.encode(sampleFiles()[0].text.slice(0, 400));
    const { predictions } = await lm.step(ids, 1, lm.zeroState());
    for (const p of predictions) {
      let word = 0;
      let end = 0;
      const words: number[] = [];
      p.logProbs.forEach((l, t) => {
        if (lm.tokens.wordToken[t]) { word += Math.exp(l); words.push(t); }
        if (lm.tokens.boundaryToken[t]) end += Math.exp(l);
      });
      assert.ok(Math.abs(p.wordLogMass - Math.log(word)) < 1e-4 && Math.abs(p.endLogMass - Math.log(end)) < 1e-4);
      words.sort((a, b) => p.logProbs[b] - p.logProbs[a]);
      assert.deepEqual([...p.topLogProbs], words.slice(0, SEARCH_TOP_K).map((t) => p.logProbs[t]));
      assert.ok([...p.topIds].every((t) => lm.tokens.wordToken[t] === 1));
    }
  });

  it('asks the graph for exactly the log-probabilities that a whole row holds', async () => {
    const ids = lm.tokenizer.encode(sampleFiles()[0].text.slice(0, 200)).slice(0, 24);
    const state = lm.zeroState(2);
    const full = await lm.step(ids, 2, state);
    const asked = ids.map((_, r) => (r % 3 === 0 ? [] : Array.from({ length: 1 + (r % 5) }, (_, i) => (r * 37 + i * 101) % lm.cfg.vocabSize)));
    const got = await lm.ask(ids, 2, state, asked);
    assert.deepEqual(got.state, full.state);
    got.predictions.forEach((p, r) => {
      const whole = full.predictions[r];
      assert.deepEqual(Array.from(p.askedIds), asked[r]);
      assert.deepEqual([...p.askedLogProbs], asked[r].map((t) => whole.logProbs[t]));
      assert.deepEqual([p.wordLogMass, p.endLogMass, [...p.topIds], [...p.topLogProbs]], [whole.wordLogMass, whole.endLogMass, [...whole.topIds], [...whole.topLogProbs]]);
    });
  });

  it('reuses a row asked for the tokens that fit the bytes ahead only when it holds every token that fits now', () => {
    const utf8 = new TextEncoder();
    const typedText = fc.stringMatching(/^ ?[a-eA-E_$]{0,6}$/);
    fc.assert(
      fc.property(typedText, typedText, fc.nat(7), (a, b, cut) => {
        const [was, now] = [utf8.encode(a), utf8.encode(b)];
        const k = Math.min(cut, was.length, now.length);
        if (!was.subarray(0, k).every((x, i) => x === now[i])) return;
        const beam = now.subarray(0, k);
        if (!coversAhead(was.subarray(k), now.subarray(k))) return;
        const asked = new Set(fittingTokens(lm.tokens, beam, was));
        for (const t of fittingTokens(lm.tokens, beam, now)) assert.ok(asked.has(t), `token ${t} fits ${JSON.stringify(b)} after ${k} bytes, not ${JSON.stringify(a)}`);
      }),
      { numRuns: 2000 },
    );
    // Typing on inside the word keeps what was asked; a backspace or a new word asks again.
    const ahead = (s: string) => utf8.encode(s);
    assert.ok(coversAhead(ahead('ab'), ahead('abc')) && coversAhead(ahead('ab'), ahead('')) && coversAhead(ahead('ab'), ahead('ab')));
    assert.ok(!coversAhead(ahead('abc'), ahead('ab')) && !coversAhead(ahead(''), ahead('a')) && !coversAhead(ahead('ab'), ahead('ab.')));
  });

  /** Counts the model runs of `fn`'s searches; with `wholeRows`, asked rows come with the whole row, which the search then walks. */
  async function countingRuns<T>(fn: (runs: () => number) => Promise<T>, wholeRows = false): Promise<T> {
    const { step, ask } = lm;
    let runs = 0;
    lm.step = (...args) => ((runs += 1), step.apply(lm, args));
    const whole: typeof ask = async (tokens, batch, state, asked) => {
      const out = await step.call(lm, tokens, batch, state);
      const predictions = out.predictions.map((p, r) => ({ ...p, askedIds: asked[r], askedLogProbs: Float32Array.from(asked[r], (t) => p.logProbs[t]) }));
      return { ...out, predictions };
    };
    lm.ask = (...args) => ((runs += 1), (wholeRows ? whole : ask).apply(lm, args));
    try {
      return await fn(() => runs);
    } finally {
      lm.step = step;
      lm.ask = ask;
    }
  }

  // Forward through a stretch of code, then back over a word (backspace), then forward again.
  const typing = (n: number) => [...Array.from({ length: 200 }, (_, k) => n + k), ...Array.from({ length: 8 }, (_, k) => n + 198 - k), ...Array.from({ length: 8 }, (_, k) => n + 191 + k)];

  it('a memo kept across keystrokes gives the words of a fresh search with fewer model runs, and of a search on whole rows', async () => {
    const text = sampleFiles()[2].text.slice(0, 1500);
    const doc = new DocumentState(lm, text.slice(0, 1300));
    const memo = new SearchMemo();
    let runsFresh = 0;
    let runsMemo = 0;
    for (const i of typing(1300)) {
      syncText(doc, text.slice(0, i));
      const ctx = await doc.completionContext();
      const options = { ...defaultSearchOptions(), cacheFor: (typed: string) => doc.documentCache().query(typed, defaultCachePriors(), 8) };
      const whole = await countingRuns(() => searchWords(lm, ctx, options), true);
      const fresh = await countingRuns(async (runs) => {
        const r = await searchWords(lm, ctx, options);
        runsFresh += runs();
        return r;
      });
      const kept = await countingRuns(async (runs) => {
        const r = await searchWords(lm, ctx, { ...options, memo });
        runsMemo += runs();
        return r;
      });
      for (const [name, other] of [['fresh', fresh], ['on whole rows', whole]] as const) {
        assert.deepEqual(kept.items.map((x) => x.word), other.items.map((x) => x.word), `${name}, at ${i}`);
        kept.items.forEach((x, k) => assert.ok(Math.abs(x.probability - other.items[k].probability) < 1e-6, `${name}, at ${i}`));
      }
    }
    // Typing on inside a word reruns few paths; each new word starts afresh (about 0.6 here).
    assert.ok(runsMemo < 0.75 * runsFresh, `${runsMemo} model runs with the memo, ${runsFresh} without`);
  });
});
