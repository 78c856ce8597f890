import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The Chromium to use: $CHROMIUM, else `chromium` or `chromium-browser` on PATH; null when none. */
export function findChromium(): string | null {
  if (process.env['CHROMIUM']) return process.env['CHROMIUM'];
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/**
 * Renders a local HTML file in headless Chromium at `width` x `height` CSS pixels and writes a PNG
 * screenshot: what a reader of the report would see, fonts and SVG included. Throws with
 * Chromium's output when it fails or writes nothing.
 */
export function screenshotHtml(htmlFile: string, pngFile: string, options: { width?: number; height?: number; chromium?: string } = {}): void {
  const chromium = options.chromium ?? findChromium();
  if (!chromium) throw new Error("screenshotHtml: no Chromium found; install Debian's 'chromium' (bash tools/browser/ensure-chromium.sh) or set CHROMIUM.");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  try {
    fs.rmSync(pngFile, { force: true });
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      `--window-size=${options.width ?? 1200},${options.height ?? 2400}`,
      `--screenshot=${path.resolve(pngFile)}`,
      `file://${path.resolve(htmlFile)}`,
    ];
    const result = spawnSync(chromium, args, { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0 || !fs.existsSync(pngFile)) {
      throw new Error(`screenshotHtml: ${chromium} exited ${result.status ?? result.signal} without a screenshot:\n${(result.stderr || result.stdout || '').slice(-2000)}`);
    }
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
