import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { IncrementalLexer, lexTokens, NEWLINE } from '../../../../src/engine/text/incrementalLexer';

/** A lexer whose sink records what it was told. */
function recording() {
  const seen: string[] = [];
  let resets = 0;
  const lexer = new IncrementalLexer({ reset: () => { resets++; seen.length = 0; }, token: (t) => seen.push(t) });
  return { lexer, seen, resets: () => resets };
}

describe('text/incrementalLexer', () => {
  it('splits words, single symbols and line breaks; drops other whitespace', () => {
    assert.deepEqual(lexTokens('if (a1 >= $b_c) {\n  return x.yz;\n\n}'), [
      'if', '(', 'a1', '>', '=', '$b_c', ')', '{', NEWLINE, 'return', 'x', '.', 'yz', ';', NEWLINE, '}',
    ]);
    assert.deepEqual(lexTokens('café 𝑥y'), ['café', '𝑥y']);
  });

  it('keeps the word being typed and trailing whitespace pending', () => {
    const { lexer, seen } = recording();
    lexer.update('foo.ba');
    assert.deepEqual(seen, ['foo', '.']);
    assert.equal(lexer.pending, 'ba');
    lexer.update('foo.bar \n ');
    assert.deepEqual(seen, ['foo', '.', 'bar']);
    assert.equal(lexer.pendingNewline, true);
    lexer.update('foo.bar \n x(');
    assert.deepEqual(seen, ['foo', '.', 'bar', NEWLINE, 'x', '(']);
    assert.equal(lexer.pending, '');
  });

  it('starts over when the text does not continue the previous one', () => {
    const { lexer, seen, resets } = recording();
    lexer.update('alpha beta gamma ');
    lexer.update('alpha beta'); // shorter: a deletion
    assert.equal(resets(), 1);
    assert.deepEqual(seen, ['alpha']);
    lexer.update('omega beta delta ');
    assert.equal(resets(), 2);
    assert.deepEqual(seen, ['omega', 'beta', 'delta']);
  });

  it('fed growing prefixes, emits exactly the final tokens of each prefix', () => {
    const chars = fc.constantFrom('a', 'b', '1', '_', ' ', '\n', '.', '(', 'é', '😀');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 8 }), (cs, cuts) => {
        const text = cs.join('');
        const { lexer, seen } = recording();
        for (const cut of [...cuts.map((c) => Math.min(c, cs.length)).sort((a, b) => a - b), cs.length]) {
          const prefix = cs.slice(0, cut).join('');
          lexer.update(prefix);
          const expected = lexTokens(prefix.slice(0, prefix.length - lexer.pending.length));
          assert.deepEqual(seen, expected);
          assert.deepEqual(lexTokens(prefix).slice(0, seen.length), seen);
        }
        assert.deepEqual([...seen, ...lexTokens(lexer.pending)], lexTokens(text));
      }),
      { numRuns: 300 },
    );
  });
});
