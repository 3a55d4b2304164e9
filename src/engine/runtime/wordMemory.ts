// The words of the text a model learned from, kept as word-level Kneser–Ney trigrams beside it:
// the training corpus's (words.bin) and, after Train on Workspace, the workspace's
// (workspace-words.bin). A network of two million weights cannot remember every rare identifier
// of a hundred megabytes of code; counts can, and completion mixes the two (see wordSearch).
// Hellendoorn & Devanbu (FSE 2017) found the same of neural models of code: they gain most with
// an n-gram and a cache of the file beside them.
import { LanguageCounts } from '../ngram/languageCounts';
import { NgramModel } from '../ngram/ngramModel';
import type { Language } from '../tokenizer/language';
import { thresholdTop } from '../ngram/thresholdTop';
import type { NgramOptions } from '../ngram/ngramEstimate';
import { isCompletionWord } from '../text/words';

/**
 * The corpus memory: a trigram of the words seen at least twice, without the bigrams and trigrams
 * seen once. Chosen with scripts/tuneCache.ts (README, Results): 11.8 MB compressed for the 95 MB
 * of the base model's training text, within 0.2 points of keystrokes saved of keeping every
 * bigram (13.3 MB) and 0.3 better than dropping the words seen fewer than 4 times (10.4 MB).
 */
export function corpusMemoryOptions(): NgramOptions {
  return { order: 3, minCount: 2, pruneBelow: 2, pruneLowerBelow: 2 };
}

/** A workspace is small and every one of its identifiers may come back: nothing is pruned. */
export function workspaceMemoryOptions(): NgramOptions {
  return { order: 3, minCount: 1, pruneBelow: 1, pruneLowerBelow: 1 };
}

/** The workspace memory's share against the corpus memory's (a choice, not tuned: README, Results). */
const WORKSPACE_SHARE = 0.5;

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
  private readonly parts: readonly { readonly ngram: NgramModel; readonly share: number; readonly languages?: LanguageCounts }[];
  /** How many distinct words each memory holds (for Show Model Info). */
  readonly words: { readonly corpus: number; readonly workspace: number };

  private constructor(corpus: NgramModel | undefined, workspace: NgramModel | undefined, languages: LanguageCounts | undefined) {
    // Less <s> and <unk>.
    this.words = { corpus: corpus ? corpus.vocabulary.size - 2 : 0, workspace: workspace ? workspace.vocabulary.size - 2 : 0 };
    const both = Boolean(corpus && workspace);
    this.parts = [
      ...(corpus ? [{ ngram: corpus, share: both ? 1 - WORKSPACE_SHARE : 1, languages }] : []),
      ...(workspace ? [{ ngram: workspace, share: both ? WORKSPACE_SHARE : 1 }] : []),
    ];
  }

  /**
   * The memory of either or both n-grams (the workspace's takes half when both are given); none
   * without one. `languages`: the corpus memory's counts per language (words-languages.bin), which
   * turn down its words that are rare in the document's language; the workspace is the user's own
   * text and is never turned down.
   */
  static of(corpus: NgramModel | undefined, workspace: NgramModel | undefined, languages?: LanguageCounts): WordMemory | undefined {
    if (corpus && languages && languages.words !== corpus.vocabulary.size) throw new Error(`the word memory's language counts are for ${languages.words} words but it has ${corpus.vocabulary.size}`);
    return corpus || workspace ? new WordMemory(corpus, workspace, corpus && languages) : undefined;
  }

  /**
   * `history`: the document's last tokens (text/incrementalLexer), oldest first. The answer is
   * valid until the next query: it reads the n-grams' scratch.
   */
  query(history: readonly string[], prefix: string, limit: number, language: Language = 'other'): WordMemoryQuery {
    const answers = this.parts.map(({ ngram, share, languages }) => ({
      share,
      ...(languages && language !== 'other' ? inLanguage(ngram, languages, language, history, prefix, limit) : queryOne(ngram, history, prefix, limit)),
    }));
    if (answers.length === 1 && answers[0].share === 1) return answers[0];
    const prob = (word: string) => answers.reduce((sum, a) => sum + a.share * a.prob(word), 0);
    const candidates = new Set(answers.flatMap((a) => a.words.map((w) => w.word)));
    const words = [...candidates].map((word) => ({ word, p: prob(word) })).sort((a, b) => b.p - a.p).slice(0, limit);
    return { words, total: answers.reduce((sum, a) => sum + a.share * a.total, 0), prob };
  }
}

/**
 * queryOne with every word's probability times its language factor (LanguageCounts.factor). The
 * total stays the n-gram's: the mass taken from foreign words is not handed to the others, so the
 * memory never outweighs the network and the cache more than it was tuned to. Twice the candidates
 * are read, since turned-down words make room for ones ranked below them.
 */
function inLanguage(m: NgramModel, counts: LanguageCounts, language: Language, history: readonly string[], prefix: string, limit: number): WordMemoryQuery {
  const answer = queryOne(m, history, prefix, 2 * limit);
  const factor = (word: string) => counts.factor(m.knownId(word), language);
  const words = answer.words.map((w) => ({ word: w.word, p: w.p * factor(w.word) })).sort((a, b) => b.p - a.p).slice(0, limit);
  return { words, total: answer.total, prob: (word) => answer.prob(word) * factor(word) };
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
