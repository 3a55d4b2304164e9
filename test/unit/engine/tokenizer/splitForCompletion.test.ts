// splitForCompletion: at every cursor position of real files, the head's tokens stay a prefix of the
// text's tokens however the user goes on typing the current word.
import { strict as assert } from 'node:assert';
import { Tokenizer } from '../../../../src/engine/tokenizer';
import { isIdentifierChar } from '../../../../src/engine/text/identifier';
import { corpusFiles, readText, smallTokenizer } from './corpusFiles';


function isPrefix(prefix: readonly number[], of: readonly number[]): boolean {
  return prefix.length <= of.length && prefix.every((id, i) => of[i] === id);
}

describe('Tokenizer.splitForCompletion', () => {
  let tok: Tokenizer;
  before(function () {
    if (corpusFiles().length === 0) this.skip();
    tok = smallTokenizer();
  });

  it('splits into head + partial as documented', () => {
    const cases: [string, string, string][] = [
      ['', '', ''],
      ['const x = getEl', 'const x = get', 'El'],
      ['return foo', 'return', ' foo'],
      ['self.__ini', 'self.', '__ini'],
      ['snake_ca', 'snake', '_ca'],
      ['call(', 'call(', ''],
      ['x =  ', 'x = ', ' '],
      ['x\t', 'x\t', ''],
      ['if (a) {\n    ', 'if (a) {\n    ', ''],
      ['total 12', 'total', ' 12'],
      ['line\r\nwor', 'line\r\n', 'wor'],
    ];
    for (const [text, head, partial] of cases) {
      assert.deepEqual(tok.splitForCompletion(text), { head, partial }, JSON.stringify(text));
    }
  });

  it('keeps encode(head) a token prefix while the word is typed on, at every cursor of real files', () => {
    const files = corpusFiles();
    const picks = ['.ts', '.py', '.go', '.md', '.txt'].map((ext) => files.find((f, i) => i % 37 === 0 && f.endsWith(ext))!);
    const appendices = ['a', 'Q', '_', '7', 'xY', 'ing', 'Id'];
    let checked = 0;
    for (const file of picks) {
      const text = readText(file).slice(0, 1200);
      for (let end = 0; end <= text.length; end++) {
        const before = text.slice(0, end);
        const { head, partial } = tok.splitForCompletion(before);
        assert.equal(head + partial, before);
        assert.ok(partial === '' || /^ ?_*[\p{L}\p{M}\p{N}_]*$/u.test(partial), JSON.stringify(partial));
        if (isIdentifierChar(before.slice(-1)) && !before.endsWith('$')) assert.notEqual(partial, '', JSON.stringify(before));
        // head is a piece boundary once a word character follows (a trailing space joins that word)
        const pieces = tok.pretokenize(before + 'a');
        let at = 0;
        const boundaries = new Set([0, ...pieces.map((p) => (at += p.length))]);
        assert.ok(boundaries.has(head.length), JSON.stringify(before.slice(-30)));
        const headIds = tok.encode(head);
        // the real continuation of the word, then a few made-up ones
        let real = '';
        while (end + real.length < text.length && isIdentifierChar(text[end + real.length])) real += text[end + real.length];
        for (const more of [real, ...appendices]) {
          if (!more) continue;
          const ids = tok.encode(before + more);
          assert.ok(isPrefix(headIds, ids), `${file} at ${end}: ${JSON.stringify(before.slice(-20))} + ${JSON.stringify(more)}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 20000);
  });
});
