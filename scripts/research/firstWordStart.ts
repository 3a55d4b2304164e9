// The bench's first word start (a fresh worker's first completion after a space, a second after the
// model loaded) for several builds' workers in turn, for comparing them in alternating runs. Needs
// `npm run build` first. --worker: dist/worker.js of this build (the default) or of a copy of an
// older dist/ beside links to media/ and node_modules/; repeat it to alternate.
//   npx tsx scripts/research/firstWordStart.ts [--runs 4] [--model media/models/base] [--worker dist/worker.js]…
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { firstWordStart } from '../../src/engine/eval/bench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '4' }, model: { type: 'string', default: 'media/models/base' }, worker: { type: 'string', multiple: true, default: ['dist/worker.js'] } } });
  const root = path.resolve(__dirname, '..', '..');
  const text = fs.readFileSync(path.join(root, '..', 'shared', 'corpus', 'c-sqlite', 'src', 'where.c'), 'utf8');
  const figures = new Map<string, number[]>(values.worker!.map((w) => [w, []]));
  for (let run = 0; run < Number(values.runs); run++) {
    for (const worker of values.worker!) figures.get(worker)!.push(await firstWordStart({ modelDir: path.resolve(values.model!), workerPath: path.resolve(worker) }, text));
  }
  for (const [worker, ms] of figures) console.log(`${worker}: ${ms.map((m) => m.toFixed(1)).join(', ')} ms`);
}

void main();
