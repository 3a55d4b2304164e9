// The tokenizer's public API: byte-level BPE, its trainer, and the incremental encoder.
export { Tokenizer, DOC_TOKEN, FILE_TOKEN } from './tokenizer';
export { Language, LANGUAGES, languageToken, languageOfPath, languageOfId, languageOfDocument, isLanguage, WORD_MEMORY_KINDS, WordMemoryKind, wordMemoryKindOf } from './language';
export { trainTokenizer } from './trainTokenizer';
export { IncrementalEncoder } from './incrementalEncoder';
