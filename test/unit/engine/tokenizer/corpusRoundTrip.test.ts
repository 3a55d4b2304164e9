// decode(encode(text)) === text for every file of the shared corpus (about 100 MB of code and prose).
import { strict as assert } from 'node:assert';
import { corpusFiles, readText, smallTokenizer } from './corpusFiles';

describe('tokenizer round trip over the whole corpus', () => {
  it('decodes every corpus file back to its exact text', function () {
    const files = corpusFiles();
    if (files.length === 0) this.skip();
    this.timeout(180_000); // ~8 s of CPU for 100 MB; generous for a machine shared by several jobs
    const tok = smallTokenizer();
    let chars = 0;
    for (const file of files) {
      const text = readText(file);
      // assert.equal would diff two huge strings on failure; report the first differing offset instead.
      const back = tok.decode(tok.encode(text));
      if (back !== text) {
        let i = 0;
        while (i < text.length && back[i] === text[i]) i++;
        assert.fail(`${file}: round trip differs at offset ${i}`);
      }
      chars += text.length;
    }
    assert.ok(files.length > 10000 && chars > 50e6, `only ${files.length} files, ${chars} chars`);
  });
});
