// A second process for the project memory tests: `write FILE SEED N` writes N memory files in a
// row (another window on the same workspace); `index FILE DIR` indexes a folder into a memory file
// and stays alive until killed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeProjectMemory } from '../../../../src/engine/memory/projectMemoryFile';
import { encodeTokenIds } from '../../../../src/engine/memory/tokenIds';
import { ProjectMemory } from '../../../../src/engine/runtime/projectMemory';

async function main(): Promise<void> {
  const [mode, file, arg, count] = process.argv.slice(2);
  if (mode === 'write') {
    const seed = Number(arg);
    for (let i = 0; i < Number(count); i++) {
      const tokens = Int32Array.from({ length: 50_000 + seed * 1000 + i }, (_, k) => (k * (seed + 1)) % 3);
      await writeProjectMemory(file, { vocabulary: ['a', 'b', `writer${seed}`], files: [{ path: `w${seed}-${i}.js`, mtimeMs: i, size: tokens.length, tokens: encodeTokenIds(tokens), count: tokens.length, codeWords: encodeTokenIds([2]), codeCount: 1 }] });
    }
    return;
  }
  const memory = new ProjectMemory({ idle: () => new Promise((r) => setImmediate(r)), log: (m) => process.stderr.write(`${m}\n`) });
  memory.open(file);
  const files = fs.readdirSync(arg, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(arg, f)).isFile()).sort();
  memory.index(files.map((f) => {
    const fsPath = path.join(arg, f);
    const stat = fs.statSync(fsPath);
    return { path: f.split(path.sep).join('/'), fsPath, mtimeMs: stat.mtimeMs, size: stat.size };
  }));
  process.send?.('indexing');
  await memory.settled();
  process.send?.('settled');
  setInterval(() => undefined, 1000);
}

void main();
