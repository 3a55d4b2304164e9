// The typing simulation (docs/architecture.md §5): files are typed top to bottom, and at every word each system
// ranks candidates from the text before the cursor only; ranks become top-1/top-5/MRR per number
// of typed characters k, keystrokes saved, and ghost-text precision.

import type { CompletionSystem } from './completionSystem';
import { charCount, findWords, leadingWordChars, prefixLength } from '../text/words';

/** One value per number of typed characters k = 0, 1, 2. */
export interface ByK {
  k0: number;
  k1: number;
  k2: number;
}

export interface SystemMetrics {
  /** Share of positions where the word is first. */
  top1: ByK;
  /** Share of positions where the word is among the first five. */
  top5: ByK;
  /** Mean reciprocal rank (0 when the word is not in the list of `limit`). */
  mrr: ByK;
  /** 1 − Σ cost / Σ length: the user types until the word is first, then accepts with one key. */
  keystrokesSaved: number;
  /** rank() calls and their mean time (the caller's clock, ms). */
  queries: number;
  msPerQuery: number;
  /** Ghost-text metrics, for a system that has `inline`. */
  inline?: InlineMetrics;
}

export interface InlineMetrics {
  /** The system whose ghost text this is. */
  system: string;
  /** Positions where ghost text was shown. */
  shown: number;
  /** Shown ghost texts whose word part was exactly the rest of the word. */
  accepted: number;
  /** accepted / shown (0 when nothing was shown). */
  precision: number;
  /** Characters of words completed by accepted ghost text / all characters of the words. */
  charsSaved: number;
  /** inline() calls and their mean time (ms). */
  queries: number;
  msPerQuery: number;
}

export interface SimulationResult {
  /** Word occurrences typed. */
  words: number;
  /** Their characters (code points): the denominator of keystrokes and characters saved. */
  chars: number;
  files: number;
  /** Positions behind each k (words longer than k characters). */
  positions: ByK;
  /** Length of the ranked lists asked for. */
  limit: number;
  systems: Record<string, SystemMetrics>;
  /** Ghost text of the first system that has `inline` (each one's is under `systems`); null when none has. */
  inline: InlineMetrics | null;
}

export interface SimulationOptions {
  /** Type only the first N word occurrences (in file order, across files). */
  maxWords?: number;
  /** Type only the first N word occurrences of each file (a report spread over many files). */
  maxWordsPerFile?: number;
  /** Ranked list length (default 10: MRR@10). */
  limit?: number;
  /** Called after each file with the files and words done so far. */
  onProgress?: (files: number, words: number) => void;
  /**
   * Session mode: the files of each project (`project` of the files) are typed in order, and each
   * file, once typed, is saved whole into the project for the files after it (systems that have
   * addProjectFile use it).
   */
  session?: boolean;
}

interface Tally {
  hits1: number[];
  hits5: number[];
  rr: number[];
  cost: number;
  queries: number;
  ms: number;
  ghost: { shown: number; accepted: number; saved: number; queries: number; ms: number };
}

/** What was typed: word occurrences, their characters, files, and positions per k. */
interface Typed {
  words: number;
  chars: number;
  files: number;
  positions: number[];
}

/**
 * Types `files` and measures every system on the same positions. For each word occurrence
 * (`/[\p{L}_$][\p{L}\p{N}_$]*\/u`, whole, ≥ 2 characters) and k typed characters (k < length),
 * each system ranks at k = 0, 1, 2, and beyond while the word is not yet first (keystrokes
 * saved: accepted at the first k where it is first, cost k + 1; never first, cost = length).
 * Ghost text is asked at every k until it is right; accepting it ends the word (so a right
 * ghost text counts once per word, with the characters it completes).
 */
export async function simulate(
  files: { path: string; text: string; project?: string }[],
  systems: CompletionSystem[],
  opts: SimulationOptions = {},
): Promise<SimulationResult> {
  const limit = opts.limit ?? 10;
  const maxWords = opts.maxWords ?? Infinity;
  const maxWordsPerFile = opts.maxWordsPerFile ?? Infinity;
  if (new Set(systems.map((s) => s.name)).size !== systems.length) throw new Error('completion systems need distinct names');
  const tallies = systems.map(
    (): Tally => ({
      hits1: [0, 0, 0],
      hits5: [0, 0, 0],
      rr: [0, 0, 0],
      cost: 0,
      queries: 0,
      ms: 0,
      ghost: { shown: 0, accepted: 0, saved: 0, queries: 0, ms: 0 },
    }),
  );
  const typed: Typed = { words: 0, chars: 0, files: 0, positions: [0, 0, 0] };
  let project: string | undefined;
  for (const file of files) {
    if (typed.words >= maxWords) break;
    typed.files++;
    if (opts.session && (typed.files === 1 || file.project !== project)) {
      project = file.project;
      for (const s of systems) await s.startProject?.();
    }
    for (const s of systems) await s.startFile(file.path);
    let fileWords = 0;
    for (const { start, word } of findWords(file.text)) {
      if (typed.words >= maxWords || fileWords >= maxWordsPerFile) break;
      typed.words++;
      fileWords++;
      typed.chars += charCount(word);
      await typeWord(file.text, start, word, systems, tallies, typed.positions, limit);
    }
    if (opts.session) for (const s of systems) await s.addProjectFile?.(file.path, file.text);
    opts.onProgress?.(typed.files, typed.words);
  }
  return results(systems, tallies, typed, limit);
}

/** Types one word occurrence at `start` of `text` a character at a time, asking every system. */
async function typeWord(text: string, start: number, word: string, systems: CompletionSystem[], tallies: Tally[], positions: number[], limit: number): Promise<void> {
  const length = charCount(word);
  // Per system: k where the word was first (null: not yet), ghost text still to be judged.
  const firstAt: (number | null)[] = systems.map(() => null);
  const ghostOpen = systems.map((s) => Boolean(s.inline));
  for (let k = 0; k < length; k++) {
    const cut = prefixLength(word, k);
    const before = text.slice(0, start + cut);
    if (k <= 2) positions[k]++;
    for (let i = 0; i < systems.length; i++) {
      if (k <= 2 || firstAt[i] === null) {
        const rank = await rankOf(systems[i], tallies[i], before, word, cut, limit);
        if (rank === 1 && firstAt[i] === null) firstAt[i] = k;
        if (k <= 2 && rank > 0) {
          tallies[i].hits1[k] += rank === 1 ? 1 : 0;
          tallies[i].hits5[k] += rank <= 5 ? 1 : 0;
          tallies[i].rr[k] += 1 / rank;
        }
      }
      if (ghostOpen[i] && (await ghostAccepted(systems[i], tallies[i], before, word.slice(cut), length - k))) ghostOpen[i] = false;
    }
    if (k >= 2 && firstAt.every((f) => f !== null) && !ghostOpen.some(Boolean)) break;
  }
  firstAt.forEach((f, i) => (tallies[i].cost += f === null ? length : f + 1));
}

/** The word's rank (1-based; 0 when not in the first `limit`) in the system's list after `cut` typed units. */
async function rankOf(system: CompletionSystem, t: Tally, before: string, word: string, cut: number, limit: number): Promise<number> {
  const t0 = performance.now();
  const list = await system.rank(before, word.slice(0, cut), limit);
  t.ms += performance.now() - t0;
  t.queries++;
  return list.slice(0, limit).indexOf(word) + 1;
}

/** Whether the system's ghost text is the rest of the word (`rest`, of `restChars` characters), counting it. */
async function ghostAccepted(system: CompletionSystem, t: Tally, before: string, rest: string, restChars: number): Promise<boolean> {
  if (!system.inline) return false;
  const t0 = performance.now();
  const ghost = await system.inline(before);
  t.ghost.ms += performance.now() - t0;
  t.ghost.queries++;
  if (ghost === '') return false;
  t.ghost.shown++;
  if (leadingWordChars(ghost) !== rest) return false;
  t.ghost.accepted++;
  t.ghost.saved += restChars;
  return true;
}

function results(systems: CompletionSystem[], tallies: Tally[], typed: Typed, limit: number): SimulationResult {
  const { words, chars, positions } = typed;
  const share = (v: number[]): ByK => ({
    k0: positions[0] ? v[0] / positions[0] : 0,
    k1: positions[1] ? v[1] / positions[1] : 0,
    k2: positions[2] ? v[2] / positions[2] : 0,
  });
  const result: SimulationResult = {
    words,
    chars,
    files: typed.files,
    positions: { k0: positions[0], k1: positions[1], k2: positions[2] },
    limit,
    systems: {},
    inline: null,
  };
  systems.forEach((s, i) => {
    const t = tallies[i];
    const metrics: SystemMetrics = {
      top1: share(t.hits1),
      top5: share(t.hits5),
      mrr: share(t.rr),
      keystrokesSaved: chars ? 1 - t.cost / chars : 0,
      queries: t.queries,
      msPerQuery: t.queries ? t.ms / t.queries : 0,
    };
    if (s.inline) {
      const g = t.ghost;
      metrics.inline = {
        system: s.name,
        shown: g.shown,
        accepted: g.accepted,
        precision: g.shown ? g.accepted / g.shown : 0,
        charsSaved: chars ? g.saved / chars : 0,
        queries: g.queries,
        msPerQuery: g.queries ? g.ms / g.queries : 0,
      };
      result.inline ??= metrics.inline;
    }
    result.systems[s.name] = metrics;
  });
  return result;
}
