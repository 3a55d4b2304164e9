// Damaged model folders: bad or truncated model.onnx, truncated or malformed tokenizer.json, sizes
// that disagree, a word memory cut short or overwritten. Loading must fail with a message naming the file, in-process and through the
// worker, and a failed load must not take away the model already in use.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../../src/engine/runtime/completeOptions';
import { Engine } from '../../../src/engine/runtime/engine';
import { defaultEngineClientOptions, EngineClient } from '../../../src/engine/runtime/engineClient';
import { mulberry32 } from '../../../src/engine/random';
import { tinyModelDir, tinyWordMemory } from '../helpers/tinyModel';
import { copyModel, distFile, tempDir } from './helpers';

type Damage = { name: string; file: RegExp; damage: (dir: string) => void };

const edit = (dir: string, file: string, change: (bytes: Buffer) => Buffer | string) =>
  fs.writeFileSync(path.join(dir, file), change(fs.readFileSync(path.join(dir, file))));
const editJSON = (dir: string, file: string, change: (json: Record<string, any>) => void) =>
  edit(dir, file, (b) => {
    const json = JSON.parse(b.toString('utf8'));
    change(json);
    return JSON.stringify(json);
  });

const damages: Damage[] = [
  {
    name: 'model.onnx replaced by random bytes',
    file: /model\.onnx/,
    damage: (dir) => {
      const random = mulberry32(5);
      edit(dir, 'model.onnx', (b) => Buffer.from(b.map(() => Math.floor(random() * 256))));
    },
  },
  { name: 'model.onnx cut in half', file: /model\.onnx/, damage: (dir) => edit(dir, 'model.onnx', (b) => b.subarray(0, b.length >> 1)) },
  { name: 'model.onnx empty', file: /model\.onnx/, damage: (dir) => edit(dir, 'model.onnx', () => Buffer.alloc(0)) },
  { name: 'model.onnx missing', file: /model\.onnx/, damage: (dir) => fs.rmSync(path.join(dir, 'model.onnx')) },
  { name: 'tokenizer.json truncated', file: /tokenizer\.json/, damage: (dir) => edit(dir, 'tokenizer.json', (b) => b.subarray(0, b.length - 100)) },
  {
    name: 'tokenizer.json with a merge that makes no token',
    file: /tokenizer\.json/,
    damage: (dir) => editJSON(dir, 'tokenizer.json', (j) => (j.model.merges[0] = 'a Ġ')),
  },
  {
    name: 'tokenizer.json with merges that are not strings',
    file: /tokenizer\.json/,
    damage: (dir) => editJSON(dir, 'tokenizer.json', (j) => (j.model.merges = [1, 2, 3])),
  },
  {
    name: 'tokenizer.json one token short of the model',
    file: /tokenizer\.json/,
    damage: (dir) => editJSON(dir, 'tokenizer.json', (j) => {
      const last = Object.entries(j.model.vocab as Record<string, number>).sort((a, b) => b[1] - a[1])[0][0];
      delete j.model.vocab[last];
      j.model.merges = (j.model.merges as string[]).filter((m) => m.replace(' ', '') !== last);
    }),
  },
  { name: 'model.json hidden size differs from model.onnx', file: /model\.json/, damage: (dir) => editJSON(dir, 'model.json', (j) => (j.hiddenSize += 8)) },
  { name: 'model.json not JSON', file: /model\.json/, damage: (dir) => edit(dir, 'model.json', () => '{"format": 1, "cell": "gr') },
  {
    name: 'words.bin cut in half',
    file: /words\.bin is not a word memory file/,
    damage: (dir) => {
      const words = tinyWordMemory();
      fs.writeFileSync(path.join(dir, 'words.bin'), words.subarray(0, words.length >> 1));
    },
  },
];

describe('robustness: damaged model folders', function () {
  this.timeout(60_000);
  let good: string;
  const root = tempDir('damaged');
  const damaged = new Map<string, string>();
  before(async () => {
    good = await tinyModelDir();
    damages.forEach((d, i) => {
      const dir = copyModel(good, path.join(root, `m${i}`));
      d.damage(dir);
      damaged.set(d.name, dir);
    });
  });

  it('Engine.load rejects with a message naming the file, and keeps serving the model it had', async () => {
    const engine = new Engine();
    try {
      await engine.load(good);
      for (const d of damages) {
        await assert.rejects(engine.load(damaged.get(d.name)!), (e: Error) => {
          assert.match(e.message, d.file, `${d.name}: ${e.message}`);
          return true;
        });
        const text = 'const express = require(\'express\');\nconst app = expr';
        const result = await engine.complete(`after ${d.name}`, { keep: 0, append: text, length: text.length }, defaultCompleteOptions());
        assert.ok(result.items.length > 0, `no completions after ${d.name}`);
        assert.equal(engine.info().dir, good);
      }
    } finally {
      await engine.dispose();
    }
  });

  it('EngineClient.load rejects with the same message through the worker, and the next good load works', async () => {
    const client = new EngineClient(defaultEngineClientOptions(distFile('worker.js')));
    const crashes: Error[] = [];
    client.onDidCrash((e) => crashes.push(e));
    try {
      for (const d of damages) {
        await assert.rejects(client.load(damaged.get(d.name)!), (e: Error) => {
          assert.match(e.message, d.file, `${d.name}: ${e.message}`);
          return true;
        });
      }
      await client.load(good);
      const result = await client.complete('x.js', 'const app = expr', defaultCompleteOptions());
      assert.ok(result?.items.length);
      assert.deepEqual(crashes, [], 'a damaged folder crashed the worker');
    } finally {
      await client.dispose();
    }
  });
});
