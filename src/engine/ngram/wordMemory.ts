// The words of the text a model learned from, kept as a word-level Kneser–Ney trigram beside it
// (words.bin); the workspace's own words are the project memory's (runtime/projectMemory). A network
// of two million weights cannot remember every rare identifier of a hundred megabytes of code; counts can, and completion mixes the two (see wordSearch).
// Hellendoorn & Devanbu (FSE 2017) found the same of neural models of code: they gain most with
// an n-gram and a cache of the file beside them.
import { NgramModel } from './ngramModel';
import { thresholdTop } from './thresholdTop';
import type { NgramOptions } from './ngramEstimate';
import { isCompletionWord } from '../text/words';
import { Language, WordMemoryKind, wordMemoryKindOf } from '../tokenizer';

/**
 * The corpus memory: a trigram of the words seen at least twice, without the bigrams and trigrams
 * seen once. Chosen with scripts/research/tuneCache.ts (README, Results): 11.8 MB compressed for the 95 MB
 * of the base model's training text, within 0.2 points of keystrokes saved of keeping every
 * bigram (13.3 MB) and 0.3 better than dropping the words seen fewer than 4 times (10.4 MB).
 */
export function corpusMemoryOptions(): NgramOptions {
  return { order: 3, minCount: 2, pruneBelow: 2, pruneLowerBelow: 2 };
}

/**
 * The memory of one kind of text (words.<kind>.bin): as the corpus memory, but without the bigrams
 * seen fewer than 3 times, which keeps the model folder within its 25 MB. On the tuning Markdown
 * (the corpus's 43 held-out Markdown files, 1,682 words; scripts/research/tuneCache.ts) the prose
 * memory of every bigram (2.55 MB) saved 41.1% of keystrokes, this one (2.21 MB) 41.0%, one
 * without the trigrams seen fewer than 3 times (1.81 MB) 40.7%, none 40.1%.
 */
export function kindMemoryOptions(): NgramOptions {
  return { ...corpusMemoryOptions(), pruneLowerBelow: 3 };
}

/**
 * A document of a kind with a memory of its own (tokenizer/language WORD_MEMORY_KINDS: Markdown and
 * plain text, prose) draws on P(w) = share·P_kind(w) + (1 − share)·P_all(w). On the tuning Markdown,
 * with the prose memory of every bigram, shares 0, 0.5, 0.75 and 1 saved 40.1, 40.9, 41.1 and
 * 41.0% of keystrokes (MRR at one typed character 54.1, 55.1, 55.4, 55.1%).
 */
export const KIND_SHARE = 0.75;

/** What the memory says of the words that continue a prefix after the last tokens of a document. */
export interface WordMemoryQuery {
  /** The most probable words that continue the prefix (never the prefix itself), best first. */
  readonly words: readonly { readonly word: string; readonly p: number }[];
  /** Σ P(w | history) over every word that continues the prefix. */
  readonly total: number;
  /** P(word | history); 0 for a word that does not continue the prefix or that the memory lacks. */
  prob(word: string): number;
}

export class WordMemory {
  /** How many distinct words the memory holds (for Show Model Info). */
  readonly words: number;

  /** `kinds`: the memories of kinds of text (words.<kind>.bin), mixed in for their documents. */
  constructor(private readonly ngram: NgramModel, private readonly kinds: ReadonlyMap<WordMemoryKind, NgramModel> = new Map()) {
    // Less <s> and <unk>.
    this.words = ngram.vocabulary.size - 2;
  }

  /**
   * Builds, one step per `idle()`, the tables that the first queries at a word's start would build
   * on keystrokes (about 300 ms for the base model's memories); stops when `wanted()` turns false.
   */
  async warm(idle: () => Promise<void>, wanted: () => boolean): Promise<void> {
    for (const m of [this.ngram, ...this.kinds.values()]) {
      const steps = m.warm();
      do {
        await idle();
        if (!wanted()) return;
      } while (!steps.next().done);
    }
  }

  /**
   * `history`: the document's last tokens (text/incrementalLexer), oldest first; `language`: the
   * document's, whose kind's memory takes `kindShare` of the mixture (the engine's, KIND_SHARE). The answer is valid until
   * the next query: it reads the n-grams' scratch.
   */
  query(history: readonly string[], prefix: string, limit: number, language?: Language, kindShare = 0): WordMemoryQuery {
    const all = queryOne(this.ngram, history, prefix, limit);
    const kind = language && wordMemoryKindOf(language);
    const own = kind && kindShare > 0 && this.kinds.get(kind);
    return own ? mixQueries(queryOne(own, history, prefix, limit), all, kindShare, limit) : all;
  }
}

/** share·a + (1 − share)·b; its words are the best of the two lists' words by the mixture. */
function mixQueries(a: WordMemoryQuery, b: WordMemoryQuery, share: number, limit: number): WordMemoryQuery {
  const prob = (word: string) => share * a.prob(word) + (1 - share) * b.prob(word);
  const words = [...new Set([...a.words, ...b.words].map((w) => w.word))]
    .map((word) => ({ word, p: prob(word) }))
    .sort((x, y) => y.p - x.p || (x.word < y.word ? -1 : 1))
    .slice(0, limit);
  return { words, total: share * a.total + (1 - share) * b.total, prob };
}

function queryOne(m: NgramModel, history: readonly string[], prefix: string, limit: number): WordMemoryQuery {
  const ids = history.map((t) => m.id(t));
  if (prefix === '') {
    // Every word is a candidate: a context like a line break has tens of thousands of followers, so
    // read them best first and stop early rather than score them all.
    const { sources, prob } = m.sources(ids, 1);
    const top = thresholdTop(sources, (w) => prob(m.knownId(w)), isCompletionWord, limit);
    return {
      words: top.items.map((word, i) => ({ word, p: top.scores[i] })),
      total: m.candidateMass(ids),
      prob: (word) => {
        const id = m.knownId(word);
        return id >= 0 ? prob(id) : 0;
      },
    };
  }
  const [lo, hi] = m.prefixRange(prefix);
  const scores = m.score(ids, lo, hi);
  const self = m.knownId(prefix);
  const top = scores.top(limit, self);
  return {
    words: top.ids.map((id, i) => ({ word: m.vocabulary.token(id), p: top.probs[i] })),
    total: scores.total() - (self >= 0 && isCompletionWord(prefix) ? scores.prob(self) : 0),
    prob: (word) => {
      const id = m.knownId(word);
      return id >= lo && id < hi && word !== prefix ? scores.prob(id) : 0;
    },
  };
}
