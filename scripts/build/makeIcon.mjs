// Draws media/icon.png (128×128): a loop arrow — the recurrence h_t = f(h_{t-1}, x_t) — around
// three dots (the text still to come) on a dark rounded square. Plain Node (zlib) so the icon can be regenerated anywhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const SIZE = 128;
const SAMPLES = 4; // supersampling per axis, for anti-aliased edges

const background = [15, 23, 42];
const ring = [45, 212, 191];
const dots = [226, 232, 240];
// The loop runs clockwise from ARC_START to ARC_END (degrees from 12 o'clock), leaving a gap at
// about 3 o'clock that the arrowhead points into.
const ARC_START = 125;
const ARC_END = 395;

/** Colour and coverage of the point (x, y) in icon units, or null outside every shape. */
function shade(x, y) {
  const cx = 64;
  const cy = 64;
  const inRoundedSquare = (() => {
    const r = 24;
    const dx = Math.max(Math.abs(x - cx) - (64 - r), 0);
    const dy = Math.max(Math.abs(y - cy) - (64 - r), 0);
    return dx * dx + dy * dy <= r * r;
  })();
  if (!inRoundedSquare) return null;
  const dx = x - cx;
  const dy = y - cy;
  const radius = Math.hypot(dx, dy);
  // Angle measured clockwise from 12 o'clock, in degrees [0, 360).
  const a = ((Math.atan2(dx, -dy) * 180) / Math.PI + 360) % 360;
  if (radius >= 33 && radius <= 43 && (a - ARC_START + 360) % 360 <= ARC_END - ARC_START) return ring;
  // Arrowhead at the arc's end, pointing clockwise along the circle.
  const end = (ARC_END * Math.PI) / 180;
  const tipDir = [Math.cos(end), Math.sin(end)]; // tangent (clockwise) in screen coordinates
  const base = [cx + 38 * Math.sin(end), cy - 38 * Math.cos(end)];
  const along = (x - base[0]) * tipDir[0] + (y - base[1]) * tipDir[1];
  const across = -(x - base[0]) * tipDir[1] + (y - base[1]) * tipDir[0];
  if (along >= 0 && along <= 16 && Math.abs(across) <= 13 * (1 - along / 16)) return ring;
  for (const ox of [-13, 0, 13]) if (Math.hypot(x - cx - ox, y - cy) <= 4.5) return dots;
  return background;
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const color = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!color) continue;
          sum[0] += color[0];
          sum[1] += color[1];
          sum[2] += color[2];
          sum[3] += 1;
        }
      }
      const o = (py * SIZE + px) * 4;
      if (sum[3] > 0) for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(sum[c] / sum[3]);
      rgba[o + 3] = Math.round((255 * sum[3]) / (SAMPLES * SAMPLES));
    }
  }
  return rgba;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes 8-bit RGBA pixels as a PNG. */
function encodePng(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = join(repoRoot, 'media', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, encodePng(render(), SIZE, SIZE));
process.stdout.write(`${out}\n`);
