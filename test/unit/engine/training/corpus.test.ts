import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCorpus, splitByFile } from '../../../../src/engine/training/corpus';

describe('corpus', () => {
  it('reads a folder recursively in a stable order with the filters applied', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-corpus-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'src', 'b.ts'), 'export const b = 2;\n');
    fs.writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(dir, 'node_modules', 'x.js'), 'module.exports = 1;\n');
    fs.writeFileSync(path.join(dir, '.env'), 'TOKEN=hunter2\n');
    fs.writeFileSync(path.join(dir, 'img.bin'), Buffer.from([0, 1, 2, 3]));
    const { files, skipped } = readCorpus([dir]);
    assert.deepEqual(files.map((f) => f.path), ['src/a.ts', 'src/b.ts']);
    assert.equal(skipped['may hold secrets'], 1);
    assert.equal(skipped.binary, 1);
  });

  it('holds out files per source, deterministically and independently of order', () => {
    const files = [];
    for (const source of ['alpha', 'beta']) for (let i = 0; i < 40; i++) files.push({ path: `${source}/f${i}.ts` });
    const a = splitByFile(files, 0.1);
    const b = splitByFile([...files].reverse(), 0.1);
    assert.deepEqual(a.valid.map((f) => f.path).sort(), b.valid.map((f) => f.path).sort());
    assert.equal(a.valid.filter((f) => f.path.startsWith('alpha/')).length, 4);
    assert.equal(a.valid.filter((f) => f.path.startsWith('beta/')).length, 4);
    assert.equal(a.train.length + a.valid.length, files.length);
    assert.ok(a.train.every((f) => !a.valid.includes(f)));
  });
});
