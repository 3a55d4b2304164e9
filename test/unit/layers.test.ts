// The engine's folders form one-way layers: a folder imports only the folders below it, so each
// can be read (and tested) knowing only what is beneath it. This reads every import of every file
// under src/ (static imports, `export … from`, `import type`, require and import()) and checks them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The engine's layers, lowest first: a file may import its own folder and the layers before it.
 * A file at the top of src/engine (random.ts, topK.ts, hash.ts, crc32.ts) is a layer of its own.
 */
const LAYERS = ['random', 'topK', 'hash', 'crc32', 'tokenizer', 'text', 'onnx', 'model', 'ngram', 'memory', 'training', 'runtime', 'eval'];

const SRC = path.resolve(__dirname, '../../src');

/** One import: the importing file and what it names, relative to src/ (a package's name as is). */
interface Edge {
  readonly from: string;
  readonly to: string;
  /** A file under src/, not a package. */
  readonly local: boolean;
}

/** The layer of a file under src/engine: its folder, or the file's name for a file at the top. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? parts[1].replace(/\.ts$/, '') : parts[1];
}

/** Every rule an edge breaks, as a message naming the file and the edge. */
function violations(edges: readonly Edge[]): string[] {
  const found: string[] = [];
  const folderEdges = new Map<string, Set<string>>();
  for (const { from, to, local } of edges) {
    const edge = `${from} imports ${to}`;
    const inEngine = from.startsWith('engine/');
    if (!local) {
      if (to === 'vscode' && inEngine) found.push(`${edge}: nothing under src/engine may import vscode`);
      continue;
    }
    if (to.startsWith('vscode/') && !(from === 'extension.ts' || from.startsWith('vscode/'))) {
      found.push(`${edge}: only src/extension.ts and src/vscode may import src/vscode`);
    }
    if (!inEngine) continue;
    if (!to.startsWith('engine/')) {
      found.push(`${edge}: the engine imports nothing outside src/engine`);
      continue;
    }
    const a = layerOf(from);
    const b = layerOf(to);
    const unknown = [a, b].filter((layer) => !LAYERS.includes(layer));
    for (const layer of unknown) found.push(`${edge}: layer "${layer}" is not in LAYERS (test/unit/layers.test.ts)`);
    if (unknown.length > 0 || a === b) continue;
    if (LAYERS.indexOf(b) > LAYERS.indexOf(a)) found.push(`${edge}: upward edge from layer ${a} to layer ${b}`);
    if (!folderEdges.has(a)) folderEdges.set(a, new Set());
    folderEdges.get(a)!.add(b);
  }
  const cycle = findCycle(folderEdges);
  if (cycle) found.push(`cycle between folders: ${cycle.join(' → ')}`);
  return found;
}

/** A cycle in a directed graph as its nodes (first = last), or undefined. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const open = stack.indexOf(node);
    if (open >= 0) return [...stack.slice(open), node];
    if (done.has(node)) return undefined;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The file a relative specifier names, relative to src/ ('engine/x/y.ts'), as TypeScript resolves it. */
function resolveRelative(fromFile: string, specifier: string): string {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? base;
  return path.relative(SRC, found).split(path.sep).join('/');
}

function edgesUnderSrc(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    // preProcessFile lists import, import type, export … from, require() and import() alike.
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    return importedFiles.map(({ fileName }) => {
      const local = fileName.startsWith('.');
      return { from, to: local ? resolveRelative(file, fileName) : fileName, local };
    });
  });
}

describe('engine layers', () => {
  const edges = edgesUnderSrc();

  it('reads the imports of every file under src/', () => {
    const files = new Set(edges.map((e) => e.from));
    for (const file of ['cli.ts', 'extension.ts', 'engine/runtime/engine.ts', 'vscode/settings.ts']) {
      assert.ok(files.has(file), `no imports read from src/${file}`);
    }
    assert.ok(edges.some((e) => e.to === 'vscode'), 'the vscode imports of src/vscode were not read');
  });

  it('has no upward edge, no cycle between folders and no vscode under src/engine', () => {
    assert.deepEqual(violations(edges), []);
  });

  it('names the file and the edge of each kind of violation', () => {
    const bad: Edge[] = [
      { from: 'engine/training/trainer.ts', to: 'engine/runtime/engine.ts', local: true },
      { from: 'engine/runtime/engine.ts', to: 'engine/training/evaluate.ts', local: true },
      { from: 'engine/text/words.ts', to: 'vscode', local: false },
      { from: 'cli.ts', to: 'vscode/settings.ts', local: true },
      { from: 'engine/runtime/worker.ts', to: 'cli.ts', local: true },
      { from: 'engine/misc/x.ts', to: 'engine/text/words.ts', local: true },
      { from: 'engine/text/words.ts', to: 'onnxruntime-node', local: false },
    ];
    assert.deepEqual(violations(bad), [
      'engine/training/trainer.ts imports engine/runtime/engine.ts: upward edge from layer training to layer runtime',
      'engine/text/words.ts imports vscode: nothing under src/engine may import vscode',
      'cli.ts imports vscode/settings.ts: only src/extension.ts and src/vscode may import src/vscode',
      'engine/runtime/worker.ts imports cli.ts: the engine imports nothing outside src/engine',
      'engine/misc/x.ts imports engine/text/words.ts: layer "misc" is not in LAYERS (test/unit/layers.test.ts)',
      'cycle between folders: training → runtime → training',
    ]);
  });

  it('finds a cycle between folders that no layer order forbids', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    assert.deepEqual(findCycle(graph), ['a', 'b', 'c', 'a']);
    assert.equal(findCycle(new Map([['a', new Set(['b'])]])), undefined);
  });
});
