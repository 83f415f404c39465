// Renders the Marketplace icon (media/icon.png, 128×128) from the activity bar glyph in
// media/pi-sessions.svg: the glyph's strokes in white on a rounded dark tile. Needs
// `rsvg-convert` (Debian: librsvg2-bin). The PNG is committed; run this after the glyph changes:
//   node scripts/make-icon.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const glyphFile = path.join(root, 'media/pi-sessions.svg');
const out = path.join(root, 'media/icon.png');
const size = 128;
const tile = '#1f2937';
const ink = '#ffffff';
const accent = '#38bdf8';

const glyph = readFileSync(glyphFile, 'utf8');
const open = glyph.match(/<svg\b([^>]*)>/);
const viewBox = open?.[1].match(/viewBox="([^"]+)"/)?.[1].split(/\s+/).map(Number);
if (!open || !viewBox || viewBox.length !== 4) throw new Error(`${glyphFile}: no <svg viewBox="…"> found`);
const strokeWidth = open[1].match(/stroke-width="([^"]+)"/)?.[1] ?? '1.5';
const body = glyph.slice(open.index + open[0].length, glyph.lastIndexOf('</svg>'));

// The glyph fills 72% of the tile, centred; its outer frame takes the accent colour.
const scale = (size * 0.72) / Math.max(viewBox[2], viewBox[3]);
const offset = (size - Math.max(viewBox[2], viewBox[3]) * scale) / 2;
const framed = body.replace(/<rect\b/, `<rect stroke="${accent}"`);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="24" fill="${tile}"/>
  <g transform="translate(${offset} ${offset}) scale(${scale}) translate(${-viewBox[0]} ${-viewBox[1]})"
     fill="none" stroke="${ink}" stroke-width="${strokeWidth}" stroke-linecap="round" stroke-linejoin="round">${framed}</g>
</svg>`;

const result = spawnSync('rsvg-convert', ['--width', String(size), '--height', String(size), '--format', 'png', '--output', out], {
  input: svg,
  encoding: 'utf8',
});
if (result.error) throw new Error(`rsvg-convert could not run (install librsvg2-bin): ${result.error.message}`);
if (result.status !== 0) throw new Error(`rsvg-convert failed: ${result.stderr}`);
console.log(`wrote ${path.relative(root, out)} (${size}×${size})`);
