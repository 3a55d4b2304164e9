// Draws a typing-simulation result (the JSON of `recurrent simulate --json`) as an SVG bar chart:
// keystrokes saved per system, and MRR by number of typed characters k per system.
// usage: node scripts/research/plotSimulation.mjs result.json out.svg
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/research/plotSimulation.mjs result.json out.svg\n');
  process.exit(2);
}

/** The whole file, or else its last line that parses (CLI output may carry other lines). */
function readResult(file) {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.trim().split('\n').reverse();
    for (const line of lines) {
      try {
        return JSON.parse(line);
      } catch {
        // not this line
      }
    }
  }
  throw new Error(`${file} holds no simulation JSON`);
}

const result = readResult(input);
if (!result.systems || typeof result.words !== 'number') throw new Error(`${input} is not a simulation result`);
const names = Object.keys(result.systems);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const pct = (x) => `${(100 * x).toFixed(1)}`;

const K_COLORS = ['#9ecae1', '#4292c6', '#08519c'];
const SAVED_COLOR = '#31a354';
const top = 60;
const plotHeight = 220;
const bottom = top + plotHeight;
const parts = [];

/** One panel: axis with 0–100 % grid, a title, and groups of bars (one group per system). */
function panel(x0, width, title, groups) {
  parts.push(`<text x="${x0 + width / 2}" y="${top - 30}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (let v = 0; v <= 100; v += 20) {
    const y = bottom - (v / 100) * plotHeight;
    parts.push(`<line x1="${x0}" y1="${y}" x2="${x0 + width}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#555">${v}%</text>`);
  }
  const groupWidth = width / groups.length;
  groups.forEach(({ label, bars }, g) => {
    const barWidth = Math.min(28, (groupWidth * 0.8) / bars.length);
    const start = x0 + g * groupWidth + (groupWidth - barWidth * bars.length) / 2;
    bars.forEach(({ value, color }, b) => {
      const h = Math.max(0, Math.min(1, value)) * plotHeight;
      const x = start + b * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"/>`);
      parts.push(`<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(bottom - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${pct(value)}</text>`);
    });
    parts.push(`<text x="${(x0 + (g + 0.5) * groupWidth).toFixed(1)}" y="${bottom + 18}" text-anchor="middle" font-size="12">${esc(label)}</text>`);
  });
  parts.push(`<line x1="${x0}" y1="${bottom}" x2="${x0 + width}" y2="${bottom}" stroke="#333"/>`);
}

const leftWidth = Math.max(240, 90 * names.length);
const rightWidth = Math.max(360, 150 * names.length);
const leftX = 60;
const rightX = leftX + leftWidth + 90;
const width = rightX + rightWidth + 30;
const height = bottom + 70;

panel(leftX, leftWidth, 'Keystrokes saved', names.map((n) => ({ label: n, bars: [{ value: result.systems[n].keystrokesSaved, color: SAVED_COLOR }] })));
panel(
  rightX,
  rightWidth,
  'MRR by typed characters k',
  names.map((n) => ({ label: n, bars: ['k0', 'k1', 'k2'].map((k, i) => ({ value: result.systems[n].mrr[k], color: K_COLORS[i] })) })),
);
['k = 0', 'k = 1', 'k = 2'].forEach((label, i) => {
  const x = rightX + i * 80;
  parts.push(`<rect x="${x}" y="${bottom + 34}" width="12" height="12" fill="${K_COLORS[i]}"/>`);
  parts.push(`<text x="${x + 16}" y="${bottom + 44}" font-size="12">${label}</text>`);
});
parts.push(
  `<text x="${leftX}" y="${height - 8}" font-size="11" fill="#555">${esc(`${result.words} words${result.files ? ` in ${result.files} files` : ''}; MRR over lists of ${result.limit ?? 10}`)}</text>`,
);

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
writeFileSync(output, svg);
process.stderr.write(`wrote ${output}\n`);
