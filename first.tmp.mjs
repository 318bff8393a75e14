import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [scheme, width, height] of [['light', 1280, 800], ['dark', 360, 740]]) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
  await page.goto(`http://127.0.0.1:8806/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15000 });
  await page.waitForSelector('.cm-editor');
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/work/notes/screenshots/first-visit-${scheme}-${width}.png` });
  await page.close();
}
await browser.close();
