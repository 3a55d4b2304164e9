// The set-up check of `npm start` and `npm test` (scripts/test/systemPackages.mjs): which packages
// are missing, and what is done about them as root with apt-get, without root, or without apt-get.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type Plan = { action: 'none' } | { action: 'install'; commands: string[][]; line: string } | { action: 'fail'; message: string };
interface SystemPackages {
  CODE_SERVER_PACKAGES: string[];
  TEST_PACKAGES: string[];
  missingPackages(names: string[]): string[];
  planInstall(missing: string[], where: { isRoot: boolean; hasAptGet: boolean }): Plan;
}

const file = path.resolve(__dirname, '../../../scripts/test/systemPackages.mjs');

describe('system packages (scripts/test/systemPackages.mjs)', () => {
  let m: SystemPackages;
  let savedPath: string | undefined;
  let savedChromium: string | undefined;
  before(async () => {
    // A non-literal specifier keeps this native ES module out of the CommonJS transform.
    m = await import(pathToFileURL(file).href);
  });
  beforeEach(() => {
    savedPath = process.env.PATH;
    savedChromium = process.env.CHROMIUM_PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    if (savedChromium === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = savedChromium;
  });

  it('lists what the tests need: chromium for the browser, the rest for code-server', () => {
    assert.deepEqual([...m.TEST_PACKAGES].sort(), ['chromium', 'g++', 'libkrb5-dev', 'make', 'python3', 'ripgrep']);
    assert.ok(!m.CODE_SERVER_PACKAGES.includes('chromium'));
  });

  it('finds commands on PATH and Chromium where CHROMIUM_PATH says', () => {
    process.env.PATH = '/nonexistent';
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    // Found by file, not by PATH: the kerberos headers.
    const headers = fs.existsSync('/usr/include/gssapi/gssapi.h');
    assert.deepEqual(m.missingPackages(m.TEST_PACKAGES), ['chromium', 'ripgrep', ...(headers ? [] : ['libkrb5-dev']), 'g++', 'make', 'python3']);
    process.env.CHROMIUM_PATH = process.execPath; // any existing file stands for a browser
    assert.ok(!m.missingPackages(['chromium']).length);
  });

  it('installs with apt-get as root, one line naming the packages', () => {
    const plan = m.planInstall(['chromium', 'ripgrep'], { isRoot: true, hasAptGet: true });
    assert.deepEqual(plan, {
      action: 'install',
      commands: [['apt-get', 'update', '-q'], ['apt-get', 'install', '-y', '-q', 'chromium', 'ripgrep']],
      line: 'installing system packages: chromium ripgrep (apt-get)',
    });
  });

  it('without root, stops with the sudo command to run', () => {
    const plan = m.planInstall(['ripgrep'], { isRoot: false, hasAptGet: true });
    assert.equal(plan.action, 'fail');
    assert.match((plan as { message: string }).message, /missing system packages: ripgrep\. Run: sudo apt-get install -y ripgrep$/);
  });

  it('without apt-get, names the packages and the Debian command', () => {
    for (const isRoot of [true, false]) {
      const plan = m.planInstall(['libkrb5-dev', 'g++'], { isRoot, hasAptGet: false });
      assert.equal(plan.action, 'fail');
      assert.match((plan as { message: string }).message, /libkrb5-dev g\+\+ \(Debian names\).*package manager.*sudo apt-get install -y libkrb5-dev g\+\+/);
    }
  });

  it('does nothing when nothing is missing', () => {
    assert.deepEqual(m.planInstall([], { isRoot: false, hasAptGet: false }), { action: 'none' });
  });
});
