// `npx tsx scripts/research/languageAblation.ts MODEL_DIR --files-from LIST [--head N]`: what a model with
// language tokens gets from being told each file's language. Scores the files twice with the same
// weights: with the language of each file's extension, and with every file told `other`. Prints
// bits per character per language, over whole files and over each file's first N tokens (where
// knowing the language should matter most). The gap is how much the trained model relies on the
// token; it is not what training with the tokens gained over training without them (a model never
// given them learns to guess the language from the text, which `other` does not teach).
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { buildScoreModel, loadModelFolder } from '../../src/engine/model';
import { createSession } from '../../src/engine/onnx/ortSession';
import { Language, languageOfPath, Tokenizer } from '../../src/engine/tokenizer';
import { readCorpus } from '../../src/engine/training/corpus';
import { scoreDocuments, scoreGraphOf } from '../../src/engine/training/evaluate';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'files-from': { type: 'string' }, head: { type: 'string', default: '100' }, threads: { type: 'string', default: '1' } },
  });
  const [modelDir] = positionals;
  if (!modelDir || !values['files-from']) throw new Error('usage: npx tsx scripts/research/languageAblation.ts MODEL_DIR --files-from LIST [--head N] [--threads N]');
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  if (!tokenizer.languageIds.size) throw new Error(`${modelDir} has no language tokens.`);
  const head = Number(values.head);
  const { files } = readCorpus(fs.readFileSync(values['files-from'], 'utf8').split('\n').filter(Boolean), { maxFileBytes: 2 * 1024 * 1024 });
  const session = await createSession(buildScoreModel(folder.cfg, folder.weights), Number(values.threads));
  const graph = scoreGraphOf(session, folder.cfg, null);
  const encoded = files.map((f) => ({ language: languageOfPath(f.path), text: f.text, ids: tokenizer.encode(f.text) }));
  const result: Record<string, Record<string, number>> = {};
  for (const told of ['own', 'other'] as const) {
    const docs = encoded.map((f) => ({ ids: f.ids, chars: f.text.length, start: tokenizer.documentStart(told === 'own' ? f.language : 'other') }));
    const nats = new Float64Array(docs.length);
    const headNats = new Float64Array(docs.length);
    await scoreDocuments(graph, tokenizer.docStartId, docs, {
      onTokenLogProbs: (d, lp) => lp.forEach((x, i) => { nats[d] -= x; if (i < head) headNats[d] -= x; }),
    });
    const groups = new Map<Language | 'all', { chars: number; nats: number; headChars: number; headNats: number }>();
    encoded.forEach((f, d) => {
      const headChars = tokenizer.decode(f.ids.slice(0, head)).length;
      for (const key of [f.language, 'all'] as const) {
        const g = groups.get(key) ?? { chars: 0, nats: 0, headChars: 0, headNats: 0 };
        groups.set(key, { chars: g.chars + f.text.length, nats: g.nats + nats[d], headChars: g.headChars + headChars, headNats: g.headNats + headNats[d] });
      }
    });
    for (const [key, g] of groups) {
      result[key] ??= {};
      result[key][`${told} bpc`] = g.nats / Math.LN2 / g.chars;
      result[key][`${told} first ${head} tokens bpc`] = g.headNats / Math.LN2 / g.headChars;
    }
    process.stderr.write(`scored ${docs.length} files, each told ${told === 'own' ? 'its own language' : '`other`'}\n`);
  }
  await session.release();
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
