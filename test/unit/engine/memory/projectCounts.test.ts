import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CodeWordIds, CountCursor, defaultProjectMixing, folderOf, IdBuffer, pieceEnd, ProjectCounts } from '../../../../src/engine/memory/projectCounts';
import { encodeTokenIds } from '../../../../src/engine/memory/tokenIds';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { codeFamilyOfPath, commentAndStringMask } from '../../../../src/engine/text/languageWords';
import { isCompletionWord } from '../../../../src/engine/text/words';
import { sampleFiles } from '../../helpers/tinyModel';

/** Every count the memory answers, from scratch: unigrams, bigrams, trigrams and folder words. */
function recount(files: Map<string, string>) {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const [path, text] of files) {
    const t = lexTokens(text);
    t.forEach((w, i) => {
      add(`1 ${w}`);
      if (isCompletionWord(w)) add(`f ${folderOf(path)} ${w}`);
      if (i >= 1) add(`2 ${t[i - 1]} ${w}`);
      if (i >= 2) add(`3 ${t[i - 2]} ${t[i - 1]} ${w}`);
    });
  }
  return counts;
}

function assertSame(memory: ProjectCounts, files: Map<string, string>, probes: Map<string, number>) {
  const expected = recount(files);
  // Every n-gram ever counted (now or before) must have its from-scratch count: 0 when gone.
  for (const key of new Set([...probes.keys(), ...expected.keys()])) {
    const [kind, ...rest] = key.split(' ');
    // Tokens never hold a space (whitespace runs are dropped or become '\n'): keys split on spaces.
    const got = kind === 'f' ? memory.folderCount(rest[0], rest[1]) : memory.ngramCount(rest);
    assert.equal(got, expected.get(key) ?? 0, key);
    probes.set(key, 0);
  }
  assert.equal(memory.fileCount, files.size);
  const words = new Set([...files.values()].flatMap((t) => lexTokens(t).filter(isCompletionWord)));
  assert.equal(memory.wordCount, words.size);
  assert.equal(memory.tokenCount, [...files.values()].reduce((n, t) => n + lexTokens(t).length, 0));
}

describe('ProjectCounts', () => {
  const corpus = sampleFiles().slice(0, 12);

  it('save, delete and rename change the counts exactly as counting from scratch', () => {
    const memory = new ProjectCounts();
    const files = new Map<string, string>();
    const probes = new Map<string, number>();
    corpus.slice(0, 8).forEach((f) => {
      memory.setText(f.path, f.text);
      files.set(f.path, f.text);
    });
    assertSame(memory, files, probes);
    // Save: a file's text changes (half of it, then another file's text).
    const [a, b, c] = corpus.slice(0, 3).map((f) => f.path);
    const edited = corpus[0].text.slice(0, corpus[0].text.length >> 1) + '\nconst addedIdentifier = 1;\n';
    memory.setText(a, edited);
    files.set(a, edited);
    assertSame(memory, files, probes);
    // Delete.
    assert.equal(memory.remove(b), true);
    files.delete(b);
    assert.equal(memory.remove(b), false);
    assertSame(memory, files, probes);
    // Rename into another folder: the folder counts move with it.
    memory.rename(c, `moved/elsewhere/${c}`);
    files.set(`moved/elsewhere/${c}`, files.get(c)!);
    files.delete(c);
    assertSame(memory, files, probes);
    // Create.
    memory.setText(corpus[9].path, corpus[9].text);
    files.set(corpus[9].path, corpus[9].text);
    assertSame(memory, files, probes);
  });

  it('lexing a file in pieces (pieceEnd), into one reused buffer, gives the ids of lexing it whole', () => {
    const memory = new ProjectCounts();
    const buffer = new IdBuffer();
    // Blank lines, whitespace-only lines, CRLF and a non-ASCII space around the cuts.
    const tricky = 'a\n\nb\n  \n\tc\r\n\r\nd \u00a0\n e\n\n\n';
    for (const text of [tricky, ...corpus.slice(0, 4).map((f) => f.text)]) {
      const whole = [...memory.lex(text)];
      for (const chars of [1, 7, 100]) {
        buffer.clear();
        let pieces = 0;
        for (let at = 0; at < text.length; pieces++) {
          const end = pieceEnd(text, at, chars);
          assert.ok(end > at);
          memory.lex(text.slice(at, end), undefined, buffer);
          at = end;
        }
        assert.ok(pieces > 1 || text.length <= chars);
        assert.deepEqual([...buffer.ids()], whole, `${text.slice(0, 20)} in pieces of ${chars}`);
      }
    }
  });

  it('counting a file in ranges gives the counts of counting it whole', () => {
    const whole = new ProjectCounts();
    const ranges = new ProjectCounts();
    const text = corpus[1].text;
    whole.setText('a/x.js', text);
    const ids = ranges.lex(text);
    const file = ranges.attach('a/x.js', encodeTokenIds(ids), ids.length);
    const cursor = new CountCursor();
    let slices = 1;
    while (!ranges.countSlice(file, 1, cursor, 7)) slices++;
    assert.equal(slices, Math.ceil(ids.length / 7));
    for (const t of new Set(lexTokens(text))) assert.equal(ranges.count(t), whole.count(t));
    const t = lexTokens(text);
    for (let i = 2; i < t.length; i += 13) assert.equal(ranges.ngramCount(t.slice(i - 2, i + 1)), whole.ngramCount(t.slice(i - 2, i + 1)));
  });

  it('offers the project\'s words by context, the current folder\'s first, and its weights sum as it says', () => {
    const memory = new ProjectCounts();
    memory.setText('lib/a.js', 'function makeWidget() { return buildWidget(); }\nmakeWidget();\nmakeWidget();\n');
    memory.setText('lib/b.js', 'const w = makeWidget();\n');
    memory.setText('other/c.js', 'mapEntries(); mapEntries(); mapEntries(); mapEntries(); mapEntries();\n');
    const mixing = defaultProjectMixing();
    const inLib = memory.query([], 'ma', 'lib/new.js', 10, mixing);
    assert.equal(inLib.words[0].word, 'makeWidget');
    const inOther = memory.query([], 'ma', 'other/new.js', 10, mixing);
    assert.equal(inOther.words[0].word, 'mapEntries');
    // After "return" the bigram knows what follows.
    const afterReturn = memory.query(['{', 'return'], 'b', 'lib/new.js', 10, mixing);
    assert.equal(afterReturn.words[0].word, 'buildWidget');
    for (const q of [inLib, inOther, afterReturn, memory.query(['='], '', 'lib/new.js', 1000, mixing)]) {
      const sum = q.words.reduce((s, w) => s + w.weight, 0);
      assert.ok(Math.abs(sum - q.total) < 1e-9, `${sum} vs ${q.total}`);
      assert.ok(q.total > 0 && q.total + q.modelWeight <= 1 + 1e-9);
      for (const w of q.words) assert.equal(q.weight(w.word), w.weight);
    }
    assert.equal(memory.query([], 'makeWidget', 'lib/new.js', 10, mixing).words.length, 0, 'never the typed word itself');
  });

  it('scales its weights, its total and the model\'s share by maxShare (the engine\'s learnedShare is one)', () => {
    const memory = new ProjectCounts();
    memory.setText('lib/a.js', 'function makeWidget() { return buildWidget(); }\nmakeWidget();\n');
    const mixing = { ...defaultProjectMixing(), maxShare: 0.5 };
    const base = memory.query([], 'ma', 'lib/new.js', 10, mixing);
    const learned = memory.query([], 'ma', 'lib/new.js', 10, { ...mixing, maxShare: 0.25 });
    assert.deepEqual(learned.words.map((w) => w.word), base.words.map((w) => w.word));
    // The share scales every weight and the total alike; the model gets the rest.
    assert.ok(Math.abs(learned.total - base.total / 2) < 1e-12, `${learned.total} vs ${base.total}`);
    assert.ok(Math.abs(learned.words[0].weight - base.words[0].weight / 2) < 1e-12);
    assert.ok(Math.abs(1 - learned.modelWeight - (1 - base.modelWeight) / 2) < 1e-12);
  });

  it('counts per family the files whose code (not comments, not strings) uses a word, exactly through save, delete and rename', () => {
    const memory = new ProjectCounts();
    memory.setText('src/a.ts', 'export const ledgerTotal = 1; // Catherine\nconst s = "Captain";\n');
    memory.setText('src/b.js', '/* ledgerTotal, Catherine */ import { ledgerTotal } from "./a";\n');
    memory.setText('tool.py', 'ledger_rows = 1  # ledgerTotal\n');
    memory.setText('README.md', 'The ledgerTotal of Catherine.\n');
    assert.equal(memory.count('Catherine'), 3);
    assert.deepEqual(['Catherine', 'Captain', 'ledgerTotal', 'ledger_rows'].map((w) => memory.codeCount('jsts', w)), [0, 0, 2, 0]);
    assert.deepEqual(['ledgerTotal', 'ledger_rows'].map((w) => memory.codeCount('python', w)), [0, 1]);
    // Saved with the word in a comment only; deleted; renamed to prose and back to code.
    memory.setText('src/b.js', '// ledgerTotal\n');
    assert.equal(memory.codeCount('jsts', 'ledgerTotal'), 1);
    memory.remove('src/b.js');
    memory.rename('src/a.ts', 'src/a.md');
    assert.equal(memory.codeCount('jsts', 'ledgerTotal'), 0);
    memory.rename('src/a.md', 'src/a.ts');
    assert.equal(memory.codeCount('jsts', 'ledgerTotal'), 1);
    memory.remove('src/a.ts');
    assert.equal(memory.codeCount('jsts', 'ledgerTotal'), 0);
    assert.equal(memory.codeCount('jsts', 'neverSeen'), 0);
  });

  it('gathers a file\'s code words read in parts as read whole, as a recount of its code finds them', () => {
    // Paths are distinct (express and koa both have an index.js).
    const files = [...new Map(corpus.filter((f) => codeFamilyOfPath(f.path)).map((f) => [f.path, f])).values()];
    assert.ok(files.length >= 5);
    const whole = new ProjectCounts();
    const parts = new ProjectCounts();
    for (const f of files) {
      whole.setText(f.path, f.text);
      const code = CodeWordIds.of(f.path)!;
      // In the pieces the project memory reads (pieceEnd: after a whitespace run that holds a line feed).
      const ids = new IdBuffer();
      for (let at = 0; at < f.text.length; ) {
        const end = pieceEnd(f.text, at, 200);
        parts.lex(f.text.slice(at, end), code, ids);
        at = end;
      }
      parts.setTokens(f.path, ids.ids().slice(), [...code.ids]);
    }
    const expected = new Map<string, number>();
    for (const f of files) {
      const mask = commentAndStringMask(codeFamilyOfPath(f.path)!, f.text);
      const inCode = new Set<string>();
      let at = 0;
      for (const token of lexTokens(f.text)) {
        at = f.text.indexOf(token, at);
        if (isCompletionWord(token) && !mask[at]) inCode.add(token);
        at += token.length;
      }
      for (const w of inCode) expected.set(w, (expected.get(w) ?? 0) + 1);
    }
    assert.ok(expected.size > 100);
    for (const f of files) {
      for (const w of new Set(lexTokens(f.text))) {
        assert.equal(whole.codeCount('jsts', w), expected.get(w) ?? 0, w);
        assert.equal(parts.codeCount('jsts', w), expected.get(w) ?? 0, w);
      }
    }
  });

  it('keeps no file\'s text alive through the words it learned from it', () => {
    // V8 cuts a token of 13 units or more as a view into the text it came from, so a memory that
    // kept such views held on to every file that brought a new word: 57 MB of a 50 MB workspace.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const memory = new ProjectCounts();
    const before = heap();
    // 20 files of 500 K units (one-byte text), each with a long word of its own.
    for (let i = 0; i < 20; i++) memory.setText(`src/f${i}.ts`, `${'let x = y;\n'.repeat(50_000)}const aVeryLongIdentifierNumber${i} = 1;\n`);
    const grown = heap() - before;
    assert.equal(memory.count(`aVeryLongIdentifierNumber7`), 1);
    assert.ok(grown < 2e6, `the memory's heap grew by ${(grown / 1e6).toFixed(1)} MB for 20 words (the files hold 10 MB)`);
  });

  it('an empty memory leaves everything to the model', () => {
    const q = new ProjectCounts().query(['a'], 'b', 'x.js', 10, defaultProjectMixing());
    assert.deepEqual([q.words, q.total, q.modelWeight], [[], 0, 1]);
  });
});

describe('ProjectCounts on a large vocabulary', () => {
  it('under a prefix with thousands of words, reads the followers: the context\'s word still comes first', () => {
    const memory = new ProjectCounts();
    const many = Array.from({ length: 5000 }, (_, i) => `alpha${i.toString(36)}`).join(' ');
    memory.setText('a.js', `${many}\nconfig.alphaSetting = 1;\nconfig.alphaSetting = 2;\n`);
    const q = memory.query(['config', '.'], 'a', 'b.js', 5, defaultProjectMixing());
    assert.equal(q.words[0].word, 'alphaSetting');
    assert.ok(q.total > 0 && q.total < 1);
  });
});
