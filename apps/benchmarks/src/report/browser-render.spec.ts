import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { findChromium, screenshotHtml } from './browser-screenshot';
import { leaderboardHtml } from './html-report';
import { OKABE_ITO } from './palette';
import { decodePng } from './png-decode';
import { fakeLeaderboard } from './report-fixtures.test-helpers';

jest.setTimeout(180_000);

/** A PNG of `rows` (RGB bytes per row), row y written with filter `filters[y]`. */
function encodePng(width: number, rows: number[][], filters: number[]): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    return out; // the decoder does not check CRCs
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw: number[] = [];
  rows.forEach((row, y) => {
    const up = y > 0 ? rows[y - 1] : new Array(row.length).fill(0);
    raw.push(filters[y]);
    row.forEach((v, i) => {
      const a = i >= 3 ? row[i - 3] : 0;
      const b = up[i];
      const c = i >= 3 ? up[i - 3] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filters[y]];
      raw.push((v - predictor) & 0xff);
    });
  });
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.from(raw))), chunk('IEND', Buffer.alloc(0))]);
}

describe('decodePng', () => {
  it('undoes every scanline filter (none, sub, up, average, Paeth)', () => {
    const rows = [
      [10, 20, 30, 200, 100, 50],
      [255, 0, 7, 3, 250, 128],
      [1, 2, 3, 4, 5, 6],
      [90, 180, 45, 60, 120, 240],
      [77, 13, 200, 201, 14, 76],
    ];
    const image = decodePng(encodePng(2, rows, [0, 1, 2, 3, 4]));
    expect([image.width, image.height]).toEqual([2, 5]);
    const rgb = rows.flatMap((row) => [...row.slice(0, 3), 255, ...row.slice(3), 255]);
    expect(Array.from(image.rgba)).toEqual(rgb);
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(/not a PNG/);
  });
});

const chromium = findChromium();
// CI installs Chromium (tools/browser/ensure-chromium.sh), so there the check always runs
const inBrowser = chromium || process.env['CI'] ? it : it.skip;
if (!chromium && !process.env['CI']) console.warn('browser-render.spec: no Chromium on PATH; the screenshot check is skipped here (CI runs it).');

describe('the HTML report in a browser', () => {
  inBrowser('renders its charts: a headless Chromium screenshot shows every series colour', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-render-'));
    try {
      const board = fakeLeaderboard();
      const html = path.join(dir, 'leaderboard.html');
      const png = path.join(dir, 'leaderboard.png');
      fs.writeFileSync(html, leaderboardHtml(board));
      screenshotHtml(html, png, { width: 1200, height: 2400 });
      const image = decodePng(fs.readFileSync(png));
      expect([image.width, image.height]).toEqual([1200, 2400]);
      const pixelsOf = (hex: string) => {
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        const rows: number[] = [];
        for (let p = 0; p < image.width * image.height; p++) {
          const q = p * 4;
          if (Math.abs(image.rgba[q] - r) <= 4 && Math.abs(image.rgba[q + 1] - g) <= 4 && Math.abs(image.rgba[q + 2] - b) <= 4) rows.push(Math.floor(p / image.width));
        }
        return rows;
      };
      // lines, markers and reliability bars are drawn in the series colours; text never is
      for (const colour of OKABE_ITO.slice(0, board.models.length)) {
        const rows = pixelsOf(colour);
        expect(rows.length).toBeGreaterThan(300);
        // in more than one chart: the rotation lines near the top and the reliability bars below
        expect(Math.max(...rows) - Math.min(...rows)).toBeGreaterThan(400);
      }
      // and the page is not blank
      let ink = 0;
      for (let q = 0; q < image.rgba.length; q += 4) if (image.rgba[q] + image.rgba[q + 1] + image.rgba[q + 2] < 600) ink++;
      expect(ink / (image.width * image.height)).toBeGreaterThan(0.01);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
