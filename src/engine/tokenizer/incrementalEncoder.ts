// Incremental encoding of a document being edited: keeps the pre-token pieces and their ids, and
// after an edit re-scans only from a little before the edit until the pieces line up with the old
// ones again, reusing the ids of everything else.

import { wtf8Encode } from './bytes';
import { pieceEnd } from './preTokenizer';
import type { Tokenizer } from './tokenizer';

/**
 * How far before an edit the scan restarts, in UTF-16 units. A piece's extent depends on at most two
 * characters after its end (the space-run rule looks at " x"; every other rule at one), so a piece
 * that ends this far before the edit cannot change. One extra unit of margin.
 */
const LOOKAHEAD = 3;

/** Keeps a document's pre-tokens and ids; an edit re-encodes only near the edit. */
export class IncrementalEncoder {
  private _text: string;
  private readonly _ids: number[] = [];
  /** UTF-16 start of each piece */
  private readonly starts: number[] = [];
  /** index in `_ids` of each piece's first token */
  private readonly firstToken: number[] = [];

  constructor(private readonly tokenizer: Tokenizer, text: string) {
    this._text = text;
    for (let i = 0; i < text.length; ) {
      const end = pieceEnd(text, i);
      this.push(i, tokenizer.encodeSlice(text, i, end));
      i = end;
    }
  }

  get text(): string {
    return this._text;
  }

  /** The ids of the current text; always equal to tokenizer.encode(text). Mutated by edit(). */
  get ids(): readonly number[] {
    return this._ids;
  }

  /**
   * Replaces `deleteCount` UTF-16 units at `offset` with `insert`; returns the index of the first
   * token that differs from before (ids.length if none does); tokens before it are unchanged.
   */
  edit(offset: number, deleteCount: number, insert: string): number {
    const old = this._text;
    if (!(Number.isInteger(offset) && Number.isInteger(deleteCount) && offset >= 0 && deleteCount >= 0 && offset + deleteCount <= old.length)) {
      throw new RangeError(`IncrementalEncoder.edit: bad range ${offset}+${deleteCount} of ${old.length}`);
    }
    const text = old.slice(0, offset) + insert + old.slice(offset + deleteCount);
    this._text = text;
    const delta = insert.length - deleteCount;
    const oldEditEnd = offset + deleteCount;
    const newEditEnd = offset + insert.length;
    const nPieces = this.starts.length;

    // First piece to re-scan: the last one starting at least LOOKAHEAD before the edit.
    const from = Math.max(0, this.pieceAt(offset - LOOKAHEAD));
    const scanStart = from < nPieces ? this.starts[from] : old.length;
    // Re-scan until a new piece ends where an old piece (after the edit) starts: from there on the
    // text, and so the pieces, are the old ones shifted by `delta`.
    let to = from; // old pieces [from, to) get replaced
    const newStarts: number[] = [];
    const newIds: (readonly number[])[] = [];
    for (let start = scanStart; start < text.length; ) {
      const end = pieceEnd(text, start);
      newStarts.push(start);
      newIds.push(this.tokenizer.encodeSlice(text, start, end));
      start = end;
      if (end < newEditEnd) continue;
      const oldEnd = end - delta;
      while (to < nPieces && this.starts[to] < oldEnd) to++;
      if (oldEnd >= oldEditEnd && (to === nPieces ? oldEnd === old.length : this.starts[to] === oldEnd)) break;
    }
    if (scanStart >= text.length) to = nPieces; // nothing left to scan: every old piece from `from` is gone

    // Replace the old pieces' ids; find the first token that differs from before.
    const tokStart = from < nPieces ? this.firstToken[from] : this._ids.length;
    const oldTokEnd = to < nPieces ? this.firstToken[to] : this._ids.length;
    const oldCount = oldTokEnd - tokStart;
    const flat: number[] = [];
    for (const ids of newIds) for (let i = 0; i < ids.length; i++) flat.push(ids[i]);
    const firstChanged = this.firstDifference(tokStart, oldCount, flat);
    replaceRange(this._ids, tokStart, oldCount, flat);

    const firstTokens: number[] = [];
    let t = tokStart;
    for (const ids of newIds) {
      firstTokens.push(t);
      t += ids.length;
    }
    replaceRange(this.starts, from, to - from, newStarts);
    replaceRange(this.firstToken, from, to - from, firstTokens);
    const tokDelta = flat.length - oldCount;
    for (let p = from + newStarts.length; p < this.starts.length; p++) {
      this.starts[p] += delta;
      this.firstToken[p] += tokDelta;
    }
    return firstChanged;
  }

  /**
   * UTF-16 offset where token i starts (text.length for i === ids.length). A token that begins inside
   * a character's UTF-8 bytes gets that character's offset.
   */
  tokenOffset(i: number): number {
    if (!(i >= 0 && i <= this._ids.length && Number.isInteger(i))) {
      throw new RangeError(`IncrementalEncoder.tokenOffset: no token ${i} (${this._ids.length} tokens)`);
    }
    if (i === this._ids.length) return this._text.length;
    // The piece holding token i: the last piece whose first token is <= i.
    let lo = 0;
    let hi = this.firstToken.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstToken[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo];
    let byteOffset = 0;
    for (let t = this.firstToken[lo]; t < i; t++) byteOffset += this.tokenizer.tokenBytes(this._ids[t]).length;
    if (byteOffset === 0) return start;
    // Walk the piece's characters until their bytes reach the token's first byte.
    const end = lo + 1 < this.starts.length ? this.starts[lo + 1] : this._text.length;
    let pos = start;
    let bytes = 0;
    while (pos < end) {
      const cp = this._text.codePointAt(pos)!;
      const units = cp > 0xffff ? 2 : 1;
      const len = wtf8Encode(this._text.slice(pos, pos + units)).length;
      if (bytes + len > byteOffset) break;
      bytes += len;
      pos += units;
    }
    return pos;
  }

  /**
   * First index where the ids differ from the ids with [tokStart, tokStart + oldCount) replaced by
   * `flat`; ids.length (the new length) when nothing differs. Usually stops within the edited piece;
   * past the replaced range it compares with the shifted old tail.
   */
  private firstDifference(tokStart: number, oldCount: number, flat: readonly number[]): number {
    const old = this._ids;
    const shift = flat.length - oldCount;
    const newLength = old.length + shift;
    const end = Math.min(old.length, newLength);
    let k = tokStart;
    for (; k < end; k++) {
      const i = k - tokStart;
      if (i >= Math.max(oldCount, flat.length) && shift === 0) return newLength; // identical tails
      const now = i < flat.length ? flat[i] : old[k - shift];
      if (now !== old[k]) return k;
    }
    return shift === 0 ? newLength : k;
  }

  /** Index of the last piece starting at or before `offset` (-1 if none). */
  private pieceAt(offset: number): number {
    let lo = -1;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private push(start: number, ids: readonly number[]): void {
    this.starts.push(start);
    this.firstToken.push(this._ids.length);
    for (let i = 0; i < ids.length; i++) this._ids.push(ids[i]);
  }
}

/** arr.splice(start, deleteCount, ...items) without spreading: items may be too many for a call. */
function replaceRange(arr: number[], start: number, deleteCount: number, items: readonly number[]): void {
  if (items.length < 1000) {
    arr.splice(start, deleteCount, ...items);
    return;
  }
  const tail = arr.slice(start + deleteCount);
  arr.length = start;
  for (let i = 0; i < items.length; i++) arr.push(items[i]);
  for (let i = 0; i < tail.length; i++) arr.push(tail[i]);
}
