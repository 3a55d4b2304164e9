// IncrementalEncoder: after any sequence of random edits to real corpus files, ids equal encoding
// from scratch, the returned index is exactly the first token that changed, and offsets are right.
import { strict as assert } from 'node:assert';
import { IncrementalEncoder, Tokenizer } from '../../../../src/engine/tokenizer';
import { mulberry32 as prng } from '../../../../src/engine/random';
import { corpusFiles, sampleTexts, smallTokenizer } from './corpusFiles';

const SNIPPETS = [' ', '  ', '\n', '\r\n', '\t', '\n    ', 'a', 'Z', '_', '1', '.', '(', ')', ' x', 'foo', 'Bar', ' =', '//', '"', "'", '\ud800', '\udc00', '\u{1f600}', 'é', '\u0301', '日本', '123456', '__init__', 'getElementById'];

function firstDifference(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i === a.length && i === b.length ? b.length : i;
}

/** Offsets by the definition: bytes of tokens before i, mapped back to the character they start in. */
function referenceOffsets(tok: Tokenizer, text: string, ids: readonly number[]): number[] {
  const charStartByByte: number[] = [];
  let pos = 0;
  for (const ch of text) {
    const n = new TextEncoder().encode(ch.length === 1 && ch >= '\ud800' && ch <= '\udfff' ? '\u0800' : ch).length;
    for (let k = 0; k < n; k++) charStartByByte.push(pos);
    pos += ch.length;
  }
  const out: number[] = [];
  let byte = 0;
  for (const id of ids) {
    out.push(charStartByByte[byte]);
    byte += tok.tokenBytes(id).length;
  }
  return out;
}

describe('IncrementalEncoder', () => {
  let tok: Tokenizer;
  before(function () {
    if (corpusFiles().length === 0) this.skip();
    tok = smallTokenizer();
  });

  it('equals encoding from scratch after random edits to real files', () => {
    const rand = prng(12345);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const files = sampleTexts(211, 17).map((s) => s.text.slice(0, 6000));
    let edits = 0;
    for (const original of files) {
      const enc = new IncrementalEncoder(tok, original);
      assert.deepEqual(enc.ids, tok.encode(original));
      let expected = original;
      for (let step = 0; step < 40; step++) {
        const n = expected.length;
        const offset = Math.floor(rand() * (n + 1));
        const r = rand();
        let deleteCount = 0;
        let insert = '';
        if (r < 0.35) {
          insert = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(SNIPPETS)).join('');
        } else if (r < 0.55) {
          deleteCount = Math.min(n - offset, Math.floor(rand() * 8));
        } else if (r < 0.75) {
          deleteCount = Math.min(n - offset, Math.floor(rand() * 40));
          const from = Math.floor(rand() * n);
          insert = expected.slice(from, from + Math.floor(rand() * 60)); // paste text from elsewhere
        } else if (r < 0.97) {
          // type a few characters one at a time, as an editor sends them
          let at = offset;
          for (const ch of pick(['return x', ' getValue()', '\n  ', 'if (a) {', '_id', 'Foo', '  \t'])) {
            const before = enc.ids.slice();
            const changed = enc.edit(at, 0, ch);
            expected = expected.slice(0, at) + ch + expected.slice(at);
            at += ch.length;
            assert.equal(changed, firstDifference(before, enc.ids));
          }
          continue;
        } else {
          deleteCount = n - offset; // cut the rest, or everything
        }
        const before = enc.ids.slice();
        const changed = enc.edit(offset, deleteCount, insert);
        expected = expected.slice(0, offset) + insert + expected.slice(offset + deleteCount);
        edits++;
        assert.equal(enc.text, expected);
        const fresh = tok.encode(expected);
        assert.deepEqual(enc.ids, fresh, `after edit ${step} (${offset}, ${deleteCount}, ${JSON.stringify(insert)})`);
        assert.equal(changed, firstDifference(before, fresh));
      }
      assert.deepEqual(enc.ids, tok.encode(expected));
      const offsets = referenceOffsets(tok, expected, enc.ids);
      for (let i = 0; i < enc.ids.length; i += 7) assert.equal(enc.tokenOffset(i), offsets[i], `token ${i}`);
      assert.equal(enc.tokenOffset(enc.ids.length), expected.length);
    }
    assert.ok(edits > 500);
  });

  it('reports the first changed token of a typical keystroke', () => {
    const enc = new IncrementalEncoder(tok, 'const value = compute(a);\nreturn val');
    const n = enc.ids.length;
    const changed = enc.edit(enc.text.length, 0, 'u');
    assert.equal(enc.text, 'const value = compute(a);\nreturn valu');
    assert.ok(changed >= n - 2 && changed < n + 1, `changed at ${changed} of ${n}`);
    assert.equal(enc.edit(0, 0, ''), enc.ids.length); // a no-op edit changes nothing
  });

  it('maps tokens to UTF-16 offsets, also inside astral characters and lone surrogates', () => {
    const text = 'a\u{1f600}\u{1f601} \ud800b 日本語\n';
    const enc = new IncrementalEncoder(tok, text);
    const offsets = referenceOffsets(tok, text, enc.ids);
    enc.ids.forEach((_, i) => assert.equal(enc.tokenOffset(i), offsets[i]));
    for (let i = 1; i < enc.ids.length; i++) assert.ok(enc.tokenOffset(i) >= enc.tokenOffset(i - 1));
  });

  it('rejects edits outside the text', () => {
    const enc = new IncrementalEncoder(tok, 'abc');
    assert.throws(() => enc.edit(2, 5, ''), RangeError);
    assert.throws(() => enc.edit(-1, 0, 'x'), RangeError);
    assert.throws(() => enc.tokenOffset(99), RangeError);
  });
});
