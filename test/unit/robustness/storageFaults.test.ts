// Storage that fails while a model is saved: a full disk and read-only folders. The previous model
// folder must stay as it was, no temporary folder may be left, and the error must say what failed.
//
// The tests run as root, which chmod does not stop, so they fail writes in ways root cannot bypass:
// - a full disk: RLIMIT_FSIZE (`ulimit -f`) in a child process; a write past the limit fails with
//   EFBIG partway through the file, exactly where ENOSPC would (Node ignores SIGXFSZ);
// - read-only storage: the immutable attribute (`chattr +i`, needs CAP_LINUX_IMMUTABLE and ext2/3/4,
//   xfs or btrfs) forbids creating, removing and renaming entries even for root; a non-root user
//   gets chmod 555 instead;
// - an impossible folder: a path whose parent is a regular file (ENOTDIR for everyone).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadModelFolder, saveModelFolder } from '../../../src/engine/model';
import { fineTune, FineTuneProgress } from '../../../src/engine/training/fineTune';
import { sampleFiles, tinyModelDir } from '../helpers/tinyModel';
import { copyModel, folderDigest, leftovers, repoRoot, tempDir } from './helpers';

const isRoot = process.getuid?.() === 0;

/** Makes `dir` read-only for this process (immutable as root) until the returned function runs. */
function makeReadOnly(dir: string): (() => void) | undefined {
  if (!isRoot) {
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  return () => execFileSync('chattr', ['-i', dir]);
}

describe('robustness: storage failures while saving a model', function () {
  this.timeout(60_000);
  let modelDir: string;
  const files = sampleFiles().slice(0, 4);
  const quick = { epochs: 1, batch: 2, steps: 16, maxMinutes: 1 };
  before(async () => {
    modelDir = await tinyModelDir();
  });

  it('a disk that fills up mid-save: fineTune fails naming the folder, the previous model stays, no temp folder is left', function () {
    const outDir = copyModel(modelDir, path.join(tempDir('full'), 'model'));
    const before = folderDigest(outDir);
    // model.onnx of the tiny model is ~100 KB: a 16–32 KB file size limit stops it midway.
    const script = `
      const { fineTune } = require(${JSON.stringify(path.join(repoRoot, 'src/engine/training/fineTune.ts'))});
      const request = JSON.parse(process.env.REQUEST);
      fineTune(request).then(
        () => console.log(JSON.stringify({ ok: true })),
        (e) => console.log(JSON.stringify({ ok: false, message: e.message })));`;
    const request = { files, fromDir: modelDir, outDir, options: quick };
    const child = spawnSync('/bin/sh', ['-c', 'ulimit -f 32 && exec "$@"', 'sh', process.execPath, '--require', require.resolve('tsx/cjs'), '-e', script], {
      env: { ...process.env, REQUEST: JSON.stringify(request) },
      encoding: 'utf8',
      timeout: 50_000,
    });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
    assert.equal(result.ok, false, 'the save succeeded despite the size limit');
    assert.match(result.message, /^Cannot save the model in .*model \(EFBIG: file too large, write\); the previous model there, if any, is unchanged\.$/);
    assert.equal(folderDigest(outDir), before);
    assert.deepEqual(leftovers(outDir), []);
  });

  it('a read-only parent folder: saveModelFolder throws naming it, the previous model stays', function () {
    const parent = tempDir('readonly');
    const outDir = copyModel(modelDir, path.join(parent, 'model'));
    const before = folderDigest(outDir);
    const folder = loadModelFolder(modelDir);
    const restore = makeReadOnly(parent);
    if (!restore) return this.skip();
    try {
      assert.throws(() => saveModelFolder(outDir, folder), (e: NodeJS.ErrnoException) => {
        assert.ok(e.code === 'EPERM' || e.code === 'EACCES', e.message);
        assert.ok(e.message.includes(parent), e.message);
        return true;
      });
    } finally {
      restore();
    }
    assert.equal(folderDigest(outDir), before);
    assert.deepEqual(leftovers(outDir), []);
  });

  it('a model folder that cannot be moved aside: the new files are removed again and the previous model stays', function () {
    if (!isRoot) return this.skip(); // chmod does not stop renaming a folder within its parent
    const outDir = copyModel(modelDir, path.join(tempDir('immutable'), 'model'));
    const before = folderDigest(outDir);
    const folder = loadModelFolder(modelDir);
    for (const w of folder.weights.values()) w.data.fill(0.25);
    const restore = makeReadOnly(outDir);
    if (!restore) return this.skip();
    try {
      // The new folder is written in full, then renaming the old one away fails.
      assert.throws(() => saveModelFolder(outDir, folder), /EPERM: operation not permitted, rename/);
    } finally {
      restore();
    }
    assert.equal(folderDigest(outDir), before);
    assert.deepEqual(leftovers(outDir), []);
  });

  describe('fineTune into an unwritable folder fails before training and writes nothing', () => {
    async function expectEarlyFailure(outDir: string, message: RegExp): Promise<void> {
      const phases: FineTuneProgress['phase'][] = [];
      await assert.rejects(fineTune({ files, fromDir: modelDir, outDir, options: quick }, (p) => phases.push(p.phase)), message);
      assert.deepEqual(phases, [], 'work started although the model could not be saved');
    }

    it('when the folder\'s parent is a regular file', async () => {
      const file = path.join(tempDir('notdir'), 'storage');
      fs.writeFileSync(file, 'not a folder');
      await expectEarlyFailure(path.join(file, 'model'), /^Error: Cannot save a model in .*storage: (ENOTDIR|EEXIST)/);
      assert.equal(fs.readFileSync(file, 'utf8'), 'not a folder');
    });

    it('when the parent folder is read-only', async function () {
      const parent = tempDir('readonly');
      const restore = makeReadOnly(parent);
      if (!restore) return this.skip();
      try {
        await expectEarlyFailure(path.join(parent, 'model'), /^Error: Cannot save a model in .*: (EPERM|EACCES)/);
      } finally {
        restore();
      }
      assert.deepEqual(fs.readdirSync(parent), []);
    });
  });
});
