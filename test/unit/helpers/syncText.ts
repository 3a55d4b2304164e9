// Brings a DocumentState to a new text the way the engine does on each keystroke's sync: the
// client sends how much of the text it sent before still stands, and the rest.
import { commonPrefixLength } from '../../../src/engine/runtime/commonPrefixLength';
import type { DocumentState } from '../../../src/engine/runtime/documentState';

export function syncText(doc: DocumentState, text: string): void {
  const keep = commonPrefixLength(doc.text, text);
  doc.replace(keep, text.slice(keep));
}

/** An edit at `offset` as a sync sends it: keep what is before it, append the rest of the new text. */
export function syncEdit(doc: DocumentState, offset: number, deleteCount: number, insert: string): void {
  doc.replace(offset, insert + doc.text.slice(offset + deleteCount));
}
