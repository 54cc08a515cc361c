// The HTML report in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
// no browser is downloaded): it renders, the timeline SVG shows the failed checkpoints and the
// restarts, no request leaves the page, and a screenshot goes to test-artifacts/.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers.js';
import { secretsDir, ALL_SENSITIVE } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`html-browser.test: ${CHROMIUM} not found, browser test skipped (install Debian's chromium package; .ci/run does)`);

describe.skipIf(!available)('HTML report in headless Chromium', () => {
  let context: import('playwright-core').BrowserContext;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    // a persistent context is how playwright takes a fresh --user-data-dir
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'flink-doctor-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it('renders findings and the timeline, failed checkpoints and restarts marked, no network', async () => {
    const r = await cli(['-f', 'html', '--redact', '--fail-on', 'none', secretsDir()]);
    expect(r.code).toBe(0);
    for (const v of ALL_SENSITIVE) expect(r.stdout).not.toContain(v);
    const file = join(mkdtempSync(join(tmpdir(), 'flink-doctor-html-')), 'report.html');
    writeFileSync(file, r.stdout);

    const page = await context.newPage();
    const outbound: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url === `file://${file}`) return route.continue();
      outbound.push(url);
      return route.abort();
    });
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith('data:') && url !== `file://${file}`) outbound.push(url);
    });
    await page.goto(`file://${file}`);
    await page.waitForLoadState('load');

    await expect(page.locator('h1').textContent()).resolves.toBe('flink-doctor report');
    expect(await page.locator('section.finding').count()).toBeGreaterThanOrEqual(2);
    // two jobs: the sample (checkpoints 7 and 8 aborted, 2 restarts) and the generated one (2 failed, 3 expired, 1 restart, FAILED)
    expect(await page.locator('svg').count()).toBe(2);
    const failed = await page.locator('svg g.cp-failed').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-checkpoint')}:${e.getAttribute('data-state')}`));
    expect(failed.sort()).toEqual(['2:failed', '3:expired', '7:aborted', '8:aborted']);
    expect(await page.locator('svg g.cp-completed').count()).toBe(4);
    expect(await page.locator('svg g.restart').count()).toBe(3);
    expect(await page.locator('svg g.job-failed').count()).toBe(1);
    // failed markers are drawn differently from completed ones (a crossed square, not a circle)
    expect(await page.locator('svg g.cp-failed path:not(.leader)').count()).toBe(4);
    expect(await page.locator('svg g.cp-completed circle').count()).toBe(4);
    const box = await page.locator('svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    // muted findings and warnings are shown; the page needs no script
    await expect(page.locator('#warnings').count()).resolves.toBe(1);
    expect(await page.locator('script').count()).toBe(0);

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/html-report.png', fullPage: true });
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-artifacts/html-timeline.png', clip: { x: 0, y: (await page.locator('#timeline').boundingBox())!.y - 10, width: 1200, height: 900 } });
    expect(outbound).toEqual([]);
  }, 60_000);

  it('reads at 1280 and 390 px: no sideways scroll, markers apart, failed checkpoints link to their finding, Why open', async () => {
    const r = await cli(['-f', 'html', '--fail-on', 'none', 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files']);
    const file = join(mkdtempSync(join(tmpdir(), 'flink-doctor-html-')), 'seed.html');
    writeFileSync(file, r.stdout);
    mkdirSync('test-artifacts', { recursive: true });
    await context.unrouteAll();
    for (const width of [1280, 390]) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`file://${file}`);
      // The page never scrolls sideways (a wide chart or table scrolls inside its own box).
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(scroll, `page width at ${width} px`).toBeLessThanOrEqual(client);
      // The configuration table fits its section.
      const section = (await page.locator('#f1').boundingBox())!;
      const cfg = (await page.locator('#f1 table.cfg').boundingBox())!;
      expect(cfg.x + cfg.width).toBeLessThanOrEqual(section.x + section.width + 1);
      // Why is shown, not collapsed; the configuration change is its own block.
      expect(await page.locator('#f1 h4', { hasText: 'Why this happens' }).isVisible()).toBe(true);
      expect(await page.locator('#f1 pre.config').textContent()).toMatch(/state\.backend\.rocksdb\.localdir: \/tmp\/flink-rocksdb\s+# change/);
      // Checkpoints 6 and 7 are 0.6 s apart: their markers do not cover each other.
      const m6 = (await page.locator('svg g[data-checkpoint="6"] circle').boundingBox())!;
      const m7 = (await page.locator('svg g[data-checkpoint="7"] rect').nth(1).boundingBox())!;
      expect(m7.x).toBeGreaterThanOrEqual(m6.x + m6.width);
      // The aborted checkpoints link to the finding that caused them, in the chart and the table.
      expect(await page.locator('svg a[href="#f1"] g[data-checkpoint="7"]').count()).toBe(1);
      expect(await page.locator('td a.finding-link[href="#f1"]').count()).toBe(2);
      await page.screenshot({ path: `test-artifacts/html-seed-${width}.png`, fullPage: true });
      await page.close();
    }
  }, 60_000);
});
