// The pre-tokenizer: the documented cuts, and the hand-written scanner agreeing with the regex that
// tokenizer.json carries, on corpus files and on random strings over every character class.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { pretokenize, PRETOKENIZE_PATTERN } from '../../../../src/engine/tokenizer/preTokenizer';
import { corpusFiles, sampleTexts } from './corpusFiles';

const byRegex = (text: string) => text.match(new RegExp(PRETOKENIZE_PATTERN, 'gu')) ?? [];

describe('pre-tokenizer', () => {
  it('cuts code and prose as documented', () => {
    const cases: [string, string[]][] = [
      ['getElementById(id)', ['get', 'Element', 'By', 'Id', '(', 'id', ')']],
      ['HTMLElement int32 x86_64', ['HTMLElement', ' int32', ' x86', '_', '64']],
      ['snake_case __init__', ['snake', '_case', ' __init', '__']],
      ['if (a) {\n    return b;\r\n\t}', ['if', ' (', 'a', ')', ' {', '\n    ', 'return', ' b', ';', '\r\n\t', '}']],
      ['x    = 1234567', ['x', '   ', ' =', ' 123', '456', '7']],
      ['a\t\tb  \n', ['a', '\t\t', 'b', '  ', '\n']],
      ["It's  Emma.", ['It', "'", 's', ' ', ' Emma', '.']],
      ['caf\u00e9 e\u0301t\u00e9 \ud800! \u{1f600}', ['café', ' e\u0301t\u00e9', ' \ud800!', ' \u{1f600}']],
    ];
    for (const [text, pieces] of cases) assert.deepEqual(pretokenize(text), pieces, JSON.stringify(text));
  });

  it('agrees with the regex on corpus files', function () {
    if (corpusFiles().length === 0) this.skip();
    for (const { file, text } of sampleTexts(7, 1)) {
      const ours = pretokenize(text);
      const theirs = byRegex(text);
      if (ours.length !== theirs.length || ours.some((p, i) => p !== theirs[i])) {
        const i = ours.findIndex((p, k) => p !== theirs[k]);
        assert.fail(`${file}: piece ${i} is ${JSON.stringify(ours[i])}, regex says ${JSON.stringify(theirs[i])}`);
      }
    }
  });

  it('agrees with the regex on random strings over every character class', () => {
    const unit = fc.constantFrom(
      ' ', ' ', '\t', '\n', '\r', '_', 'a', 'z', 'A', 'Q', '0', '9', '\u0661', '\u00bd', '\u2167', // Nd No Nl
      '.', '(', '$', '\u00a0', '\v', '\u3000', 'ǅ', 'ʰ', '日', '\u0301', '\u0903', 'É', 'ß',
      '\ud800', '\udc00', '\u{1d400}', '\u{1d7ce}', '\u{1f600}', '\u{10301}', '\0',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (units) => {
        const text = units.join('');
        assert.deepEqual(pretokenize(text), byRegex(text));
      }),
      { numRuns: 20000, seed: 3 },
    );
  });
});
