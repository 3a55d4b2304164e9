import { strict as assert } from 'node:assert';
import { Frequency } from '../../../../src/engine/eval/frequency';
import { NgramCache } from '../../../../src/engine/eval/ngramCache';
import { simulate } from '../../../../src/engine/eval/simulate';
import { VscodeWords } from '../../../../src/engine/eval/vscodeWords';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';

// Two projects: in each, the second file uses identifiers only the first one defines.
const files = [
  { project: 'p', path: 'lib/a.js', text: 'function computeInvoiceTotals(lines) {\n  return lines.map(applyDiscountRate);\n}\n' },
  { project: 'p', path: 'lib/b.js', text: 'const totals = computeInvoiceTotals(rows);\nconst rate = applyDiscountRate;\n' },
  { project: 'q', path: 'c.js', text: 'let unrelatedThing = 1;\n' },
  { project: 'q', path: 'd.js', text: 'const again = computeInvoiceTotals(x);\n' },
];
const model = NgramModel.train(['const a = b;\nfunction f(x) {\n  return x;\n}\n'], { minCount: 1 });
const systems = () => [new VscodeWords(), new Frequency(), new NgramCache(model)];

describe('session simulation', () => {
  it('offers the earlier files\' words of the same project only, on the same positions as static', async () => {
    const still = await simulate(files, systems(), {});
    const session = await simulate(files, systems(), { session: true });
    assert.deepEqual([session.words, session.chars, session.positions], [still.words, still.chars, still.positions]);
    for (const name of ['vscode-words', 'frequency', 'ngram-cache']) {
      assert.ok(session.systems[name].keystrokesSaved > still.systems[name].keystrokesSaved, name);
    }
    // In project q, computeInvoiceTotals (project p's) is never offered: typed whole, 19 keys.
    const onlyQ = await simulate(files.slice(2), systems(), { session: true });
    const q = await simulate(files.slice(2), systems(), {});
    for (const name of ['vscode-words', 'frequency', 'ngram-cache']) assert.equal(onlyQ.systems[name].keystrokesSaved, q.systems[name].keystrokesSaved, name);
  });

  it('saves each file into the project after it is typed, and starts each project empty', async () => {
    const calls: string[] = [];
    await simulate(files, [{
      name: 'recorder',
      startFile: (p) => void calls.push(`start ${p}`),
      startProject: () => void calls.push('project'),
      addProjectFile: (p) => void calls.push(`save ${p}`),
      rank: () => [],
    }], { session: true, maxWordsPerFile: 1 });
    assert.deepEqual(calls, ['project', 'start lib/a.js', 'save lib/a.js', 'start lib/b.js', 'save lib/b.js', 'project', 'start c.js', 'save c.js', 'start d.js', 'save d.js']);
  });
});
