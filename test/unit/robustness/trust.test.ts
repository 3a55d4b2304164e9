// Trust, as far as it can be checked outside the editor: the manifest tells VS Code that settings
// pointing at files to load are restricted, so in a restricted workspace VS Code itself ignores the
// workspace's values of them (settings.ts and trainCommand.ts add their own isTrusted checks; those
// need the extension host, and code-server there runs with workspace trust disabled).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers';

interface Setting {
  readonly type: string | string[];
  readonly scope?: string;
  readonly description?: string;
}

describe('robustness: workspace trust in the manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const settings = manifest.contributes.configuration.properties as Record<string, Setting>;

  it('supports restricted workspaces only in part, and says what is limited', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.match(untrusted.description, /trust/i);
  });

  it('restricts every setting that names a file or folder to load', () => {
    const restricted = new Set<string>(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations);
    const pathSettings = Object.entries(settings)
      .filter(([key, s]) => s.type === 'string' && (/path|dir|folder|file/i.test(key) || /\b(folder|file|path)\b/i.test(s.description ?? '')))
      .map(([key]) => key);
    assert.ok(pathSettings.includes('recurrent.modelPath'), `found ${pathSettings.join(', ')}`);
    for (const key of pathSettings) assert.ok(restricted.has(key), `${key} is not in restrictedConfigurations`);
    for (const key of restricted) assert.ok(key in settings, `restrictedConfigurations names unknown ${key}`);
  });
});
