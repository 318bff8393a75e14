import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [scheme, width] of [['light', 1280], ['dark', 1280], ['light', 360], ['dark', 360]]) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
  await page.goto(`http://127.0.0.1:8806/#example=image-downloader&timeScale=0.5`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15000 });
  await page.waitForSelector('.cm-editor');
  await page.click('#tab-queue');
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shots/${scheme}-${width}-before.png` });
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('.timeline[data-mode="queue"]')?.classList.contains('running'), null, { timeout: 20000 }).catch(() => {});
  await page.waitForTimeout(700);
  await page.screenshot({ path: `/tmp/shots/${scheme}-${width}-running.png`, fullPage: width === 360 });
  await page.close();
}
await browser.close();
