// `npx tsx scripts/research/addLanguageTokens.ts IN OUT`: copies model folder IN to OUT with the language
// tokens added (tokenizer.json, the tied embedding and output bias; see model/extendVocabulary), as
// the starting point for continued training. The tokenizer's text ids do not change, so the word
// memory (words.bin) carries over as it is.
import * as path from 'node:path';
import { extendVocabulary, loadModelFolder, saveModelFolder } from '../../src/engine/model';
import { LANGUAGES, Tokenizer } from '../../src/engine/tokenizer';

function main(): void {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) throw new Error('usage: npx tsx scripts/research/addLanguageTokens.ts MODEL_DIR OUT_DIR');
  const folder = loadModelFolder(from);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  if (tokenizer.languageIds.size) throw new Error(`${from} already has language tokens.`);
  const extended = tokenizer.withLanguageTokens();
  const { cfg, weights } = extendVocabulary(folder.cfg, folder.weights, LANGUAGES.length, tokenizer.docStartId);
  const { created: _created, training: _training, metrics: _metrics, ...rest } = folder.meta;
  saveModelFolder(to, {
    cfg, weights, tokenizerJSON: extended.toJSON(), words: folder.words, kindWords: folder.kindWords,
    meta: { ...rest, parent: path.resolve(from), training: { languageTokens: 'added, rows copied from <|doc|>, not trained yet' } },
  });
  process.stderr.write(`saved ${path.resolve(to)}: vocabulary ${folder.cfg.vocabSize} -> ${cfg.vocabSize} (${LANGUAGES.length} language tokens)\n`);
}

main();
