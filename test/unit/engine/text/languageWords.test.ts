import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import {
  CODE_FAMILIES, CodeFamily, codeFamilyOfLanguageId, codeFamilyOfPath, CodePositions, commentAndStringMask, countCodeWords,
  scanCommentsAndStrings, selectLanguageWords,
} from '../../../../src/engine/text/languageWords';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { sampleFiles } from '../../helpers/tinyModel';

/** Texts whose comments and strings span lines, escape line breaks and end unclosed, per family. */
const spanning: [CodeFamily, string][] = [
  ['jsts', 'let a = `x\n${b}\ny`; /* one\n * two */ c("d\\\ne"); // f\n\'g\nh = 1 /* open'],
  ['python', 'def f():\n    """doc\n    more"""\n    s = \'\'\'a\nb\'\'\' # c\n    t = "u\\\nv"\n    return "open'],
  ['rust', 'fn f<\'a>() { /* a\nb */ let s = "x\ny"; } // c\nlet t = 1;'],
  ['go', 'x := `raw\nraw` // c\ny := "z" /* w\n'],
];

/** The parts of `text` the mask marks, joined by '|'. */
function masked(family: CodeFamily, text: string): string {
  const mask = commentAndStringMask(family, text);
  return [...text].map((c, i) => (mask[i] ? c : '|')).join('').split('|').filter(Boolean).join('|');
}

describe('text/languageWords', () => {
  it('maps language ids and file extensions to families; prose has none', () => {
    assert.equal(codeFamilyOfLanguageId('typescript'), 'jsts');
    assert.equal(codeFamilyOfLanguageId('javascriptreact'), 'jsts');
    assert.equal(codeFamilyOfLanguageId('rust'), 'rust');
    assert.equal(codeFamilyOfLanguageId('markdown'), undefined);
    assert.equal(codeFamilyOfLanguageId('plaintext'), undefined);
    assert.equal(codeFamilyOfPath('a/b/index.d.ts'), 'jsts');
    assert.equal(codeFamilyOfPath('x.pyi'), 'python');
    assert.equal(codeFamilyOfPath('README.md'), undefined);
  });

  it('marks comments and strings of each family', () => {
    assert.equal(masked('jsts', 'let a = "x\\"y"; // note\nb = `t`; /* c\nd */ e'), '"x\\"y"|// note|`t`|/* c\nd */');
    assert.equal(masked('python', 'x = 1  # Catherine\ns = """doc\nmore""" + \'q\''), '# Catherine|"""doc\nmore"""|\'q\'');
    // A Rust lifetime is not a character literal that runs on.
    assert.equal(masked('rust', "fn f<'a>(s: &'a str) -> &'a str { \"s\" }"), '"s"');
    // An unterminated one-line string ends at the line break.
    assert.equal(masked('go', 'x := "abc\ny := 2'), '"abc');
  });

  it('tells whether a text ends in a comment or a string, a docstring\'s or a block comment\'s line too', () => {
    const ends = (family: CodeFamily, text: string) => {
      const positions = new CodePositions(family);
      positions.see(text);
      return positions.endsInCommentOrString(0);
    };
    assert.equal(ends('jsts', 'const a = b'), false);
    assert.equal(ends('jsts', 'const a = b // Cath'), true);
    assert.equal(ends('jsts', '/**\n   * Cath'), true);
    assert.equal(ends('jsts', '/**\n   * Cath */\nconst c = a\n   * b'), false);
    assert.equal(ends('jsts', 'f("Cath'), true);
    assert.equal(ends('jsts', 'f("Cath")'), false);
    assert.equal(ends('jsts', 'x = `a\n${b}\nCath'), true);
    assert.equal(ends('python', 'x = a # Cath'), true);
    assert.equal(ends('python', 'def f():\n    """Return the\n    Cath'), true);
    assert.equal(ends('python', 'def f():\n    """Doc."""\n    return Cath'), false);
    assert.equal(ends('rust', ''), false);
    // Asked after the words before it (the document cache's order), it answers the same.
    const positions = new CodePositions('python');
    const text = 'def f():\n    """Return the\n    Cath';
    positions.see(text);
    assert.equal(positions.inCode(text.indexOf('Return')), false);
    assert.equal(positions.endsInCommentOrString(text.indexOf('Cath')), true);
  });

  it('masks a text read in parts cut just after line feeds as the whole, carrying what is open', () => {
    const texts: [CodeFamily, string][] = [...spanning];
    for (const f of sampleFiles()) {
      const family = codeFamilyOfPath(f.path);
      if (family) texts.push([family, f.text]);
    }
    assert.ok(texts.length > 10);
    for (const [family, text] of texts) {
      let open = '';
      const parts: number[] = [];
      for (const line of text.split(/(?<=\n)/)) {
        const part = scanCommentsAndStrings(family, line, open);
        parts.push(...part.mask);
        open = part.open;
      }
      assert.deepEqual(parts, [...commentAndStringMask(family, text)], text.slice(0, 60));
    }
    assert.equal(scanCommentsAndStrings('jsts', 'a /* b\n').open, '*/');
    assert.equal(scanCommentsAndStrings('jsts', 'a "b').open, '"');
    assert.equal(scanCommentsAndStrings('jsts', 'a "b\n').open, '');
    assert.equal(scanCommentsAndStrings('python', 'x = """b\n').open, '"""');
  });

  it('tells which words of a text growing a keystroke at a time are code, as the whole text\'s mask does', () => {
    for (const [family, text] of spanning) {
      const whole = commentAndStringMask(family, text);
      // Each word's start is asked once something follows the word, as the document cache's lexer reads it.
      const words: { start: number; end: number }[] = [];
      let at = 0;
      for (const token of lexTokens(text)) {
        at = text.indexOf(token, at);
        if (/^[\p{L}_$]/u.test(token)) words.push({ start: at, end: at + token.length });
        at += token.length;
      }
      const positions = new CodePositions(family);
      let next = 0;
      for (let length = 1; length <= text.length; length++) {
        positions.see(text.slice(0, length));
        for (; next < words.length && words[next].end < length; next++) {
          const { start } = words[next];
          assert.equal(positions.inCode(start), whole[start] !== 1, `${family}: ${JSON.stringify(text.slice(start, words[next].end))} at ${start}`);
        }
      }
      assert.ok(next > 5, `${family}: ${next} words asked`);
    }
  });

  it('counts only the words of code', () => {
    const counts = new Map<string, number>();
    countCodeWords('jsts', 'const a1 = foo("Catherine"); // Captain\nfoo(a1);', counts);
    assert.deepEqual(Object.fromEntries(counts), { const: 1, a1: 2, foo: 2 });
  });

  it('keeps a word in a family that uses it, not in one where another family uses it far more', () => {
    const counts = new Map<CodeFamily, Map<string, number>>([
      ['jsts', new Map([['self', 2], ['this', 500], ['push', 100], ['once', 1]])],
      ['python', new Map([['self', 500], ['this', 2], ['push', 5]])],
    ]);
    const words = selectLanguageWords(counts, { minCount: 2, maxForeignRatio: 50 });
    assert.deepEqual(words.get('jsts'), ['push', 'this']);
    // `this` is 200 times rarer in this Python than in this TypeScript.
    assert.deepEqual(words.get('python'), ['push', 'self']);
  });

  it('ships word lists for every family, built from the training text: other languages\' keywords and prose words are not in them', () => {
    const dir = path.join(__dirname, '..', '..', '..', '..', 'media', 'languageWords');
    const lists = new Map(CODE_FAMILIES.map((f) => [f, new Set(zlib.gunzipSync(fs.readFileSync(path.join(dir, `${f}.txt.gz`))).toString('utf8').split('\n'))]));
    const has = (f: CodeFamily, w: string) => lists.get(f)!.has(w);
    for (const w of ['super', 'switch', 'static', 'console', 'length', 'push', 'undefined']) assert.ok(has('jsts', w), `jsts lacks ${w}`);
    for (const w of ['self', 'struct', 'elif', 'nil', 'fmt', 'impl', 'Catherine', 'Captain']) assert.ok(!has('jsts', w), `jsts has ${w}`);
    for (const w of ['self', 'impl', 'Some', 'struct']) assert.ok(has('rust', w), `rust lacks ${w}`);
    for (const w of ['Catherine', 'Captain', 'undefined', 'elif']) assert.ok(!has('rust', w), `rust has ${w}`);
    assert.ok(has('python', 'self') && has('python', 'elif') && !has('python', 'nil'));
    assert.ok(has('go', 'nil') && has('go', 'func') && !has('go', 'self'));
  });
});
