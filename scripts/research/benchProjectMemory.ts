// The project memory's part of `npm run bench` alone, in a fresh worker (the whole bench takes
// minutes): for comparing builds in alternating runs. Needs `npm run build` first (it runs dist/worker.js).
//   npx tsx scripts/research/benchProjectMemory.ts [--mb 50] [--model media/models/base]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { benchProjectMemory } from '../../src/engine/eval/benchProjectMemory';
import { defaultEngineClientOptions, EngineClient } from '../../src/engine/runtime/engineClient';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, model: { type: 'string', default: 'media/models/base' } } });
  const root = path.resolve(__dirname, '..', '..');
  const client = new EngineClient(defaultEngineClientOptions(path.join(root, 'dist', 'worker.js')));
  try {
    await client.load(path.resolve(values.model!));
    const text = fs.readFileSync(path.join(root, '..', 'shared', 'corpus', 'c-sqlite', 'src', 'where.c'), 'utf8');
    const r = await benchProjectMemory(client, path.join(root, '..', 'shared', 'corpus'), text, (m) => console.error(m), Number(values.mb));
    console.log(JSON.stringify(r));
  } finally {
    await client.dispose();
  }
}

void main();
