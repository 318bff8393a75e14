// State in the URL: links round-trip, bad values are refused one by one, markup stays text, embed code.
import { test, expect } from './fixtures.mjs';

// A link opened fresh, as a student opens it (not a fragment change of an open page).
const open = async (page, hash) => {
  await page.goto('about:blank');
  await page.goto(`/${hash}`);
  await page.evaluate(() => window.threadlab.ready);
  await expect(page.locator('#run')).toBeEnabled();
};

const formValues = (page) =>
  page.locator('#params input, #params select, #scale input').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.name, e.type === 'checkbox' ? e.checked : e.value])),
  );

test('a link round-trips every example with its values', async ({ page, context }) => {
  const examples = await page.evaluate(() => window.threadlab.examples());
  const other = await context.newPage();
  for (const ex of examples) {
    await page.selectOption('#example', ex.id);
    await page.fill('#param-timeScale', '0.35');
    // The first number of the example's declarations, at a limit other than its default. (The lower one
    // where it can: at the top, cpu-vs-io's 32 tasks make the form's predictions take the engine half a
    // minute, see /work/notes/e2e-engine-issues.md.)
    const first = ex.params.find((p) => p.type === 'number' || p.type === 'integer');
    const value = first && (first.min !== first.default ? first.min : first.max);
    if (first) await page.fill(`#param-${first.name}`, String(value));
    // The link is written once the form's values are checked (behind the engine's predictions of the
    // example: a few seconds for the CPU-bound ones, see the notes above): wait for the last one too.
    await expect(page).toHaveURL(/timeScale=0\.35/, { timeout: 20_000 });
    if (first) await expect(page).toHaveURL(new RegExp(`[#&]${first.name}=${value}(&|$)`), { timeout: 20_000 });
    // The link names a mode of this example (not the code pane's mode of the one before).
    expect(ex.modes.map((m) => m.id)).toContain(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('mode'));
    const values = await formValues(page);
    await open(other, new URL(page.url()).hash);
    await expect(other.locator('#title')).toHaveText(ex.title);
    // The link's values are checked one by one after the example shows (each behind the engine's queue).
    await expect.poll(() => formValues(other), { message: ex.id, timeout: 20_000 }).toEqual(values);
  }
});

test('bad values in a link are refused one by one, and their defaults stand', async ({ page }) => {
  await open(page, '#example=orders&mode=threads&coffee_s=-1&food_s=abc&cake_s=4&tea=1');
  const banner = page.locator('#error');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('params.coffee_s: "-1" is out of range; allowed: a number from 0 to 60 s');
  await expect(banner).toContainText('params.food_s: "abc" is not a number');
  await expect(banner).toContainText('mode: "threads" is not a mode of example "orders"');
  await expect(banner).toContainText('tea: is not a parameter of example "orders"');
  expect(await formValues(page)).toMatchObject({ coffee_s: '1', food_s: '5', cake_s: '4' });
  await expect(page.locator('#run')).toBeEnabled();
});

test('markup in a link is shown as text, never run', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => (dialogs++, d.dismiss()));
  await open(page, `#example=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
  await expect(page.locator('#error')).toContainText('example: "<img src=x onerror=alert(1)>" is not an example id');
  await expect(page.locator('img')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await expect(page.locator('#title')).toHaveText(/Ordering at a café/);
});

test('copy link and embed code carry the state', async ({ page }) => {
  await open(page, '#example=square-cube&mode=threads&delay_s=0.5');
  await page.click('#copy-embed');
  const code = await page.locator('#share-text').inputValue();
  expect(code).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#example=square-cube&amp;mode=threads&amp;timeScale=1&amp;numbers=2%2C\+3%2C\+8%2C\+9&amp;delay_s=0\.5&amp;embed=1" title="ThreadLab"/);
  await page.click('#copy-link');
  expect(await page.locator('#share-text').inputValue()).toBe(page.url());
  await expect(page.locator('#tab-threads')).toHaveAttribute('aria-selected', 'true');

  // The embed layout: the example without the page's chrome; autorun starts it.
  await open(page, '#example=orders&timeScale=0.05&embed=1&autorun=1');
  await expect(page.locator('header.top')).toBeHidden();
  await expect(page.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
});

test('a run downloads as a Chrome trace with processes as pid and lanes as tid, and as its record', async ({ page }) => {
  await open(page, '#example=global-not-shared&timeScale=0.1');
  await page.click('#run');
  await expect(page.locator('.timeline[data-mode="threads"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  const [traceFile] = await Promise.all([page.waitForEvent('download'), page.click('#save-trace')]);
  expect(traceFile.suggestedFilename()).toBe('threadlab-global-not-shared-threads-trace.json');
  const trace = JSON.parse(await (await import('node:fs/promises')).readFile(await traceFile.path(), 'utf8'));
  const meta = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.pid, e.tid, e.args.name]);
  // Lanes in the order the program made them: the main thread, the GIL it holds, the thread it starts.
  expect(meta).toEqual([[1, 1, 'MainThread'], [1, 2, 'GIL'], [1, 3, 'Thread-1 (calc_square)']]);
  // Spans are named by their source text, on their thread.
  expect(trace.traceEvents.some((e) => e.ph === 'X' && e.tid === 3 && e.cat === 'sleep' && e.name === 'time.sleep(delay_s)')).toBe(true);
  expect(trace.traceEvents.some((e) => e.ph === 'X' && e.tid === 1 && e.cat === 'wait-join' && e.name === 'p.join()')).toBe(true);
  expect(trace.traceEvents.filter((e) => e.ph === 'X' && e.tid === 2).length).toBeGreaterThan(0);
  expect(trace.traceEvents.some((e) => e.ph === 'i' && e.name === 'the main program sees results = [4, 9, 64, 81]')).toBe(true);

  // The process mode's trace has a pid per process.
  const processes = await page.evaluate(async () => {
    const record = await window.threadlab.run({ example: 'global-not-shared', mode: 'processes', timeScale: 0.1 });
    return window.threadlab.chromeTrace(record);
  });
  const pids = processes.traceEvents.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args.name]);
  expect(pids).toEqual([[1, 'ThreadLab: global-not-shared (processes)'], [2, 'Process-1']]);

  const [recordFile] = await Promise.all([page.waitForEvent('download'), page.click('#save-record')]);
  const record = JSON.parse(await (await import('node:fs/promises')).readFile(await recordFile.path(), 'utf8'));
  expect(record.example).toBe('global-not-shared');
  expect(record.spans.length).toBeGreaterThan(0);
});

test('inside an iframe the page posts its height to the host', async ({ page, baseURL }) => {
  // A host page on another origin (localhost, against the page's 127.0.0.1), as course material would be,
  // and not cross-origin isolated: the size protocol works there as anywhere.
  const host = baseURL.replace('127.0.0.1', 'localhost') + 'host.html';
  await page.route(host, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>host</title><body></body>' }),
  );
  await page.goto(host);
  await page.evaluate((src) => {
    window.heights = [];
    addEventListener('message', (e) => e.data?.type === 'threadlab:height' && window.heights.push(e.data.height));
    const frame = document.createElement('iframe');
    frame.src = src;
    frame.style.width = '480px';
    document.body.append(frame);
  }, `${baseURL}#example=orders&embed=1`);
  await expect.poll(() => page.evaluate(() => window.heights.length), { timeout: 10_000 }).toBeGreaterThan(0);
  const height = await page.evaluate(() => window.heights.at(-1));
  expect(height).toBeGreaterThan(100);
  // The host isn't isolated; the page isolates itself (Document-Isolation-Policy), so no notice.
  const frame = page.frames().find((f) => f.url().startsWith(baseURL));
  expect(await frame.evaluate(() => window.threadlab.ready)).toMatchObject({ simulated: false });
  await expect(frame.locator('#notice')).toBeHidden();
});
