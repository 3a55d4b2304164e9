// The `recurrent` command line end to end (dist/cli.js, as users and other tools run it): every
// command's --json output has the keys docs/architecture.md §4 lists, on a tiny model.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildScoreModel, loadModelFolder, stateSize } from '../../src/engine/model';
import { createSession } from '../../src/engine/onnx/ortSession';
import { Tokenizer } from '../../src/engine/tokenizer';
import { readCorpus } from '../../src/engine/training/corpus';
import { scoreDocuments, summarize } from '../../src/engine/training/evaluate';
import { corpusDir, tinyModelDir, tinyWordMemory } from './helpers/tinyModel';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const run = promisify(execFile);

async function recurrent(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [cli, ...args], { maxBuffer: 64 * 1024 * 1024 });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

function hasKeys(o: object, keys: string[]): void {
  for (const k of keys) assert.ok(k in o, `missing key ${k} in ${JSON.stringify(o).slice(0, 300)}`);
}

describe('recurrent CLI', function () {
  this.timeout(300_000);
  let model: string;
  const koa = path.join(corpusDir, 'koa');
  before(async () => {
    assert.ok(fs.existsSync(cli), 'dist/cli.js is missing: npm run build first');
    model = await tinyModelDir();
  });

  it('eval reports bits per character and perplexity', async () => {
    const r = await recurrent('eval', '--model', model, '--json', koa);
    hasKeys(r, ['files', 'chars', 'tokens', 'bitsPerChar', 'perplexity', 'seconds']);
    assert.ok((r.bitsPerChar as number) > 0 && (r.perplexity as number) > 1);
  });

  it('eval --dynamic learns from each file after scoring it and reports the static score beside it', async () => {
    const r = await recurrent('eval', '--dynamic', '--lr', '1e-3', '--clip-norm', '2', '--model', model, '--json', path.join(corpusDir, 'pino', 'docs', 'asynchronous.md'), path.join(corpusDir, 'pino', 'docs', 'browser.md'));
    hasKeys(r, ['files', 'chars', 'tokens', 'bitsPerChar', 'perplexity', 'static', 'learning', 'seconds']);
    hasKeys(r.static as object, ['bitsPerChar', 'perplexity']);
    hasKeys(r.learning as object, ['lr', 'decay', 'clipNorm', 'steps', 'stepsPerKB', 'cpuSecondsPerKB']);
    assert.deepEqual([(r.learning as { lr: number }).lr, (r.learning as { clipNorm: number }).clipNorm], [1e-3, 2]);
    assert.ok((r.bitsPerChar as number) < ((r.static as { bitsPerChar: number }).bitsPerChar), JSON.stringify(r));
  });

  it('eval --no-cache scores the network alone, as the plain score graph does; the neural cache lowers the figure of repetitive code', async () => {
    const bundled = path.resolve(__dirname, '../../media/models/base');
    const workspace = path.resolve(__dirname, '../fixtures/workspace');
    const alone = await recurrent('eval', '--no-cache', '--json', workspace);
    const cached = await recurrent('eval', '--json', workspace);
    const folder = loadModelFolder(bundled);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    const docs = readCorpus([workspace], { maxFileBytes: 2 * 1024 * 1024 }).files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length }));
    const session = await createSession(buildScoreModel(folder.cfg, folder.weights), 1);
    const plain = summarize(await scoreDocuments({ session, stateSize: stateSize(folder.cfg), layers: folder.cfg.layers }, tokenizer.docStartId, docs));
    await session.release();
    assert.ok(Math.abs((alone.bitsPerChar as number) - plain.bitsPerChar) < 1e-6, `${alone.bitsPerChar} vs ${plain.bitsPerChar}`);
    assert.equal(alone.tokens, plain.tokens);
    assert.ok((cached.bitsPerChar as number) < 0.95 * plain.bitsPerChar, `with the cache ${cached.bitsPerChar}, alone ${plain.bitsPerChar}`);
  });

  it('surprisal ranks a typo injected into a fixture first, naming the word it misspells', async () => {
    const text = fs.readFileSync(path.resolve(__dirname, '../fixtures/workspace/src/inventory.ts'), 'utf8');
    const at = text.indexOf('return');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-typo-')), 'inventory.ts');
    fs.writeFileSync(file, text.slice(0, at) + 'retrun' + text.slice(at + 'return'.length));
    const r = await recurrent('surprisal', '--file', file, '--top', '5', '--json');
    hasKeys(r, ['bitsPerChar', 'spans']);
    const spans = r.spans as { start: number; end: number; bits: number; text: string; typoOf?: string }[];
    assert.equal(spans.length, 5);
    for (const s of spans) {
      hasKeys(s, ['start', 'end', 'bits', 'text']);
      assert.equal(s.text, fs.readFileSync(file, 'utf8').slice(s.start, s.end));
    }
    // Likely typos first, then by bits; each most surprising first.
    const typos = spans.filter((s) => s.typoOf);
    assert.deepEqual(spans.slice(0, typos.length), typos);
    for (const group of [typos, spans.slice(typos.length)]) assert.ok(group.every((s, i) => i === 0 || s.bits <= group[i - 1].bits), 'most surprising first');
    // The file uses `return` elsewhere: `retrun` is one swap from it.
    assert.ok(spans[0].start < at + 6 && spans[0].end > at, `the typo at ${at}: ${JSON.stringify(spans)}`);
    assert.equal(spans[0].typoOf, 'return');
  });

  it('train fine-tunes and eval agrees that the held-out text got more predictable; the word memory goes along', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-cli-'));
    const from = path.join(root, 'from');
    const out = path.join(root, 'model');
    fs.mkdirSync(from);
    for (const name of fs.readdirSync(model)) fs.copyFileSync(path.join(model, name), path.join(from, name));
    fs.writeFileSync(path.join(from, 'words.bin'), tinyWordMemory());
    const r = await recurrent('train', '--from', from, '--out', out, '--epochs', '2', '--json', koa);
    hasKeys(r, ['trainTokens', 'validTokens', 'before', 'after', 'tokensPerSecond', 'seconds']);
    hasKeys(r.before as object, ['bitsPerChar']);
    assert.ok((r.after as { bitsPerChar: number }).bitsPerChar < (r.before as { bitsPerChar: number }).bitsPerChar);
    for (const f of ['model.onnx', 'tokenizer.json', 'model.json']) assert.ok(fs.existsSync(path.join(out, f)));
    // The corpus memory unchanged; the workspace's own words are the project memory's, not the model folder's.
    assert.deepEqual(fs.readFileSync(path.join(out, 'words.bin')), fs.readFileSync(path.join(from, 'words.bin')));
    assert.equal(fs.existsSync(path.join(out, 'workspace-words.bin')), false);
    const before = await recurrent('eval', '--model', model, '--json', koa);
    const after = await recurrent('eval', '--model', out, '--json', koa);
    assert.ok((after.bitsPerChar as number) < (before.bitsPerChar as number));
  });

  it('complete answers for a cursor offset', async () => {
    const file = path.join(koa, 'lib', 'application.js');
    const text = fs.readFileSync(file, 'utf8');
    const offset = text.lastIndexOf('this.middleware') + 'this.midd'.length;
    const r = await recurrent('complete', '--model', model, '--file', file, '--offset', String(offset), '--json');
    hasKeys(r, ['word', 'items', 'inline']);
    assert.equal(r.word, 'midd');
    const items = r.items as { word: string; probability: number }[];
    assert.ok(items.length > 0);
    for (const i of items) {
      hasKeys(i, ['word', 'probability']);
      assert.ok(i.word.startsWith('midd'));
    }
  });

  it('simulate --session --learn also types with recurrent+learning, which learns from each saved file', async () => {
    const r = await recurrent('simulate', '--session', '--learn', '--model', model, '--max-words-per-file', '8', '--ngram-train', koa, '--json', path.join(corpusDir, 'express', 'lib'));
    const systems = r.systems as Record<string, { keystrokesSaved: number; mrr: number[] }>;
    const learning = systems['recurrent+learning'];
    assert.ok(learning, Object.keys(systems).join(', '));
    // The same engine on the same positions, differing only by the weights learned from the saved files.
    assert.notDeepEqual([learning.keystrokesSaved, learning.mrr], [systems.recurrent.keystrokesSaved, systems.recurrent.mrr]);
    assert.equal((r.static as { systems: Record<string, unknown> }).systems['recurrent+learning'], undefined);
  });

  it('simulate --session types each project\'s files in order and reports the static figures beside', async () => {
    const r = await recurrent('simulate', '--session', '--model', model, '--max-words-per-file', '8', '--ngram-train', koa, '--json', path.join(corpusDir, 'express', 'lib'));
    assert.equal(r.mode, 'session');
    const still = r.static as { words: number; systems: Record<string, { keystrokesSaved: number }> };
    assert.equal(still.words, r.words);
    const systems = r.systems as Record<string, { keystrokesSaved: number }>;
    assert.deepEqual(Object.keys(still.systems).sort(), Object.keys(systems).sort());
    // The earlier files of express/lib share its identifiers: every system saves more keystrokes with them.
    for (const name of ['recurrent', 'vscode-words', 'ngram-cache']) assert.ok(systems[name].keystrokesSaved > still.systems[name].keystrokesSaved, name);
  });

  it('simulate types files against every baseline', async () => {
    const r = await recurrent('simulate', '--model', model, '--max-words', '60', '--ngram-train', koa, '--json', path.join(corpusDir, 'express', 'lib', 'view.js'));
    hasKeys(r, ['words', 'systems', 'inline']);
    assert.equal(r.words, 60);
    const systems = r.systems as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(systems).sort(), ['frequency', 'ngram-cache', 'recurrent', 'vscode-words']);
    for (const s of Object.values(systems)) {
      hasKeys(s, ['top1', 'top5', 'mrr', 'keystrokesSaved']);
      hasKeys(s.mrr as object, ['k0', 'k1', 'k2']);
    }
    hasKeys(r.inline as object, ['shown', 'accepted', 'precision', 'charsSaved']);
  });

  it('bench prints every figure', async () => {
    const r = await recurrent('bench', '--model', model, '--keystrokes', '150', '--project-mb', '2', '--json');
    hasKeys(r, ['completionMs', 'coldOpenMs', 'firstWordStartMs', 'stateTokensPerSecond', 'fullPrefixMs', 'persistentStateSpeedup', 'tokenizerMBps', 'train', 'workerRssMB', 'eventLoopLagMs', 'projectMemory']);
    const memory = r.projectMemory as Record<string, unknown>;
    hasKeys(memory, ['indexMBps', 'rssMB', 'completionMs', 'eventLoopLagMs', 'files']);
    hasKeys(memory.completionMs as object, ['p50', 'p99']);
    assert.ok((memory.indexMBps as number) > 0 && (memory.files as number) > 0);
    hasKeys(r.completionMs as object, ['p50', 'p99']);
    hasKeys(r.train as object, ['tokensPerSecond', 'modelGflops', 'matmulPeakGflops', 'mfu']);
    hasKeys(r.eventLoopLagMs as object, ['p99']);
    hasKeys(r.neuralCache as object, ['completionMs', 'rssMB', 'without']);
    hasKeys((r.neuralCache as { completionMs: object }).completionMs, ['p50', 'p99']);
    assert.ok((r.completionMs as { p50: number }).p50 > 0);
  });

  it('bench --only project-memory prints the project memory\'s figures alone', async () => {
    const r = await recurrent('bench', '--model', model, '--only', 'project-memory', '--project-mb', '1', '--json');
    assert.deepEqual(Object.keys(r), ['projectMemory']);
    const memory = r.projectMemory as Record<string, unknown>;
    hasKeys(memory, ['indexMBps', 'rssMB', 'completionMs', 'eventLoopLagMs', 'files']);
    assert.ok((memory.files as number) > 0);
    await assert.rejects(run(process.execPath, [cli, 'bench', '--model', model, '--only', 'typing']), (e: { code: number; stderr: string }) => e.code === 1 && /--only takes project-memory/.test(e.stderr));
  });

  it('says what is wrong with a bad command line', async () => {
    await assert.rejects(run(process.execPath, [cli, 'complete', '--model', model]), (e: { code: number; stderr: string }) => e.code === 1 && /needs --file/.test(e.stderr));
    await assert.rejects(run(process.execPath, [cli, 'eval', '--model', '/nonexistent', koa]), (e: { stderr: string }) => /nonexistent/.test(e.stderr));
    await assert.rejects(run(process.execPath, [cli, 'frobnicate']), (e: { code: number }) => e.code === 2);
    await assert.rejects(run(process.execPath, [cli, 'surprisal', '--model', model, '--file', path.join(model, 'model.onnx')]), (e: { code: number; stderr: string }) => e.code === 1 && /not a text file|not valid UTF-8/.test(e.stderr));
  });
});
