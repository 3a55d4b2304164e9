import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultEngineClientOptions, EngineClient } from './src/engine/runtime/engineClient';
import { benchProjectMemory } from './src/engine/eval/benchProjectMemory';
(async () => {
  const client = new EngineClient(defaultEngineClientOptions(path.resolve('dist/worker.js')));
  await client.load('media/models/base');
  const text = fs.readFileSync('/work/shared/corpus/c-sqlite/src/where.c', 'utf8').split('\n').slice(0, 2000).join('\n');
  const r = await benchProjectMemory(client, '/work/shared/corpus', text, (m) => console.error(m), Number(process.argv[2] ?? 50));
  console.log(JSON.stringify(r));
  await client.dispose();
})();
