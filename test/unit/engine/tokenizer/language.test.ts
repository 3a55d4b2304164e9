// The language token: the mapping from extensions and VS Code language ids, and tokenizers with and
// without language tokens (older folders have none and must start documents as before).
import { strict as assert } from 'node:assert';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { DOC_TOKEN, LANGUAGES, languageOfDocument, languageOfId, languageOfPath, languageToken, Tokenizer } from '../../../../src/engine/tokenizer';
import { smallTokenizer } from './corpusFiles';

describe('language of a file', () => {
  it('maps extensions to the fixed set, TypeScript with JavaScript and C with C++', () => {
    const cases: [string, string][] = [
      ['src/a.ts', 'typescript'], ['b.TSX', 'typescript'], ['x/y.mjs', 'typescript'], ['z.js', 'typescript'],
      ['m.py', 'python'], ['m.pyi', 'python'], ['main.go', 'go'], ['lib.rs', 'rust'],
      ['a.c', 'c'], ['a.h', 'c'], ['a.cpp', 'c'], ['A.java', 'java'], ['README.md', 'markdown'],
      ['notes.txt', 'text'], ['doc.rst', 'text'], ['package.json', 'json'],
      ['style.scss', 'other'], ['Makefile', 'other'], ['.gitignore', 'other'], ['archive.tar.gz', 'other'], ['C:\\src.v2\\Makefile', 'other'], ['C:\\src\\a.py', 'python'], ['file:///x/y.rs', 'rust'],
    ];
    for (const [file, language] of cases) assert.equal(languageOfPath(file), language, file);
  });

  it('maps VS Code language ids, and falls back to the extension for ids it does not know', () => {
    assert.equal(languageOfId('typescriptreact'), 'typescript');
    assert.equal(languageOfId('javascript'), 'typescript');
    assert.equal(languageOfId('cpp'), 'c');
    assert.equal(languageOfId('plaintext'), 'text');
    assert.equal(languageOfId('jsonc'), 'json');
    assert.equal(languageOfId('shellscript'), 'other');
    assert.equal(languageOfDocument('python', '/x/untitled'), 'python');
    assert.equal(languageOfDocument('vue', '/x/a.go'), 'go');
    assert.equal(languageOfDocument(undefined, '/x/a.rs'), 'rust');
    assert.equal(languageOfDocument(undefined, undefined), 'other');
    assert.equal(languageOfDocument('plaintext', '/x/a.py'), 'text', 'the editor\'s language id wins over the extension');
  });
});

describe('language tokens in the tokenizer', () => {
  const plain = smallTokenizer();
  const extended = plain.withLanguageTokens();

  it('a tokenizer without them starts documents with <|doc|> alone, whatever the language', () => {
    assert.equal(plain.languageIds.size, 0);
    assert.deepEqual(plain.documentStart('python'), [plain.docStartId]);
    assert.deepEqual(plain.documentStart(), [plain.docStartId]);
  });

  it('appends one token per language after the last id, leaving every other id as it was', () => {
    assert.equal(extended.vocabSize, plain.vocabSize + LANGUAGES.length);
    assert.deepEqual([...extended.languageIds.values()], LANGUAGES.map((_, i) => plain.vocabSize + i));
    const text = 'def f(x):\n    return x.items()  # naïve 日本\n';
    assert.deepEqual(extended.encode(text), plain.encode(text));
    assert.equal(extended.docStartId, plain.docStartId);
    assert.deepEqual(extended.documentStart('python'), [plain.docStartId, extended.languageIds.get('python')]);
    assert.deepEqual(extended.documentStart(), [plain.docStartId, extended.languageIds.get('other')]);
    for (const id of extended.languageIds.values()) assert.equal(extended.tokenBytes(id).length, 0);
    assert.equal(extended.decode(extended.documentStart('go')), '');
  });

  it('round-trips through tokenizer.json, and @huggingface/tokenizers reads the same ids', () => {
    const json = JSON.parse(JSON.stringify(extended.toJSON()));
    const back = Tokenizer.fromJSON(json);
    assert.deepEqual([...back.languageIds], [...extended.languageIds]);
    assert.equal(back.vocabSize, extended.vocabSize);
    const hf = new HFTokenizer(json, {});
    assert.deepEqual(hf.encode(DOC_TOKEN + languageToken('rust'), { add_special_tokens: false }).ids, extended.documentStart('rust'));
    // The JSON of a tokenizer without them is unchanged (older folders stay byte-identical).
    assert.ok(!JSON.stringify(plain.toJSON()).includes('<|lang:'));
  });

  it('rejects a tokenizer.json with only some of the language tokens', () => {
    const json = JSON.parse(JSON.stringify(extended.toJSON()));
    json.added_tokens = json.added_tokens.filter((t: { content: string }) => t.content !== languageToken('go'));
    assert.throws(() => Tokenizer.fromJSON(json), /language tokens/);
  });
});
