// Chooses dynamic evaluation's learning rate, decay and chunk length on the TUNING projects
// (scripts/research/projects.sh tune), never on the report ones: for each setting, `eval --dynamic` on the
// first --kb KB of every project's files (in readCorpus order, a fresh learner per project), and the
// mean bits per character over the projects against the static model's.
//   npx tsx scripts/research/tuneDynamic.ts [--kb 60] [--lr 1e-4,3e-4,1e-3] [--decay 0,0.001,0.01] [--chunk 64] [--passes 1] [--clip 1,0] [--projects tune|report]
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCorpus } from '../../src/engine/training/corpus';
import { evaluateDynamic } from '../../src/engine/training/evaluateDynamic';

const { values } = parseArgs({ options: {
  kb: { type: 'string', default: '60' }, lr: { type: 'string', default: '1e-4,3e-4,1e-3' }, decay: { type: 'string', default: '0,0.001,0.01' },
  chunk: { type: 'string', default: '64' }, clip: { type: 'string', default: '1' }, passes: { type: 'string', default: '1' }, projects: { type: 'string', default: 'tune' },
  model: { type: 'string', default: path.join(__dirname, '..', '..', 'media', 'models', 'base') },
} });
const list = (s: string) => s.split(',').map(Number);
const root = path.join(__dirname, '..', '..');
const projects = execFileSync(path.join(root, 'scripts', 'research', 'projects.sh'), [values.projects!], { cwd: root, encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'));

(async () => {
  const sets = projects.map(([name, dir]) => {
    const files = [];
    let chars = 0;
    for (const f of readCorpus([path.resolve(root, dir)]).files) {
      if (chars >= Number(values.kb) * 1024) break;
      files.push(f);
      chars += f.text.length;
    }
    return { name, files, chars };
  });
  console.log(sets.map((s) => `${s.name}: ${s.files.length} files, ${(s.chars / 1024).toFixed(0)} KB`).join('; '));
  for (const clipNorm of list(values.clip!)) for (const chunkTokens of list(values.chunk!)) for (const passes of list(values.passes!)) for (const decay of list(values.decay!)) for (const lr of list(values.lr!)) {
    const rows: ({ name: string } & Awaited<ReturnType<typeof evaluateDynamic>>)[] = [];
    for (const s of sets) rows.push({ name: s.name, ...(await evaluateDynamic(values.model!, s.files, { dynamic: { lr, decay, chunkTokens, passes, clipNorm }, threads: 1 })) });
    const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
    const dyn = mean((r) => r.bitsPerChar);
    const fixed = mean((r) => r.static.bitsPerChar);
    // With the neural cache too (as the editor's scores use it): the cache alone, and both.
    const cached = mean((r) => r.withCache!.static.bitsPerChar);
    const both = mean((r) => r.withCache!.bitsPerChar);
    const change = (x: number) => `${(100 * (x / fixed - 1)).toFixed(1)}%`;
    console.log(JSON.stringify({ lr, decay, chunkTokens, passes, clipNorm, bitsPerChar: +dyn.toFixed(4), static: +fixed.toFixed(4), change: change(dyn),
      cache: { static: +cached.toFixed(4), change: change(cached), dynamic: +both.toFixed(4), bothChange: change(both) },
      cpuSecondsPerKB: +mean((r) => r.learning.cpuSecondsPerKB).toFixed(3),
      // Per project: network alone, + dynamic evaluation, + cache, + both.
      projects: Object.fromEntries(rows.map((r) => [r.name, [r.static.bitsPerChar, r.bitsPerChar, r.withCache!.static.bitsPerChar, r.withCache!.bitsPerChar].map((x) => +x.toFixed(3))])) }));
  }
})();
