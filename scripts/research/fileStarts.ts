// A quick proxy for the session simulation's learning gain: per project, each file's first
// --tokens tokens are scored by the weights learned from the files before it (as `simulate
// --session --learn` types each file's first words), then the whole file is learned. Prints the
// nats per token of those starts for the model as loaded and for each learner variant.
//   npx tsx scripts/research/fileStarts.ts [--projects tune] [--tokens 48] [--ema 0.02,0.1] [--replay 0,8] [--lr X] [--clip X] [--mix 0.1,0.3]
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { gradientPriorOf, loadModelFolder, Weights } from '../../src/engine/model';
import { languageOfPath, Tokenizer } from '../../src/engine/tokenizer';
import { readCorpus } from '../../src/engine/training/corpus';
import { DynamicLearner } from '../../src/engine/training/dynamicEval';
import { Document, scoreWeights } from '../../src/engine/training/evaluate';
import { mulberry32 } from '../../src/engine/random';

const { values } = parseArgs({ options: {
  projects: { type: 'string', default: 'tune' }, tokens: { type: 'string', default: '48' },
  ema: { type: 'string', default: '' }, replay: { type: 'string', default: '0' }, mix: { type: 'string', default: '' }, lr: { type: 'string', default: '' }, clip: { type: 'string', default: '' },
  model: { type: 'string', default: path.join(__dirname, '..', '..', 'media', 'models', 'base') },
} });
const root = path.join(__dirname, '..', '..');
const projects = execFileSync(path.join(root, 'scripts', 'research', 'projects.sh'), [values.projects!], { cwd: root, encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'));
const list = (s: string) => (s ? s.split(',').map(Number) : []);
const T = Number(values.tokens);

async function score(folder: ReturnType<typeof loadModelFolder>, weights: Weights, docStart: number, docs: Document[], logProbs?: number[]): Promise<number> {
  return (await scoreWeights(folder.cfg, weights, docStart, docs, { onTokenLogProbs: (_d, lp) => logProbs?.push(...lp) })).nats;
}

function copy(w: Weights): Weights {
  return new Map([...w].map(([k, v]) => [k, { dims: [...v.dims], data: Float32Array.from(v.data) }]));
}

(async () => {
  const folder = loadModelFolder(values.model!);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  const prior = gradientPriorOf(folder, values.model!);
  for (const replay of list(values.replay!)) {
    const totals: Record<string, number> = {};
    let tokens = 0;
    for (const [name, dir] of projects) {
      const files = readCorpus([path.resolve(root, dir)]).files;
      const docs = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length, start: tokenizer.documentStart(languageOfPath(f.path)) }));
      const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { ...(values.lr ? { lr: Number(values.lr) } : {}), ...(values.clip ? { clipNorm: Number(values.clip) } : {}) }, 1, folder.weights, prior);
      const emas = list(values.ema!).map((a) => ({ a, w: copy(folder.weights) }));
      const between = async () => {
        const w = learner.weights;
        for (const e of emas) for (const [k, v] of e.w) {
          const now = w.get(k)!.data;
          for (let i = 0; i < v.data.length; i++) v.data[i] += e.a * (now[i] - v.data[i]);
        }
      };
      const random = mulberry32(1);
      const project: Record<string, number> = {};
      let projectTokens = 0;
      for (let i = 0; i < docs.length; i++) {
        const head = { ...docs[i], ids: docs[i].ids.slice(0, T) };
        const n = head.ids.length;
        if (i > 0 && n > 0) {
          const add = (key: string, nats: number) => ((project[key] = (project[key] ?? 0) + nats), (totals[key] = (totals[key] ?? 0) + nats));
          const base: number[] = [];
          const raw: number[] = [];
          add('base', await score(folder, folder.weights, tokenizer.docStartId, [head], base));
          add('raw', await score(folder, learner.weights, tokenizer.docStartId, [head], raw));
          // The two networks' distributions mixed, β on the model as loaded.
          for (const b of list(values.mix!)) add(`mix${b}`, raw.reduce((a, lp, t) => a - Math.log((1 - b) * Math.exp(lp) + b * Math.exp(base[t])), 0));
          for (const e of emas) add(`ema${e.a}`, await score(folder, e.w, tokenizer.docStartId, [head]));
          projectTokens += n;
          tokens += n;
        }
        await learner.learn(docs[i], between);
        // Replay: chunks of the files learned before, drawn at random, one pass each.
        for (let r = 0; r < replay && i > 0; r++) {
          const j = Math.floor(random() * i);
          const ids = docs[j].ids;
          const at = Math.floor(random() * Math.max(1, ids.length - 64));
          await learner.learn({ ids: ids.slice(at, at + 64), start: docs[j].start }, between);
        }
      }
      await learner.dispose();
      console.log(JSON.stringify({ replay, project: name, tokens: projectTokens, natsPerToken: Object.fromEntries(Object.entries(project).map(([k, v]) => [k, +(v / projectTokens).toFixed(4)])) }));
    }
    console.log(JSON.stringify({ replay, all: true, tokens, natsPerToken: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, +(v / tokens).toFixed(4)])) }));
  }
})();
