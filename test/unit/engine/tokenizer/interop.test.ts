// Interop: @huggingface/tokenizers loads our tokenizer.json and gives the same ids as our encoder
// on corpus files of every language, so the model folder is usable outside Recurrent.
import { strict as assert } from 'node:assert';
import { extname } from 'node:path';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { DOC_TOKEN, FILE_TOKEN, Tokenizer } from '../../../../src/engine/tokenizer';
import { corpusFiles, readText, smallTokenizer } from './corpusFiles';

const PER_EXTENSION = 6;
const EXTENSIONS = ['.ts', '.js', '.py', '.go', '.rs', '.c', '.h', '.java', '.md', '.txt', '.json', '.scss', '.rst'];

describe('tokenizer interop with @huggingface/tokenizers', () => {
  let ours: Tokenizer;
  let hf: HFTokenizer;
  before(function () {
    if (corpusFiles().length === 0) this.skip();
    ours = smallTokenizer();
    hf = new HFTokenizer(JSON.parse(JSON.stringify(ours.toJSON())), {});
  });

  it('gives identical ids on corpus files of every language', () => {
    const files = corpusFiles();
    let checked = 0;
    for (const ext of EXTENSIONS) {
      const ofExt = files.filter((f) => extname(f) === ext);
      assert.ok(ofExt.length > 0, `no ${ext} files in the corpus`);
      // Spread the picks over the whole (sorted) list, i.e. over the sources.
      for (let k = 0; k < PER_EXTENSION; k++) {
        const file = ofExt[Math.floor(((k + 0.5) * ofExt.length) / PER_EXTENSION)];
        // HF splits literal special-token text out before pre-tokenizing; ours never emits specials.
        const text = readText(file).replaceAll(DOC_TOKEN, '').replaceAll(FILE_TOKEN, '');
        const expected = ours.encode(text);
        const actual = hf.encode(text, { add_special_tokens: false }).ids;
        assert.deepEqual(actual, expected, file);
        checked++;
      }
    }
    assert.equal(checked, EXTENSIONS.length * PER_EXTENSION);
  });

  it('agrees on awkward text (Unicode letters, marks, digits, whitespace runs)', () => {
    const text = 'naïve café  x\u0301 ÀÉÎ ǅungla ΣΊΣΥΦΟΣ 日本語テキスト ١٢٣٤ ½ \t\t x  \r\n\r\n    y\v\f\u00a0z\u2028 _ __a__ 12345 $_$';
    assert.deepEqual(hf.encode(text, { add_special_tokens: false }).ids, ours.encode(text));
  });

  it('maps the special tokens to the same ids', () => {
    assert.deepEqual(hf.encode(DOC_TOKEN + FILE_TOKEN, { add_special_tokens: false }).ids, [ours.docStartId, ours.fileSepId]);
  });
});
