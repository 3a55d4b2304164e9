import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { scanTokens } from '../../../../src/engine/text/tokenScanner';
import { sampleFiles } from '../../helpers/tinyModel';

function scanned(text: string): string[] {
  const out: string[] = [];
  scanTokens(text, (start, end) => out.push(text.slice(start, end)));
  return out;
}

describe('scanTokens', () => {
  it('gives the tokens of lexTokens on corpus files', () => {
    for (const f of sampleFiles()) assert.deepEqual(scanned(f.text), lexTokens(f.text), f.path);
  });

  it('gives the tokens of lexTokens on any string, lone surrogates and Unicode spaces included', () => {
    const pieces = fc.constantFrom('a', 'Z', '_', '$', '9', ' ', '\n', '\r\n', '\t', '\u00a0', '\u2028', '\ufeff', 'é', '漢', '😀', '\ud800', '\udc00', '.', '(', '١', '\u0301', '\u3000', '\u0085');
    fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: 'binary' })), { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(scanned(text), lexTokens(text));
    }), { numRuns: 2000 });
  });
});
