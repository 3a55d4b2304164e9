import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProjectMemory, writeProjectMemory } from '../../../../src/engine/memory/projectMemoryFile';
import { encodeTokenIds } from '../../../../src/engine/memory/tokenIds';

describe('project memory file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-memory-file-'));
  const file = path.join(dir, 'memory.bin');
  const memory = {
    vocabulary: ['alpha', '\n', '\ud800', '\0', 'é漢😀', 'x'],
    files: [
      { path: 'a/b.js', mtimeMs: 1234.5, size: 10, tokens: encodeTokenIds([0, 1, 2, 3, 4, 5]), count: 6, codeWords: encodeTokenIds([5, 0]), codeCount: 2 },
      { path: 'skipped.min.js', mtimeMs: 1, size: 2, tokens: new Uint8Array(0), count: 0, codeWords: new Uint8Array(0), codeCount: 0 },
    ],
  };

  it('reads back exactly what it wrote, any string included', async () => {
    await writeProjectMemory(file, memory);
    assert.deepEqual(await readProjectMemory(file), memory);
    assert.equal(await readProjectMemory(path.join(dir, 'none.bin')), undefined);
  });

  it('rejects another version, a bad signature and every truncation with a message that names the file', async () => {
    await writeProjectMemory(file, memory);
    const bytes = fs.readFileSync(file);
    const version = Buffer.from(bytes);
    // Version 2, before the files' code words: rebuilt from the workspace.
    version.writeUInt32LE(2, 4);
    fs.writeFileSync(file, version);
    await assert.rejects(readProjectMemory(file), /memory\.bin is unusable \(format version 2, this version reads 3/);
    fs.writeFileSync(file, Buffer.concat([Buffer.from('XXXX'), bytes.subarray(4)]));
    await assert.rejects(readProjectMemory(file), /bad signature/);
    for (let cut = 0; cut < bytes.length; cut += 7) {
      fs.writeFileSync(file, bytes.subarray(0, cut));
      await assert.rejects(readProjectMemory(file), /memory\.bin is unusable/, `cut at ${cut}`);
    }
  });
});
