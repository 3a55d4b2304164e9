import { strict as assert } from 'node:assert';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { continueGhostText } from '../../../../src/engine/runtime/ghostText';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { tinyModelDir } from '../../helpers/tinyModel';

describe('continueGhostText', function () {
  this.timeout(120_000);
  let lm: LanguageModel;
  before(async () => {
    lm = await LanguageModel.load(await tinyModelDir());
  });
  after(() => lm.dispose());

  it('continues with the most likely tokens on the same line while they are probable enough', async () => {
    const ctx = await new DocumentState(lm, 'const app = new Koa();\napp.us').completionContext();
    const loose = await continueGhostText(lm, ctx, 'e', 0, 6);
    assert.ok(loose.length > 0);
    assert.ok(!/[\r\n]/.test(loose));
    assert.equal(await continueGhostText(lm, ctx, 'e', 1.01), '');
    // Greedy: a stricter threshold gives a prefix of the looser continuation.
    const strict = await continueGhostText(lm, ctx, 'e', 0.2, 6);
    assert.ok(loose.startsWith(strict), `${JSON.stringify(strict)} is not a prefix of ${JSON.stringify(loose)}`);
  });
});
