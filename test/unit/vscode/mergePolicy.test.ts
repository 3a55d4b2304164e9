import { strict as assert } from 'node:assert';
import { placeWords } from '../../../src/vscode/mergePolicy';

/** How VS Code orders items whose labels match the typed text equally well: by sortText, lowercased. */
function vscodeOrder(items: { label: string; sortText: string }[]): string[] {
  return [...items].sort((a, b) => (a.sortText.toLowerCase() < b.sortText.toLowerCase() ? -1 : a.sortText.toLowerCase() > b.sortText.toLowerCase() ? 1 : 0)).map((i) => i.label);
}

describe('vscode/mergePolicy', () => {
  // Sort texts of the TypeScript service: locals "10", members "11", globals and keywords "15",
  // auto-imports "16"; items without one sort by their label.
  const service = [{ label: 'serviceLocal', sortText: '10' }, { label: 'serviceGlobal', sortText: '15' }, { label: 'zz', sortText: 'zz' }];

  it('puts confident words above the service\'s items and the rest after all of them, in the model\'s order', () => {
    const placed = placeWords([
      { word: 'super', probability: 0.6 },
      { word: 'switch', probability: 0.31 },
      { word: 'static', probability: 0.05 },
      { word: 'string', probability: 0.01 },
    ], 0.3);
    const merged = vscodeOrder([...service, ...placed.map((p) => ({ label: p.word, sortText: p.sortText }))]);
    assert.deepEqual(merged, ['super', 'switch', 'serviceLocal', 'serviceGlobal', 'zz', 'static', 'string']);
    assert.deepEqual(placed.map((p) => p.preselect), [true, false, false, false]);
  });

  it('preselects nothing when no word is confident, so the service\'s first item stays selected', () => {
    const placed = placeWords([{ word: 'abc', probability: 0.2 }, { word: 'abd', probability: 0.1 }], 0.3);
    assert.ok(placed.every((p) => !p.preselect));
    assert.deepEqual(vscodeOrder([...service, ...placed.map((p) => ({ label: p.word, sortText: p.sortText }))]).slice(0, 3), ['serviceLocal', 'serviceGlobal', 'zz']);
  });
});
