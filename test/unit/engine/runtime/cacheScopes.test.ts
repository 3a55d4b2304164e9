import { strict as assert } from 'node:assert';
import { defaultCompleteOptions } from '../../../../src/engine/runtime/completeOptions';
import { DocumentCache } from '../../../../src/engine/runtime/documentCache';
import { Engine } from '../../../../src/engine/runtime/engine';
import { documentScope, nestAll, openDocumentsScope } from '../../../../src/engine/runtime/cacheScopes';
import { defaultCachePriors } from '../../../../src/engine/runtime/documentCache';
import { tinyModelDir } from '../../helpers/tinyModel';

const sync = (text: string) => ({ keep: 0, append: text, length: text.length });

describe('cache scopes: the document, the other open documents, the project memory', function () {
  this.timeout(60_000);
  let engine: Engine;
  before(async () => {
    engine = new Engine();
    await engine.load(await tinyModelDir());
  });
  after(() => engine.dispose());

  it('offers a word defined only in another project file, the current folder\'s above the rest', async () => {
    await engine.projectRequest({ op: 'open', roots: [{ uri: 'file:///ws', name: '' }] });
    await engine.projectRequest({ op: 'text', path: 'lib/widgets.js', text: 'export function zqxMakeWidget(options) {\n  return zqxMakeWidget.cache;\n}\n' });
    await engine.projectRequest({ op: 'text', path: 'other/entries.js', text: 'zqxMapEntries(a); zqxMapEntries(b); zqxMapEntries(c);\n' });
    const typed = 'const w = zqx';
    const inLib = await engine.complete('file:///ws/lib/new.js', sync(typed), defaultCompleteOptions());
    assert.equal(inLib.items[0].word, 'zqxMakeWidget');
    const inOther = await engine.complete('file:///ws/other/new.js', sync(typed), defaultCompleteOptions());
    assert.equal(inOther.items[0].word, 'zqxMapEntries');
    await engine.projectRequest({ op: 'clear' });
    const none = await engine.complete('file:///ws/lib/new2.js', sync(typed), defaultCompleteOptions());
    assert.ok(!none.items.some((i) => i.word.startsWith('zqxM')), JSON.stringify(none.items));
  });

  it('offers the words of other open documents, below the current document\'s own at equal counts', async () => {
    await engine.complete('untitled:a', sync('let qvOtherDocWord = 1;\n'), defaultCompleteOptions());
    const other = await engine.complete('untitled:b', sync('let x = qv'), defaultCompleteOptions());
    assert.equal(other.items[0]?.word, 'qvOtherDocWord');
    const own = await engine.complete('untitled:b', sync('let qvOwnWord = 1;\nlet x = qv'), defaultCompleteOptions());
    assert.deepEqual(own.items.slice(0, 2).map((i) => i.word), ['qvOwnWord', 'qvOtherDocWord']);
  });

  it('nested weights add up: the total is the sum over the scopes and the model keeps what is left', () => {
    const current = new DocumentCache();
    current.update('alpha beta alphabet alpha\n');
    const other = new DocumentCache();
    other.update('alpine alpine alpha gamma\n');
    const outer = documentScope(current, 'al', defaultCachePriors(), 10);
    const inner = openDocumentsScope([other], 'al', { prior: 400, documents: 4 }, 10);
    const nested = nestAll([outer, inner], 10);
    const sum = nested.words.reduce((s, w) => s + w.weight, 0);
    assert.ok(Math.abs(sum - nested.total) < 1e-12, `${sum} vs ${nested.total}`);
    assert.ok(Math.abs(nested.modelWeight - outer.modelWeight * inner.modelWeight) < 1e-15);
    assert.deepEqual(nested.words.map((w) => w.word).sort(), ['alpha', 'alphabet', 'alpine']);
    // The model scores every scope's words exactly, or only the first scopes' when told.
    assert.deepEqual([...nested.exactWords!].sort(), ['alpha', 'alphabet', 'alpine']);
    assert.deepEqual([...nestAll([outer, inner], 10, 1).exactWords!].sort(), ['alpha', 'alphabet']);
  });
});
