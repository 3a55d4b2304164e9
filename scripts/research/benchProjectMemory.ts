// The project memory's part of `npm run bench` alone, in a fresh worker, with another build's worker
// if asked (`bench --only project-memory` runs this build's): for comparing builds in alternating runs.
// Needs `npm run build` first (it runs dist/worker.js). --worker: a copy of an older dist/ beside
// links to media/ and node_modules/.
//   npx tsx scripts/research/benchProjectMemory.ts [--mb 50] [--model media/models/base] [--worker dist/worker.js]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runProjectMemoryBench } from '../../src/engine/eval/bench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, model: { type: 'string', default: 'media/models/base' }, worker: { type: 'string', default: 'dist/worker.js' } } });
  const root = path.resolve(__dirname, '..', '..');
  const r = await runProjectMemoryBench({
    modelDir: path.resolve(values.model!),
    workerPath: path.resolve(root, values.worker!),
    projectMemoryMB: Number(values.mb),
    corpusDir: path.join(root, '..', 'shared', 'corpus'),
    onProgress: (m) => console.error(m),
  });
  console.log(JSON.stringify(r.projectMemory));
}

void main();
