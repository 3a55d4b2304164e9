// The human-readable form of a simulation result (the CLI's output without --json).

import type { ByK, SimulationResult } from './simulate';

const pct = (x: number) => (100 * x).toFixed(1);
const byK = (v: ByK) => `${pct(v.k0).padStart(5)} ${pct(v.k1).padStart(5)} ${pct(v.k2).padStart(5)}`;

/** A fixed-width table: top-1, top-5 and MRR (percent) by k, keystrokes saved, ms per query; then ghost text. */
export function formatSimulationTable(result: SimulationResult): string {
  const names = Object.keys(result.systems);
  const width = Math.max(6, ...names.map((n) => n.length));
  const lines = [
    `${result.words} words (${result.chars} characters) in ${result.files} files; ` +
      `positions k0/k1/k2: ${result.positions.k0}/${result.positions.k1}/${result.positions.k2}; lists of ${result.limit}`,
    '',
    `${'system'.padEnd(width)}  ${'top-1 % k0/k1/k2'.padEnd(17)}  ${'top-5 % k0/k1/k2'.padEnd(17)}  ${'MRR % k0/k1/k2'.padEnd(17)}  keys saved %  ms/query`,
  ];
  for (const name of names) {
    const m = result.systems[name];
    lines.push(
      `${name.padEnd(width)}  ${byK(m.top1)}  ${byK(m.top5)}  ${byK(m.mrr)}  ${pct(m.keystrokesSaved).padStart(12)}  ${m.msPerQuery.toFixed(3).padStart(8)}`,
    );
  }
  const ghosts = names.flatMap((n) => result.systems[n].inline ?? []);
  lines.push('');
  for (const g of ghosts) {
    lines.push(`ghost text (${g.system}): shown ${g.shown}, accepted ${g.accepted}, precision ${pct(g.precision)}%, characters saved ${pct(g.charsSaved)}%`);
  }
  if (!ghosts.length) lines.push('ghost text: no system offers it');
  return lines.join('\n');
}
