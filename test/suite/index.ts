// Entry point of the extension-host suite: VS Code loads the bundle (dist/test/suite/index.js) and
// calls run(); mocha then runs the suite files below inside the real extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

// esbuild bundles only what is imported, so every test/suite/*.test.ts is listed here (required
// lazily, after mocha has defined describe/it). run() fails on a test file missing from the list.
const suiteFiles: Record<string, () => unknown> = {
  'extension.test.ts': () => require('./extension.test'),
  'completion.test.ts': () => require('./completion.test'),
  'statusBar.test.ts': () => require('./statusBar.test'),
  'training.test.ts': () => require('./training.test'),
  'learning.test.ts': () => require('./learning.test'),
  'robustness.test.ts': () => require('./robustness.test'),
  'projectMemory.test.ts': () => require('./projectMemory.test'),
};

/** Fails when a *.test.ts file sits in test/suite (of the working tree the bundle was built from)
 *  but is not listed in suiteFiles. */
function checkSuiteList(): void {
  const sourceDir = path.resolve(__dirname, '..', '..', '..', 'test', 'suite');
  if (!fs.existsSync(sourceDir)) return;
  const unlisted = fs.readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.test.ts') && !(f in suiteFiles));
  if (unlisted.length) throw new Error(`test/suite/index.ts does not list: ${unlisted.join(', ')}`);
}

/** Runs the suite; VS Code reports a rejection as a failed test run. */
export async function run(): Promise<void> {
  checkSuiteList();
  // RECURRENT_TEST_GREP runs only the tests whose titles match it (while working on one).
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.RECURRENT_TEST_GREP });
  for (const [file, load] of Object.entries(suiteFiles)) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
    load();
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test${failures === 1 ? '' : 's'} failed`);
}
