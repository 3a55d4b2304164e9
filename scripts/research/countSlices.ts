// How long the project memory's counting slices take, in process: the 50 MB of corpus files that
// the bench indexes, each file lexed and then counted in slices of COUNT_TOKENS as the worker counts
// them between requests (runtime/projectMemory). A slice is what a keystroke may wait behind.
//   npx tsx scripts/research/countSlices.ts [--mb 50] [--top 10]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CodeWordIds, CountCursor, IdBuffer, ProjectCounts } from '../../src/engine/memory/projectCounts';
import { encodeTokenIds } from '../../src/engine/memory/tokenIds';
import { COUNT_TOKENS } from '../../src/engine/runtime/projectMemory';
import { readCorpus } from '../../src/engine/training/corpus';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, top: { type: 'string', default: '10' } } });
const { files } = readCorpus([path.join(__dirname, '..', '..', '..', 'shared', 'corpus')], { maxFileBytes: 512 * 1024, maxTotalBytes: Number(values.mb) * 1e6 });
const counts = new ProjectCounts();
const ids = new IdBuffer();
const slices: { ms: number; where: string }[] = [];
let lexMs = 0;
for (const f of files) {
  const code = CodeWordIds.of(f.path);
  ids.clear();
  const t0 = performance.now();
  counts.lex(f.text, code, ids);
  lexMs += performance.now() - t0;
  const entry = counts.attach(f.path, encodeTokenIds(ids.ids()), ids.ids().length, encodeTokenIds(code ? [...code.ids] : []), code?.ids.size ?? 0);
  const cursor = new CountCursor();
  for (let done = false; !done; ) {
    const at = cursor.at;
    const t = performance.now();
    done = counts.countSlice(entry, 1, cursor, COUNT_TOKENS);
    slices.push({ ms: performance.now() - t, where: `${f.path} at byte ${at} of ${entry.tokens.length}` });
  }
}
const ms = slices.map((s) => s.ms).sort((a, b) => a - b);
const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(2);
const countMs = ms.reduce((a, b) => a + b, 0);
const MB = files.reduce((a, f) => a + Buffer.byteLength(f.text), 0) / 1e6;
console.log(`${files.length} files, ${MB.toFixed(1)} MB, ${counts.tokenCount} tokens; lexing ${(lexMs / 1000).toFixed(2)} s, counting ${(countMs / 1000).toFixed(2)} s (${(MB / ((lexMs + countMs) / 1000)).toFixed(1)} MB/s for both)`);
console.log(`${ms.length} count slices: p50 ${at(0.5)} p99 ${at(0.99)} p99.9 ${at(0.999)} max ${at(1)} ms; ${ms.filter((x) => x > 4).length} over 4 ms`);
for (const s of [...slices].sort((a, b) => b.ms - a.ms).slice(0, Number(values.top))) console.log(`${s.ms.toFixed(1)} ms  ${s.where}`);
