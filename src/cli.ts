#!/usr/bin/env node
// The `recurrent` command line: the same engine as the extension, headless. With --json the last
// line of stdout is one JSON object (docs/architecture.md §4); progress goes to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineClient, defaultEngineClientOptions } from './engine/runtime/engineClient';
import { readCorpus } from './engine/training/corpus';
import { evaluateFolder } from './engine/training/evaluateFolder';
import { fineTune } from './engine/training/fineTune';
import type { DynamicEvalOptions } from './engine/training/dynamicEval';
import { defaultCompleteOptions } from './engine/runtime/completeOptions';
import { Engine } from './engine/runtime/engine';
import { SURPRISAL_HIGHLIGHTS } from './engine/runtime/surprisal';
import { languageOfPath } from './engine/tokenizer/language';

const bundledModel = path.join(__dirname, '..', 'media', 'models', 'base');
const workerPath = path.join(__dirname, 'worker.js');

const usage = `usage: recurrent <command> [options]

  eval     [--model DIR] [--by-language] [--files-from LIST] [--no-cache] [--json] PATH…
                                                              bits per character and perplexity
                                                              (--no-cache: the network without its neural cache)
           --dynamic [--lr X] [--decay X] [--chunk-tokens N] [--passes N] [--clip-norm X]
                                                              …learning from each file after scoring it,
                                                              with and without the neural cache
  train    [--from DIR] --out DIR [--epochs N] [--max-minutes M] [--json] PATH…
  complete [--model DIR] --file F --offset N [--json]         completions at a cursor offset
  surprisal [--model DIR] --file F [--top N] [--no-cache] [--json]
                                                              the most surprising words, as the editor highlights them
  simulate [--model DIR] [--max-words N] [--max-words-per-file N] [--ngram-train DIR] [--session [--learn]] [--no-cache] [--json] PATH…
                                                              typing simulation against baselines; with
                                                              --session each PATH is a project whose files
                                                              are typed in path order, the earlier ones saved
                                                              (--learn [--lr X] [--decay X] [--chunk-tokens N] [--passes N] [--clip-norm X]:
                                                              also recurrent+learning,
                                                              which learns from each saved file as the editor does)
  bench    [--model DIR] [--file F] [--keystrokes N] [--cpu-budget X] [--project-mb N] [--only project-memory] [--json]
                                                              latency, throughput, training and learning speed, project memory

PATH is a file or a folder (read recursively with the training filters).
--model defaults to the bundled base model.`;

type Values = Record<string, string | boolean | undefined>;

const commands: Record<string, (values: Values, paths: string[]) => Promise<object>> = {
  async eval(v, paths) {
    const listed = typeof v['files-from'] === 'string' ? fs.readFileSync(v['files-from'], 'utf8').split('\n').filter(Boolean) : [];
    const files = requireFiles([...paths, ...listed]);
    if (v.dynamic) {
      const { evaluateDynamic } = await import('./engine/training/evaluateDynamic');
      return evaluateDynamic(modelDir(v), files, {
        onProgress: progress,
        cache: v['no-cache'] ? null : undefined,
        dynamic: learningOptions(v),
      });
    }
    return evaluateFolder(modelDir(v), files, { byLanguage: Boolean(v['by-language']), cache: v['no-cache'] ? null : undefined, onProgress: progress });
  },

  async train(v, paths) {
    if (typeof v.out !== 'string') throw new UsageError('train needs --out DIR');
    const files = requireFiles(paths);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const result = await fineTune({
      files,
      fromDir: typeof v.from === 'string' ? v.from : bundledModel,
      outDir: v.out,
      options: {
        ...(v.epochs ? { epochs: positive(v.epochs, '--epochs') } : {}),
        ...(v['max-minutes'] ? { maxMinutes: positive(v['max-minutes'], '--max-minutes') } : {}),
      },
      description: `fine-tuned on ${paths.join(', ')}`,
    }, (p) => {
      if (p.phase === 'preparing') progress('reading and tokenizing…');
      else if (p.phase === 'prepared') progress(`${p.files} files: ${p.trainTokens} training and ${p.validTokens} validation tokens`);
      else progress(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s eta ${Math.round(p.etaSeconds)}s${p.validBitsPerChar ? ` valid ${p.validBitsPerChar.toFixed(3)} bpc` : ''}`);
    }, abort.signal);
    return {
      trainTokens: result.trainTokens,
      validTokens: result.validTokens,
      before: result.before,
      after: result.after,
      tokensPerSecond: result.tokensPerSecond,
      seconds: result.seconds,
      stopped: result.stopped,
      out: result.outDir,
    };
  },

  async complete(v) {
    if (typeof v.file !== 'string' || typeof v.offset !== 'string') throw new UsageError('complete needs --file F --offset N');
    const text = fs.readFileSync(v.file, 'utf8');
    const offset = Number(v.offset);
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length) throw new UsageError(`--offset must be an integer from 0 to ${text.length}`);
    const client = new EngineClient(defaultEngineClientOptions(workerPath));
    try {
      await client.load(modelDir(v));
      const result = await client.complete(path.resolve(v.file), text.slice(0, offset), defaultCompleteOptions(), undefined, languageOfPath(v.file));
      return { word: result!.typed, items: result!.items.map(({ word, probability }) => ({ word, probability })), inline: result!.inline };
    } finally {
      await client.dispose();
    }
  },

  async surprisal(v) {
    if (typeof v.file !== 'string') throw new UsageError('surprisal needs --file F');
    const text = readText(v.file);
    const engine = new Engine();
    try {
      await engine.load(modelDir(v), !v['no-cache']);
      const score = await engine.score(text, v.top ? positive(v.top, '--top') : SURPRISAL_HIGHLIGHTS, undefined, languageOfPath(v.file));
      return { bitsPerChar: score.bitsPerChar, spans: (score.surprising ?? []).map((s) => ({ ...s, text: text.slice(s.start, s.end) })) };
    } finally {
      await engine.dispose();
    }
  },

  async simulate(v, paths) {
    const { runSimulation } = await import('./engine/eval/runSimulation');
    const session = Boolean(v.session);
    if (!paths.length) throw new UsageError('give at least one file or folder');
    // A session types each project's files in path order (readCorpus sorts them); the project is the PATH.
    const files = session ? paths.flatMap((p) => requireFiles([p]).map((f) => ({ ...f, project: p }))) : requireFiles(paths);
    return runSimulation({
      modelDir: modelDir(v), workerPath, files, session, onProgress: progress, neuralCache: !v['no-cache'],
      maxWords: v['max-words'] ? positive(v['max-words'], '--max-words') : undefined,
      maxWordsPerFile: v['max-words-per-file'] ? positive(v['max-words-per-file'], '--max-words-per-file') : undefined,
      ngramTrain: typeof v['ngram-train'] === 'string' ? v['ngram-train'] : undefined,
      learnerPath: v.learn ? path.join(__dirname, 'learner.js') : undefined,
      learning: learningOptions(v),
    });
  },

  async bench(v) {
    const { runBenchmarks, runProjectMemoryBench } = await import('./engine/eval/bench');
    if (v.only !== undefined && v.only !== 'project-memory') throw new UsageError(`--only takes project-memory, not ${v.only}`);
    return (v.only ? runProjectMemoryBench : runBenchmarks)({
      modelDir: modelDir(v), workerPath, onProgress: progress,
      file: typeof v.file === 'string' ? v.file : undefined,
      keystrokes: v.keystrokes ? positive(v.keystrokes, '--keystrokes') : undefined,
      learningCpuBudget: v['cpu-budget'] ? positive(v['cpu-budget'], '--cpu-budget') : undefined,
      projectMemoryMB: v['project-mb'] ? positive(v['project-mb'], '--project-mb') : undefined,
    });
  },
};

class UsageError extends Error {}

/** Files larger than this are not read. */
const maxFileBytes = 2 * 1024 * 1024;

function modelDir(v: Values): string {
  return typeof v.model === 'string' ? v.model : bundledModel;
}

function requireFiles(paths: string[]) {
  if (!paths.length) throw new UsageError('give at least one file or folder');
  for (const p of paths) if (!fs.existsSync(p)) throw new Error(`no such file or folder: ${p}`);
  const { files } = readCorpus(paths, { maxFileBytes });
  if (!files.length) throw new Error(`no readable text files in ${paths.join(', ')}`);
  return files;
}

/** A text file as UTF-16, refusing what is not text: the scores of binary bytes mean nothing. */
function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes.length > maxFileBytes) throw new Error(`${file} is larger than ${maxFileBytes >> 20} MB`);
  if (bytes.includes(0)) throw new Error(`${file} is not a text file (it has NUL bytes)`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not valid UTF-8`);
  }
}

function positive(value: string | boolean | undefined, name: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`${name} must be a positive number`);
  return n;
}

function nonNegative(value: string | boolean | undefined, name: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new UsageError(`${name} must be a number ≥ 0`);
  return n;
}

/** The learner's options given on the command line (eval --dynamic, simulate --learn). */
function learningOptions(v: Values): Partial<DynamicEvalOptions> {
  return {
    ...(v.lr !== undefined ? { lr: nonNegative(v.lr, '--lr') } : {}),
    ...(v.decay !== undefined ? { decay: nonNegative(v.decay, '--decay') } : {}),
    ...(v['chunk-tokens'] ? { chunkTokens: positive(v['chunk-tokens'], '--chunk-tokens') } : {}),
    ...(v.passes ? { passes: positive(v.passes, '--passes') } : {}),
    ...(v['clip-norm'] !== undefined ? { clipNorm: nonNegative(v['clip-norm'], '--clip-norm') } : {}),
  };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(usage + '\n');
    return command ? 0 : 2;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`recurrent: unknown command '${command}'\n\n${usage}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' }, model: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' },
        epochs: { type: 'string' }, 'max-minutes': { type: 'string' }, file: { type: 'string' }, offset: { type: 'string' },
        'max-words': { type: 'string' }, 'max-words-per-file': { type: 'string' }, 'by-language': { type: 'boolean' }, 'ngram-train': { type: 'string' },
        'files-from': { type: 'string' }, keystrokes: { type: 'string' }, 'no-cache': { type: 'boolean' }, top: { type: 'string' },
        dynamic: { type: 'boolean' }, lr: { type: 'string' }, decay: { type: 'string' }, 'chunk-tokens': { type: 'string' }, passes: { type: 'string' }, 'clip-norm': { type: 'string' }, 'cpu-budget': { type: 'string' },
        session: { type: 'boolean' }, learn: { type: 'boolean' }, 'project-mb': { type: 'string' }, only: { type: 'string' },
      },
    });
    const result = await run(values, positionals);
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : formatHuman(result) + '\n');
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`recurrent ${command}: ${message}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') process.stderr.write(`\n${usage}\n`);
    return 1;
  }
}

function formatHuman(result: object): string {
  if ('table' in result && typeof result.table === 'string') return result.table;
  return JSON.stringify(result, null, 2);
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
