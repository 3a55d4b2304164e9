// package.json must give the editor's settings their defaults itself (VS Code reads them from
// there); the code takes its own from the engine. The two must agree.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../../src/engine/runtime/completeOptions';
import { defaultFileFilterOptions } from '../../src/engine/training/fileFilter';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const settingDefault = (key: string): unknown => manifest.contributes.configuration.properties[`recurrent.${key}`].default;

describe('defaults', () => {
  it("package.json's setting defaults are the engine's defaults", () => {
    const complete = defaultCompleteOptions();
    assert.equal(settingDefault('maxItems'), complete.maxItems);
    assert.equal(settingDefault('inline.minProbability'), complete.inlineMinProbability);
    assert.equal(settingDefault('inline.nextWords'), complete.inlineNextWords);
    assert.equal(settingDefault('suggest.languageWordsOnly'), complete.languageWordsOnly);
    assert.equal(settingDefault('training.maxFileSizeKB'), defaultFileFilterOptions().maxFileBytes / 1024);
  });
});
