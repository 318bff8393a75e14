import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`http://127.0.0.1:8806/#example=cpu-vs-io&timeScale=0.3`);
await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15000 });
await page.evaluate(() => window.threadlab.run({ example: 'cpu-vs-io', mode: 'processes', timeScale: 0.02 }));
await page.waitForTimeout(3000);
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
await page.click('#run');
await page.waitForFunction(() => document.querySelector('.timeline[data-mode="threads"]')?.dataset.status === 'completed', null, { timeout: 30000 });
const buf = await browser.stopTracing();
const trace = JSON.parse(buf.toString());
const ev = trace.traceEvents ?? trace;
// main thread: find RunTask events > 50ms on the renderer main thread
const mains = ev.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain'); console.log(mains.length); const main = mains.find((m) => ev.some((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask' && e.dur > 30000));
const tid = main?.tid, pid = main?.pid;
const tasks = ev.filter((e) => e.pid === pid && e.tid === tid && e.name === 'RunTask' && e.dur > 30000);
for (const t of tasks) {
  const inside = ev.filter((e) => e.pid === pid && e.tid === tid && e.ts >= t.ts && e.ts < t.ts + t.dur && e.dur > 5000 && e.name !== 'RunTask');
  console.log(`task ${(t.dur / 1000).toFixed(0)} ms:`, inside.map((e) => `${e.name}${e.args?.data?.functionName ? '(' + e.args.data.functionName + ')' : ''}${e.args?.data?.url ? '[' + e.args.data.url.split('/').pop() + ':' + e.args.data.lineNumber + ']' : ''} ${(e.dur / 1000).toFixed(0)}`).join(' | '));
}
await browser.close();
