// The file's language as the model is told it: a small fixed set, each with a special token fed
// right after <|doc|> (`<|doc|> <|lang:python|>`), so the network knows from the first character
// which vocabulary and layout to expect. One definition for training, scoring and completion.
/** The languages a model can be told; `other` for everything else (and when nothing is known). */
export const LANGUAGES = ['typescript', 'python', 'go', 'rust', 'c', 'java', 'markdown', 'text', 'json', 'other'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Content of the special token for `language`. */
export function languageToken(language: Language): string {
  return `<|lang:${language}|>`;
}

// TypeScript and JavaScript share one token: the same syntax and libraries, and a .js file in the
// corpus is often TypeScript's compiler output. C and C++ share one too (headers are either).
const byExtension: Record<string, Language> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'typescript', jsx: 'typescript', mjs: 'typescript', cjs: 'typescript',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go', rs: 'rust',
  c: 'c', h: 'c', cc: 'c', cpp: 'c', cxx: 'c', hpp: 'c', hh: 'c', hxx: 'c',
  java: 'java',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown',
  txt: 'text', rst: 'text', text: 'text',
  json: 'json', jsonc: 'json', json5: 'json',
};

const byLanguageId: Record<string, Language> = {
  typescript: 'typescript', typescriptreact: 'typescript', javascript: 'typescript', javascriptreact: 'typescript',
  python: 'python', go: 'go', rust: 'rust', c: 'c', cpp: 'c', 'objective-c': 'c', 'objective-cpp': 'c',
  java: 'java', markdown: 'markdown', mdx: 'markdown', plaintext: 'text', restructuredtext: 'text',
  json: 'json', jsonc: 'json', jsonl: 'json',
};

/** The language of a file, by its extension (a POSIX or Windows path, or a URI). */
export function languageOfPath(file: string): Language {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? byExtension[name.slice(dot + 1).toLowerCase()] ?? 'other' : 'other';
}

/** The language of a VS Code language id (`typescriptreact`, `plaintext`, …). */
export function languageOfId(languageId: string): Language {
  return byLanguageId[languageId] ?? 'other';
}

/** An editor's document: its language id when it names one of ours, else its file's extension. */
export function languageOfDocument(languageId: string | undefined, file: string | undefined): Language {
  const byId = languageId ? languageOfId(languageId) : 'other';
  return byId !== 'other' || !file ? byId : languageOfPath(file);
}

/**
 * Kinds of text with a word memory of their own beside the one of all the training text
 * (`words.<kind>.bin`, ngram/wordMemory): the words and phrases of prose are not those of code.
 */
export const WORD_MEMORY_KINDS = { prose: ['markdown', 'text'] } as const satisfies Record<string, readonly Language[]>;
export type WordMemoryKind = keyof typeof WORD_MEMORY_KINDS;

const kindOfLanguage = new Map<Language, WordMemoryKind>(
  (Object.entries(WORD_MEMORY_KINDS) as [WordMemoryKind, readonly Language[]][]).flatMap(([kind, languages]) => languages.map((l) => [l, kind] as const)),
);

/** The kind of word memory a document of `language` draws on first, if any (asked at every keystroke). */
export function wordMemoryKindOf(language: Language): WordMemoryKind | undefined {
  return kindOfLanguage.get(language);
}

export function isLanguage(s: unknown): s is Language {
  return typeof s === 'string' && (LANGUAGES as readonly string[]).includes(s);
}
