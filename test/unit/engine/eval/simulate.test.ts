import { strict as assert } from 'node:assert';
import type { CompletionSystem } from '../../../../src/engine/eval/completionSystem';
import { formatSimulationTable } from '../../../../src/engine/eval/formatSimulationTable';
import { simulate } from '../../../../src/engine/eval/simulate';
import { identifierTail } from '../../../../src/engine/text/identifier';
import { findWords, leadingWordChars } from '../../../../src/engine/text/words';

// Words: let(3) alpha(5) beta(4) alpha(5) gamma(5); "x" and "2b" are not words. Σ length = 22.
const text = 'let alpha = beta + alpha;\nx = gamma * 2b';
const files = [{ path: 'a.ts', text }];

/** The word being typed at the end of `before`, read from the full text (a test oracle). */
function wordAt(full: string, before: string): { word: string; k: number } {
  const typed = identifierTail(before);
  const word = leadingWordChars(full.slice(before.length - typed.length));
  return { word, k: typed.length };
}

const oracle: CompletionSystem = { name: 'oracle', startFile() {}, rank: (before) => [wordAt(text, before).word] };

/** A fixed list, prefix-filtered. */
const fixed: CompletionSystem = {
  name: 'fixed',
  startFile() {},
  rank: (_before, typed) => ['alpha', 'beta', 'gamma', 'let'].filter((w) => w.startsWith(typed)),
};

const nothing: CompletionSystem = { name: 'nothing', startFile() {}, rank: async () => [] };

/** Ghost text: alpha: "alph" at k = 0 (wrong), "lpha = " at k = 1 (right); let: "x" at k = 0,
 *  nothing at k = 1, "t" at k = 2; nothing for the other words. */
const ghost: CompletionSystem = {
  name: 'ghost',
  startFile() {},
  rank: () => [],
  inline(before) {
    const { word, k } = wordAt(text, before);
    if (word === 'alpha') return ['alph', 'lpha = '][k] ?? '';
    if (word === 'let') return ['x', '', 't'][k];
    return '';
  },
};

describe('eval/simulate', () => {
  it('finds whole words of at least two characters', () => {
    assert.deepEqual(findWords(text).map((w) => w.word), ['let', 'alpha', 'beta', 'alpha', 'gamma']);
    assert.deepEqual(findWords('é1 _a $ 9ab a_b𝑥 𝑥').map((w) => w.word), ['é1', '_a', 'a_b𝑥']);
  });

  it('scores an oracle, a fixed list and an empty system by hand', async () => {
    const r = await simulate(files, [oracle, fixed, nothing]);
    assert.equal(r.words, 5);
    assert.equal(r.chars, 22);
    assert.deepEqual(r.positions, { k0: 5, k1: 5, k2: 5 });
    const o = r.systems.oracle;
    assert.deepEqual([o.top1, o.top5, o.mrr], Array(3).fill({ k0: 1, k1: 1, k2: 1 }));
    assert.equal(o.keystrokesSaved, 1 - 5 / 22); // every word accepted at k = 0: one key each
    // fixed, ranks at k = 0: let 4, alpha 1, beta 2, alpha 1, gamma 3; first at k = 1 otherwise.
    const f = r.systems.fixed;
    assert.deepEqual(f.top1, { k0: 2 / 5, k1: 1, k2: 1 });
    assert.deepEqual(f.top5, { k0: 1, k1: 1, k2: 1 });
    assert.ok(Math.abs(f.mrr.k0 - (1 / 4 + 1 + 1 / 2 + 1 + 1 / 3) / 5) < 1e-12);
    assert.equal(f.keystrokesSaved, 1 - (2 + 1 + 2 + 1 + 2) / 22);
    const z = r.systems.nothing;
    assert.deepEqual([z.top1, z.mrr], [{ k0: 0, k1: 0, k2: 0 }, { k0: 0, k1: 0, k2: 0 }]);
    assert.equal(z.keystrokesSaved, 0);
    // nothing is asked at every k of every word (never first); the oracle only at k = 0, 1, 2.
    assert.equal(z.queries, 22);
    assert.equal(o.queries, 15);
    assert.equal(r.inline, null);
  });

  it('counts ghost text shown, accepted and the characters it completes', async () => {
    const silent: CompletionSystem = { ...ghost, name: 'silent', inline: () => '' };
    const r = await simulate(files, [fixed, ghost, silent]);
    assert.equal(r.systems.fixed.inline, undefined);
    assert.equal(r.systems.ghost.inline, r.inline);
    assert.deepEqual(
      [r.systems.silent.inline!.shown, r.systems.silent.inline!.queries, r.systems.silent.inline!.charsSaved],
      [0, 22, 0],
    );
    // alpha twice: shown at k = 0 (wrong) and k = 1 (right, 4 chars); let: k = 0 wrong, k = 2 right (1 char).
    assert.deepEqual(r.inline, {
      system: 'ghost',
      shown: 6,
      accepted: 3,
      precision: 0.5,
      charsSaved: 9 / 22,
      queries: r.inline!.queries,
      msPerQuery: r.inline!.msPerQuery,
    });
  });

  it('types files in order, with growing text, up to maxWords', async () => {
    const calls: string[] = [];
    let last = '';
    const recorder: CompletionSystem = {
      name: 'recorder',
      startFile(path) {
        calls.push(`start ${path}`);
        last = '';
      },
      rank(before, typed, limit) {
        assert.ok(before.startsWith(last) && before.endsWith(typed) && limit === 3);
        last = before;
        calls.push(`${before.length}:${typed}`);
        return [];
      },
    };
    const progress: number[][] = [];
    const r = await simulate([{ path: 'a', text: 'ab cd' }, { path: 'b', text: 'ef gh' }, { path: 'c', text: 'ij' }], [recorder], {
      maxWords: 3,
      limit: 3,
      onProgress: (f, w) => progress.push([f, w]),
    });
    assert.deepEqual(progress, [[1, 2], [2, 3]]);
    assert.equal(r.words, 3);
    assert.equal(r.files, 2);
    assert.deepEqual(calls, ['start a', '0:', '1:a', '3:', '4:c', 'start b', '0:', '1:e']);
  });

  it('types at most maxWordsPerFile words of each file', async () => {
    const typed: string[] = [];
    const recorder: CompletionSystem = {
      name: 'recorder',
      startFile() {},
      rank(_before, typed_, _limit) {
        if (typed_ === '') typed.push('|');
        return [];
      },
    };
    const r = await simulate([{ path: 'a', text: 'ab cd ef' }, { path: 'b', text: 'gh' }, { path: 'c', text: 'ij kl mn' }], [recorder], { maxWordsPerFile: 2 });
    assert.equal(r.words, 5);
    assert.equal(r.files, 3);
    assert.equal(typed.length, 5);
  });

  it('formats a table with every system', async () => {
    const r = await simulate(files, [fixed, ghost]);
    const table = formatSimulationTable(r);
    assert.match(table, /^5 words \(22 characters\) in 1 files/);
    assert.match(table, /fixed\s+40\.0\s+100\.0\s+100\.0\s+100\.0\s+100\.0\s+100\.0\s+61\.7\s+100\.0\s+100\.0\s+63\.6/);
    assert.match(table, /ghost text \(ghost\): shown 6, accepted 3, precision 50\.0%, characters saved 40\.9%/);
  });
});
