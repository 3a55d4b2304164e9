// How often each word of the corpus word memory occurs in each language (tokenizer/language), so
// that completion in a Rust file does not offer `Catherine` from the English novels nor `self` in
// TypeScript: the memory's probability of a word is scaled by how much rarer the word is in the
// document's language than in the corpus at large (unigram rescaling, as in Kneser, Peters and
// Klakow 1997, "Language model adaptation using dynamic marginals", but only ever downwards, so
// that the memory's mass and its share against the network stay as tuned). Stored beside words.bin
// as words-languages.bin: "RLC1", a JSON header's byte length (u32 LE), the header, then the counts
// (u32, word-major) at a multiple of 4 bytes, Brotli-compressed.
import * as zlib from 'node:zlib';
import { Language, LANGUAGES } from '../tokenizer/language';
import { lexTokens } from '../text/incrementalLexer';

const MAGIC = 'RLC1';

/** Pseudo-count of the smoothing: a word seen once elsewhere is not yet foreign to a language. */
const PRIOR = 1;

interface Header {
  languages: string[];
  words: number;
}

export class LanguageCounts {
  /** Σ counts per language, and over all. */
  private readonly totals: Float64Array;
  private readonly all: number;

  /** `counts`: [words × languages], word-major, for the ids of the memory's vocabulary. */
  private constructor(readonly words: number, private readonly counts: Uint32Array) {
    const L = LANGUAGES.length;
    this.totals = new Float64Array(L);
    for (let i = 0; i < counts.length; i++) this.totals[i % L] += counts[i];
    this.all = this.totals.reduce((a, b) => a + b, 0);
  }

  /** Counts the words of each file that `idOf` knows (the memory's ids, −1 for others) by the file's language. */
  static count(words: number, idOf: (word: string) => number, files: Iterable<{ readonly language: Language; readonly text: string }>): LanguageCounts {
    const L = LANGUAGES.length;
    const counts = new Uint32Array(words * L);
    for (const f of files) {
      const l = LANGUAGES.indexOf(f.language);
      for (const token of lexTokens(f.text)) {
        const id = idOf(token);
        if (id >= 0 && id < words) counts[id * L + l]++;
      }
    }
    return new LanguageCounts(words, counts);
  }

  /**
   * At most 1: how much less probable word `id` is in `language` than in the whole corpus,
   * P(w | language) / P(w), smoothed towards 1 for words seen rarely. 1 for `other`, for a language
   * the corpus lacks, and for ids it does not count (<s>, <unk>, or beyond the counted vocabulary).
   */
  factor(id: number, language: Language): number {
    const L = LANGUAGES.length;
    const l = LANGUAGES.indexOf(language);
    if (language === 'other' || id < 0 || id >= this.words || !(this.totals[l] > 0)) return 1;
    const prior = this.totals[l] / this.all;
    let c = 0;
    for (let k = 0; k < L; k++) c += this.counts[id * L + k];
    const share = (this.counts[id * L + l] + PRIOR * prior) / (c + PRIOR);
    return Math.min(1, share / prior);
  }

  encode(): Uint8Array {
    const header: Header = { languages: [...LANGUAGES], words: this.words };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((8 + json.length) / 4) * 4;
    const out = new Uint8Array(start + this.counts.byteLength);
    out.set(new TextEncoder().encode(MAGIC));
    new DataView(out.buffer).setUint32(4, json.length, true);
    out.set(json, 8);
    out.set(new Uint8Array(this.counts.buffer, this.counts.byteOffset, this.counts.byteLength), start);
    return zlib.brotliCompressSync(out, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: out.length } });
  }

  /** Reads what `encode` wrote; `where` names the file in errors. */
  static decode(file: Uint8Array, where: string): LanguageCounts {
    const fail = (why: string): never => {
      throw new Error(`${where} is not a word-language counts file (${why}); it may be truncated or corrupt.`);
    };
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(zlib.brotliDecompressSync(file));
    } catch {
      return fail('not Brotli data');
    }
    if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('no RLC1 signature');
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    let header: Header;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    } catch {
      return fail('bad header');
    }
    if (JSON.stringify(header.languages) !== JSON.stringify(LANGUAGES)) fail(`languages ${JSON.stringify(header.languages)} are not this version's`);
    const start = Math.ceil((8 + length) / 4) * 4;
    if (!Number.isInteger(header.words) || bytes.length !== start + header.words * LANGUAGES.length * 4) fail('wrong length');
    return new LanguageCounts(header.words, new Uint32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length)));
  }
}
