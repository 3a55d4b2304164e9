// Tokenizer and trainer: lossless round trips (random strings, lone surrogates, control characters),
// pre-token coverage, determinism, the JSON format and its validation.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Tokenizer, trainTokenizer } from '../../../../src/engine/tokenizer';
import { corpusFiles, sampleTexts, smallTokenizer } from './corpusFiles';

const TOY = [
  'function getElementById(id) {\n  return document.getElementById(id);\n}\n',
  'const snake_case_name = 42;\r\n\tif (x) { y += 1000000; }\n',
  'It is a truth universally acknowledged, that a single man in possession of a good fortune.\n',
];

/** Strings made of pieces that stress the byte level: astral chars, lone surrogates, CRLF, NUL. */
const awkwardString = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('\ud800', '\udfff', '\udbff\udc00', '\u{1f600}', '\r\n', '\t', '\0', '\ufeff', '  ', '\u0301', 'é'),
      fc.string({ unit: fc.constantFrom('a', 'B', '_', '1', ' ', '\n', '.', '\t', '\ud83d', '\ude00') }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('tokenizer', () => {
  let tok: Tokenizer;
  before(function () {
    if (corpusFiles().length === 0) this.skip(); // no corpus on this machine
    tok = smallTokenizer();
  });

  it('has 256 byte tokens, merges and the two special tokens', () => {
    assert.equal(tok.vocabSize, 2048);
    assert.deepEqual([...tok.tokenBytes(65)], [65]);
    assert.equal(tok.tokenBytes(tok.docStartId).length, 0);
    assert.equal(tok.tokenBytes(tok.fileSepId).length, 0);
    assert.notEqual(tok.docStartId, tok.fileSepId);
    assert.throws(() => tok.tokenBytes(tok.vocabSize), RangeError);
  });

  it('round-trips random strings, including lone surrogates, astral chars, CRLF, tabs and NUL', () => {
    fc.assert(
      fc.property(awkwardString, (s) => {
        const ids = tok.encode(s);
        assert.equal(tok.decode(ids), s);
        assert.equal(tok.pretokenize(s).join(''), s);
        assert.ok(ids.every((id) => id >= 0 && id < tok.vocabSize && id !== tok.docStartId && id !== tok.fileSepId));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('round-trips the edge cases by name', () => {
    for (const s of ['', '\ud800', '\udc00x', 'a\ud800\udc00b', '\udc00\ud800', '\0\0', '\r\n\r\n', '\ufeffBOM', ' \t \n']) {
      assert.equal(tok.decode(tok.encode(s)), s, JSON.stringify(s));
    }
  });

  it('encodes text as the concatenation of its pieces', () => {
    const text = sampleTexts(997, 5)[0].text;
    const byPiece = tok.pretokenize(text).flatMap((p) => tok.encode(p));
    assert.deepEqual(tok.encode(text), byPiece);
  });

  it('compresses code into fewer tokens than bytes', () => {
    const text = TOY.join('');
    assert.ok(tok.encode(text).length < text.length / 2);
  });

  it('decodes special tokens to nothing and bad byte sequences to U+FFFD', () => {
    const hi = tok.encode('é'); // two bytes: C3 A9, or one merged token
    assert.equal(tok.decode([tok.docStartId, ...tok.encode('ab'), tok.fileSepId]), 'ab');
    assert.equal(tok.decode([0xc3]), '\ufffd');
    assert.equal(tok.decode([0xe2, 0x82, 0x41]), '\ufffdA');
    assert.equal(tok.decode(hi), 'é');
  });

  it('trains deterministically: same input, identical JSON', () => {
    const texts = sampleTexts(400, 3).map((s) => s.text);
    const a = JSON.stringify(trainTokenizer(texts, { vocabSize: 1024 }).toJSON());
    const b = JSON.stringify(trainTokenizer(texts, { vocabSize: 1024 }).toJSON());
    assert.equal(a, b);
  });

  it('stops early when no pair is frequent enough and still round-trips', () => {
    const t = trainTokenizer(TOY, { vocabSize: 5000, minFrequency: 2 });
    assert.ok(t.vocabSize < 5000 && t.vocabSize > 258);
    assert.equal(t.fileSepId, t.vocabSize - 1);
    for (const s of TOY) assert.equal(t.decode(t.encode(s)), s);
    assert.throws(() => trainTokenizer(TOY, { vocabSize: 100 }), /vocabSize/);
  });

  it('learns whole frequent words and keeps camelCase humps apart', () => {
    const t = trainTokenizer(Array(50).fill('getElementById(element) getElement '), { vocabSize: 400 });
    assert.deepEqual(t.encode(' getElement').map((id) => t.decode([id])), [' get', 'Element']);
    assert.equal(t.encode('element').length, 1);
  });

  it('saves and loads through tokenizer.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    try {
      const file = join(dir, 'tokenizer.json');
      writeFileSync(file, JSON.stringify(tok.toJSON()));
      const back = Tokenizer.load(file);
      assert.equal(JSON.stringify(back.toJSON()), JSON.stringify(tok.toJSON()));
      const text = TOY.join('') + '\ud800 日本語 ';
      assert.deepEqual(back.encode(text), tok.encode(text));
      assert.equal(back.docStartId, tok.docStartId);
      assert.throws(() => Tokenizer.load(join(dir, 'missing.json')), /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a token spelled "__proto__" into the vocab like any other', () => {
    // Built by hand: merges "_"+"_", "__"+"p", … one character at a time.
    const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const merges: [number, number][] = [];
    let last = 95; // "_"
    for (const ch of '_proto__') {
      merges.push([last, ch.charCodeAt(0)]);
      tokens.push(Uint8Array.from([...tokens[last], ch.charCodeAt(0)]));
      last = tokens.length - 1;
    }
    const t = new Tokenizer([...tokens, null, null], merges, { doc: tokens.length, file: tokens.length + 1 });
    const json = JSON.parse(JSON.stringify(t.toJSON()));
    assert.equal(json.model.vocab['__proto__'], last);
    assert.equal(Object.keys(json.model.vocab).length, t.vocabSize);
    assert.equal(Tokenizer.fromJSON(json).decode([last]), '__proto__');
  });

  it('rejects malformed tokenizer.json with a clear error', () => {
    const good = () => JSON.parse(JSON.stringify(tok.toJSON()));
    assert.throws(() => Tokenizer.fromJSON(null), /not an object/);
    const wrongModel = good();
    wrongModel.model.type = 'WordPiece';
    assert.throws(() => Tokenizer.fromJSON(wrongModel), /BPE/);
    const wrongRegex = good();
    wrongRegex.pre_tokenizer.pretokenizers[0].pattern.Regex = '\\w+';
    assert.throws(() => Tokenizer.fromJSON(wrongRegex), /pre_tokenizer/);
    const noSpecial = good();
    noSpecial.added_tokens = noSpecial.added_tokens.slice(1);
    assert.throws(() => Tokenizer.fromJSON(noSpecial), /<\|doc\|>/);
    const badMerge = good();
    badMerge.model.merges[0] = 'nonexistent pair';
    assert.throws(() => Tokenizer.fromJSON(badMerge), /merge #0/);
    const notByteLevel = good();
    notByteLevel.model.vocab['\u4e00'] = Object.keys(notByteLevel.model.vocab).length;
    assert.throws(() => Tokenizer.fromJSON(notByteLevel), /byte-level/);
  });
});
