import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageOf } from '../../test-support/html-page.js';

/** Headless Chromium from Debian's packages (chromium-headless-shell, or chromium), when installed. */
const browser = ['chromium-headless-shell', 'chromium', 'chromium-browser'].find((b) => spawnSync('which', [b]).status === 0);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--allow-file-access-from-files'];

describe('--html in a real browser', () => {
  if (!browser) {
    it('skipped: no headless Chromium here (apt-get install chromium-headless-shell); the page is checked by parsing only', () => {});
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'msim-html-'));
  const file = join(dir, 'page.html');
  writeFileSync(file, pageOf());

  it(`${browser} parses it into the same sections, tables and charts`, () => {
    const r = spawnSync(browser, [...FLAGS, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const dom = r.stdout;
    for (const id of ['summary', 'latency', 'services-over-time', 'services', 'call-graph', 'faults', 'interventions'])
      expect(dom, id).toContain(`<section id="${id}">`);
    const source = readFileSync(file, 'utf8');
    const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
    for (const re of [/<svg /g, /<table>/g, /<path /g, /<figure>/g]) expect(count(dom, re), String(re)).toBe(count(source, re));
  });

  it(`${browser} draws it (a screenshot of the page)`, () => {
    const png = join(dir, 'page.png');
    const r = spawnSync(browser, [...FLAGS, `--screenshot=${png}`, '--window-size=1150,2400', `file://${file}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000); // a blank page of that size is a few KB
  });
});
