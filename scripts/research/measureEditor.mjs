// Measures what a person sees in the real editor (code-server + headless Chromium, the VSIX installed
// as a user installs it) on files of foreign projects: at sampled words it truncates the file there,
// types the word's first one and two characters (after a `.` in TypeScript: the `.`, then one
// character), and reads the suggest widget's rows (Recurrent's or another provider's) and the ghost
// text. Passes: `merged` (everything on, as shipped), `service` (Recurrent off: the language
// service, or VS Code's word-based suggestions where there is none), `ours` (the other providers
// off). Run on demand, not by npm test:
//   npx tsx scripts/research/measureEditor.mjs --set tune|report|confirm [--per-language 40] [--passes merged,service,ours]
//     [--languages typescript,python,go,rust,markdown,plaintext] [--vsix FILE] [--out runs/editor-….jsonl]
//   npx tsx scripts/research/measureEditor.mjs --summarize runs/editor-….jsonl     (the tables again, from the observations)
// Prints a table per pass and writes every observation as a JSON line.
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { launchChromiumServer } from '../test/browser.mjs';
import { installExtension, makeTempDir, repoRoot, startCodeServer, workbenchUrl } from '../test/codeServer.mjs';
import { packageVsix } from '../build/package.mjs';
import { codeFamilyOfLanguageId, commentAndStringMask } from '../../src/engine/text/languageWords.ts';
import { mulberry32 } from '../../src/engine/random.ts';

const { values: args } = parseArgs({
  options: {
    set: { type: 'string', default: 'tune' },
    'per-language': { type: 'string', default: '40' },
    passes: { type: 'string', default: 'merged,service,ours' },
    languages: { type: 'string', default: 'typescript,python,go,rust,markdown,plaintext' },
    vsix: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '15' },
    settings: { type: 'string', default: '{}' },
    // Print the tables of an earlier run's observations (its --out file) without measuring.
    summarize: { type: 'string' },
  },
});
const perLanguage = Number(args['per-language']);
const languages = args.languages.split(',');
const passes = args.passes.split(',');

/** The files each language is measured on, per set (scripts/research/projects.sh: never tune on `report`).
 *  TypeScript and prose come from sources the corpus lacks (shared/corpus/SOURCES.md). */
function projectDirs(set) {
  const out = execFileSync(join(repoRoot, 'scripts', 'research', 'projects.sh'), [set], { cwd: repoRoot, encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('\t')));
}

function listFiles(dir, ext, limit = 40) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(ext) && !p.endsWith(`_test${ext}`) && statSync(p).size > 2000) found.push(p);
    }
  };
  walk(dir);
  return found.slice(0, limit);
}

function sourcesFor(set) {
  const nm = (p) => join(repoRoot, 'node_modules', p);
  if (set === 'confirm') {
    // A second report set, measured to confirm a choice made after reading the report set's
    // observations (so that its figures are not the only ones): READMEs of packages the corpus lacks.
    return { markdown: ['fast-check', 'yauzl', 'diff', 'workerpool'].map((p) => nm(`${p}/README.md`)) };
  }
  const dirs = projectDirs(set);
  const doc = (p) => `/usr/share/doc/${p}`;
  if (set === 'tune') {
    return {
      typescript: [nm('playwright-core/types/types.d.ts'), nm('playwright-core/types/protocol.d.ts')],
      python: listFiles(dirs['py-markdown'], '.py'),
      go: listFiles(dirs['go-pflag'], '.go'),
      rust: listFiles(dirs['rs-anyhow'], '.rs'),
      markdown: [join(dirs['rs-anyhow'], 'README.md'), nm('playwright-core/README.md'), doc('git/contrib/subtree/README.md')].filter(existsSync),
      plaintext: [doc('zlib1g-dev/algorithm.txt.gz'), doc('git/contrib/subtree/git-subtree.txt'), doc('dpkg/spec/rootless-builds.txt')].filter(existsSync),
    };
  }
  return {
    typescript: [...listFiles(nm('onnxruntime-common/lib'), '.ts'), nm('esbuild/lib/main.d.ts')],
    python: listFiles(dirs['py-jinja2'], '.py'),
    go: listFiles(dirs['go-yaml.v3'], '.go'),
    rust: listFiles(join(dirs['rs-itertools'], 'src'), '.rs'),
    markdown: [join(dirs['rs-itertools'], 'README.md'), join(dirs['rs-itertools'], 'CHANGELOG.md'), nm('@vscode/vsce/README.md')].filter(existsSync),
    plaintext: [doc('python3-jinja2/changelog.gz'), doc('dpkg/spec/triggers.txt'), doc('python3/python-policy.txt.gz')].filter(existsSync),
  };
}

const EXT = { typescript: '.ts', python: '.py', go: '.go', rust: '.rs', markdown: '.md', plaintext: '.txt' };
/** Longer files are cut (at a line end): the model reads only the text before the cursor anyway,
 *  and the language service should not spend the measurement parsing a megabyte. */
const MAX_CHARS = 20_000;

function readText(file) {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  if (text.length <= MAX_CHARS) return text;
  return text.slice(0, text.lastIndexOf('\n', MAX_CHARS) + 1);
}


const WORD = /(?<![\p{L}\p{N}_$])[\p{L}_$][\p{L}\p{N}_$]*/gu;

/** Sampled positions: words of at least 3 characters after the first 400 characters, in code
 *  outside comments and strings (in prose anywhere); in
 *  TypeScript a third of them members right after a `.`. Returns { file, text, positions } per file,
 *  positions from the end of the file backwards (each one truncates the file there). */
function samplePositions(language, files, n, random) {
  const texts = files.map((f) => ({ file: f, text: readText(f) }));
  const candidates = [];
  texts.forEach(({ text }, fi) => {
    const family = codeFamilyOfLanguageId(language);
    const mask = family ? commentAndStringMask(family, text) : new Uint8Array(text.length);
    for (const m of text.matchAll(WORD)) {
      if (m.index < 400 || m[0].length < 3 || mask[m.index]) continue;
      const dot = text[m.index - 1] === '.' && /[\p{L}\p{N}_$)\]]/u.test(text[m.index - 2] ?? '');
      candidates.push({ fi, offset: m.index, word: m[0], kind: dot ? 'dot' : 'word' });
    }
  });
  const pick = (pool, k) => {
    const chosen = [];
    const copy = [...pool];
    while (chosen.length < k && copy.length) chosen.push(copy.splice(Math.floor(random() * copy.length), 1)[0]);
    return chosen;
  };
  const dots = language === 'typescript' ? pick(candidates.filter((c) => c.kind === 'dot'), Math.round(n / 3)) : [];
  const words = pick(candidates.filter((c) => c.kind === 'word'), n - dots.length);
  return texts.map(({ file, text }, fi) => ({
    file,
    text,
    positions: [...dots, ...words].filter((c) => c.fi === fi).sort((a, b) => b.offset - a.offset),
  })).filter((f) => f.positions.length);
}

function lineCol(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

const PASS_SETTINGS = {
  merged: {},
  service: { 'recurrent.enable': false },
  ours: {
    'typescript.suggest.enabled': false,
    'javascript.suggest.enabled': false,
    'editor.wordBasedSuggestions': 'off',
    'editor.snippetSuggestions': 'none',
    'markdown.suggest.paths.enabled': false,
  },
};

async function main() {
  const temp = makeTempDir('measure-editor');
  const sources = sourcesFor(args.set);
  const random = mulberry32(Number(args.seed));
  const workspace = join(temp, 'workspace');
  const plan = {};
  for (const language of languages) {
    plan[language] = samplePositions(language, sources[language], perLanguage, random).map((f, i) => {
      const name = `${language}/${i}-${basename(f.file).replace(/\.gz$/, '').replace(/\.[^.]*$/, '')}${EXT[language]}`;
      return { ...f, name };
    });
  }
  const outPath = args.out ?? join(repoRoot, 'runs', `editor-${args.set}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  mkdirSync(join(outPath, '..'), { recursive: true });
  const out = createWriteStream(outPath);
  let server;
  let browserServer;
  try {
    const vsix = args.vsix ?? (await packageVsix('linux-x64'));
    const extensionsDir = join(temp, 'extensions');
    await installExtension(vsix, extensionsDir);
    server = await startCodeServer({ extensionsDir });
    browserServer = await launchChromiumServer(join(temp, 'browser'));
    Object.assign(process.env, {
      RECURRENT_E2E_BROWSER_WS: browserServer.wsEndpoint(),
      RECURRENT_E2E_URL: workbenchUrl(server, { folder: workspace }),
      RECURRENT_E2E_WORKSPACE: workspace,
      RECURRENT_E2E_SCREENSHOTS: join(repoRoot, 'test-results', 'measure'),
    });
    const wb = await import('../../test/e2e/workbench.ts');
    const rc = await import('../../test/e2e/recurrent.ts');
    for (const pass of passes) {
      // A fresh copy of every file for each pass (the measurement truncates them, unsaved).
      rmSync(workspace, { recursive: true, force: true });
      for (const language of languages) for (const f of plan[language]) {
        mkdirSync(join(workspace, language), { recursive: true });
        writeFileSync(join(workspace, f.name), f.text);
      }
      const settings = { 'files.autoSave': 'off', ...PASS_SETTINGS[pass], ...JSON.parse(args.settings) };
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
      const { browser, page } = await wb.openWorkbench();
      try {
        const rows = [];
        for (const language of languages) {
          for (const [i, f] of plan[language].entries()) {
            await wb.openFile(page, f.name);
            if (i === 0 && language === 'typescript') {
              const record = { pass, language, file: f.name, coldStart: await warmUp(page, wb, rc, pass !== 'ours') };
              process.stderr.write(`[measure] ${JSON.stringify(record)}\n`);
              out.write(`${JSON.stringify(record)}\n`);
            }
            for (const p of f.positions) {
              const obs = await measurePosition(page, wb, rc, f, p);
              for (const o of obs) {
                const record = { pass, language, file: f.name, source: f.file, ...o };
                rows.push(record);
                out.write(`${JSON.stringify(record)}\n`);
              }
            }
            await page.keyboard.press('Escape');
          }
        }
        printTable(pass, rows);
      } finally {
        await browser.close();
      }
    }
  } finally {
    out.end();
    await browserServer?.close().catch(() => {});
    await server?.stop();
    rmSync(temp, { recursive: true, force: true });
    process.stderr.write(`[measure] observations in ${outPath}\n`);
  }
}

/** Types at the end of the first TypeScript file and notes when rows and ghost text show while the
 *  server starts; then (`waitForService`) waits until the service lists something, so that the
 *  measurement sees it as a person does once the editor has been open a while. Returns the times;
 *  the typed text is undone. */
async function warmUp(page, wb, rc, waitForService) {
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nco');
  const started = Date.now();
  // What typing shows while the server starts: when the first row (Recurrent's, the service's)
  // and the ghost text appear, within 20 s.
  const cold = {};
  while (Date.now() - started < 20_000 && !(cold.serviceRowMs && cold.ghostMs)) {
    const items = await wb.readSuggestItems(page);
    const ms = Date.now() - started;
    if (items.length) cold.anyRowMs ??= ms;
    if (items.some(rc.isRecurrentRow)) cold.ourRowMs ??= ms;
    if (items.some((i) => !rc.isRecurrentRow(i))) cold.serviceRowMs ??= ms;
    if (await rc.readGhostText(page)) cold.ghostMs ??= ms;
    await page.waitForTimeout(100);
  }
  try {
    if (waitForService) await wb.poll(page, async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Space');
      await page.waitForTimeout(1500);
      return (await wb.readSuggestItems(page)).some((i) => !rc.isRecurrentRow(i));
    }, 180_000, 'the language service\'s first rows');
  } finally {
    await page.keyboard.press('Escape');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Z');
  }
  return { ...cold, serviceReadyMs: Date.now() - started };
}

/** Truncates the open file at the position, types the word's first characters and reads the screen
 *  after each. */
async function measurePosition(page, wb, rc, f, p) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  // A member is measured from the `.` on: the file ends before it and the `.` is typed.
  const start = p.kind === 'dot' ? p.offset - 1 : p.offset;
  const { line, col } = lineCol(f.text, start);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
  // A person looks at the place a moment before typing there.
  await page.waitForTimeout(1500);
  const steps = p.kind === 'dot' ? ['.', p.word[0]] : [p.word[0], p.word[1]];
  const obs = [];
  let typed = '';
  for (const key of steps) {
    await page.keyboard.type(key);
    if (key !== '.') typed += key;
    const seen = await watch(page, wb, rc);
    const labels = seen.items.map((i) => i.label);
    const rank = labels.indexOf(p.word);
    const ghostWord = seen.ghost.match(/^[\p{L}\p{N}_$]*/u)[0];
    obs.push({
      word: p.word, kind: p.kind, offset: p.offset, typed,
      shown: seen.items.length > 0, rank, firstRowMs: seen.firstRowMs, ghostMs: seen.ghostMs,
      rows: seen.items.slice(0, 12).map((i) => ({ label: i.label, ours: rc.isRecurrentRow(i), detail: i.detail })),
      ghost: seen.ghost, ghostRight: seen.ghost !== '' && typed + ghostWord === p.word,
      // Ghost text that runs on past the word (recurrent.inline.nextWords): all of it as the file goes on.
      ghostPastWord: seen.ghost.length > ghostWord.length,
      ghostAllRight: seen.ghost !== '' && f.text.startsWith(typed + seen.ghost, p.offset),
    });
  }
  return obs;
}

/** Reads the widget's rows and the ghost text until both have stayed the same for 700 ms (at most
 *  8 s; with nothing on screen, 4 s). */
async function watch(page, wb, rc) {
  const started = Date.now();
  let last = '';
  let since = started;
  let firstRowMs;
  let ghostMs;
  for (;;) {
    const items = await wb.readSuggestItems(page);
    const ghost = await rc.readGhostText(page);
    const now = Date.now();
    if (items.length && firstRowMs === undefined) firstRowMs = now - started;
    if (ghost && ghostMs === undefined) ghostMs = now - started;
    const key = JSON.stringify([items, ghost]);
    if (key !== last) {
      last = key;
      since = now;
    } else if (now - since >= 700 && (items.length || ghost || now - started >= 4000)) {
      return { items, ghost, firstRowMs, ghostMs };
    }
    if (now - started >= 8000) return { items, ghost, firstRowMs, ghostMs };
    await page.waitForTimeout(80);
  }
}

function pct(n, d) {
  return d ? `${Math.round((100 * n) / d)}%` : '–';
}

function printTable(pass, rows) {
  const lines = [`\n## pass ${pass}`, '| language | kind | typed | n | list shown | top-1 | top-5 | ours in top 5 | ghost shown | ghost right | past the word: shown, all right | first row ≤1.5 s |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.language}|${r.kind}|${r.typed.length}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  for (const [key, g] of groups) {
    const [language, kind, typed] = key.split('|');
    const shown = g.filter((r) => r.shown).length;
    const ghost = g.filter((r) => r.ghost).length;
    const oursTop5 = g.reduce((s, r) => s + r.rows.slice(0, 5).filter((x) => x.ours).length, 0) / g.length;
    lines.push(`| ${language} | ${kind} | ${typed} | ${g.length} | ${pct(shown, g.length)} | ${pct(g.filter((r) => r.rank === 0).length, g.length)} | ${pct(g.filter((r) => r.rank >= 0 && r.rank < 5).length, g.length)} | ${oursTop5.toFixed(1)} | ${pct(ghost, g.length)} | ${pct(g.filter((r) => r.ghostRight).length, ghost)} | ${g.filter((r) => r.ghostPastWord).length}, ${g.filter((r) => r.ghostPastWord && r.ghostAllRight).length} | ${pct(g.filter((r) => r.firstRowMs !== undefined && r.firstRowMs <= 1500).length, g.length)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  printStrayWords(rows);
}

/** Recurrent's rows in code that are words of neither the language's code (media/languageWords) nor
 *  the code (outside comments and strings) of the measured files of that language: prose, or other
 *  languages' keywords. */
function printStrayWords(rows) {
  const codeWords = new Map();
  let ours = 0;
  const stray = [];
  for (const r of rows) {
    const family = codeFamilyOfLanguageId(r.language);
    if (!family) continue;
    if (!codeWords.has(r.language)) {
      const words = new Set(gunzipSync(readFileSync(join(repoRoot, 'media', 'languageWords', `${family}.txt.gz`))).toString('utf8').split('\n'));
      for (const source of new Set(rows.filter((x) => x.language === r.language).map((x) => x.source))) {
        const text = readText(source);
        const mask = commentAndStringMask(family, text);
        for (const m of text.matchAll(WORD)) if (!mask[m.index]) words.add(m[0]);
      }
      codeWords.set(r.language, words);
    }
    for (const row of r.rows.filter((x) => x.ours)) {
      ours++;
      if (!codeWords.get(r.language).has(row.label)) stray.push(`${r.language}: ${row.label}`);
    }
  }
  process.stdout.write(`Recurrent's rows in code that are words of neither the language's code nor the measured files' code: ${stray.length} of ${ours}${stray.length ? ` (${[...new Set(stray)].slice(0, 40).join(', ')})` : ''}\n`);
}

if (args.summarize) {
  const rows = readFileSync(args.summarize, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.kind);
  for (const pass of new Set(rows.map((r) => r.pass))) printTable(pass, rows.filter((r) => r.pass === pass));
} else {
  await main();
}
