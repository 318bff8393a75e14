// Without cross-origin isolation: simulated runs, said so; the service worker that brings isolation to hosts
// without headers; the embed in a sandboxed iframe; the Content-Security-Policy.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, expect, isolatedHost } from './fixtures.mjs';

/** A host page on another origin (localhost against the page's 127.0.0.1), without isolation headers. */
async function hostFrame(page, baseURL, src, { sandbox, headers } = {}) {
  const host = baseURL.replace('127.0.0.1', 'localhost') + 'course.html';
  await page.route(host, (route) =>
    route.fulfill({ contentType: 'text/html', headers, body: '<!doctype html><title>course</title><body></body>' }),
  );
  await page.goto(host);
  await page.evaluate(
    ({ src, sandbox }) => {
      const frame = document.createElement('iframe');
      if (sandbox) frame.setAttribute('sandbox', sandbox);
      frame.src = src;
      frame.style.width = '600px';
      frame.style.height = '900px';
      document.body.append(frame);
    },
    { src, sandbox },
  );
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames()[1];
  await frame.waitForFunction(() => window.threadlab);
  await frame.evaluate(() => window.threadlab.ready);
  return frame;
}

test('in an iframe of a host without isolation, the page isolates itself (Document-Isolation-Policy): real threads, asyncio and processes', async ({ page, baseURL }) => {
  const frame = await hostFrame(page, baseURL, `${baseURL}#example=orders&timeScale=0.05&embed=1`);
  // The course page is not isolated; the playground inside it is, by its own header.
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(false);
  expect(await frame.evaluate(() => window.threadlab.ready)).toMatchObject({ crossOriginIsolated: true, simulated: false });
  await expect(frame.locator('#notice')).toBeHidden();
  for (const request of [
    { example: 'square-cube', mode: 'threads' },
    { example: 'orders', mode: 'asyncio' },
    { example: 'processes', mode: 'processes' },
  ]) {
    const r = await frame.evaluate((q) => window.threadlab.run({ ...q, timeScale: 0.05 }), request);
    expect(r, `${request.example} ${request.mode}`).toMatchObject({ status: 'completed' });
    expect(r.simulated, `${request.example} ${request.mode}`).toBeUndefined();
  }
  expect(await frame.evaluate(() => window.threadlab.stats())).toMatchObject({ processWorkers: 0 });
});

test('@without-dip in an iframe of a host without isolation, every example runs simulated and says so', async ({ page, baseURL }) => {
  const frame = await hostFrame(page, baseURL, `${baseURL}#example=orders&timeScale=0.05&embed=1`);
  expect(await frame.evaluate(() => window.threadlab.info().simulated)).toBe(true);
  const notice = frame.locator('#notice');
  await expect(notice).toContainText('not cross-origin isolated');
  await expect(notice).toContainText('played back in real time');
  // The new-tab link opens the same state in the full layout.
  const href = await frame.locator('#open-real').getAttribute('href');
  expect(href).toContain('example=orders');
  expect(href).not.toContain('embed=');
  await expect(frame.locator('#error')).toBeHidden();

  // The form's Run plays every mode, marked simulated.
  await frame.click('#run');
  await expect(frame.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  await expect(frame.locator('.timeline[data-mode="asyncio"] .timeline-figures')).toContainText('simulated');
  await expect(frame.locator('#compare tbody tr[data-mode="asyncio"]')).toContainText('(simulated)');
  await expect(frame.locator('#log .log-line')).toHaveCount(12);

  // Every mode of every example, through the API: played back in real time, lines and lanes as predicted.
  const results = await frame.evaluate(async () => {
    const out = [];
    for (const ex of window.threadlab.examples()) {
      for (const mode of ex.modes) {
        const request = { example: ex.id, mode: mode.id, timeScale: 0.02 };
        const predicted = await window.threadlab.predict(request);
        // The playback's time counts from its start (a CPU-bound program is predicted first).
        let started = performance.now();
        const off = window.threadlab.on('start', () => (started = performance.now()));
        let record;
        try {
          record = await window.threadlab.run(request);
        } catch (e) {
          off();
          out.push({ id: `${ex.id}/${mode.id}`, refused: e.message });
          continue;
        }
        off();
        out.push({
          id: `${ex.id}/${mode.id}`,
          simulated: record.simulated,
          status: record.status,
          took: performance.now() - started,
          wallMs: record.wallMs,
          predictedMs: predicted.wallMs,
          lines: record.output.map((l) => l.text).join('\n') === predicted.output.map((l) => l.text).join('\n'),
          spans: record.spans.length === predicted.spans.length,
        });
      }
    }
    return out;
  });
  expect(results.length).toBeGreaterThan(20);
  // Every mode plays (the CPU-bound ones are checked at their defaults by the test below).
  const refused = results.filter((r) => r.refused).map((r) => r.id);
  expect(refused.filter((id) => !CPU_BOUND.some((ex) => id.startsWith(`${ex}/`))), 'refused').toEqual([]);
  for (const r of results.filter((x) => !x.refused)) {
    expect(r, r.id).toMatchObject({ simulated: true, status: 'completed', lines: true, spans: true });
    expect(r.wallMs, r.id).toBe(r.predictedMs);
    // It takes as long as the prediction says, in real time.
    expect(r.took, r.id).toBeGreaterThanOrEqual(r.predictedMs - 15); // from the page's sight of its start
    expect(r.took, r.id).toBeLessThan(r.predictedMs + 250);
  }
  console.log(`simulated without isolation: ${results.map((r) => r.id).join(', ')}`);
});

/** The examples whose defaults compute for long (millions of loop iterations per task). */
const CPU_BOUND = ['cpu-vs-io', 'concurrency-vs-parallelism'];

// Without isolation the CPU-bound examples' defaults play back too (their predictions cost the engine
// worker a second or two: no real run waits for them there).
test('@without-dip in an iframe without isolation, the CPU-bound examples run simulated at their defaults too', async ({ page, baseURL }) => {
  const frame = await hostFrame(page, baseURL, `${baseURL}#embed=1`);
  const results = await frame.evaluate(async (ids) => {
    const out = [];
    for (const ex of window.threadlab.examples().filter((e) => ids.includes(e.id))) {
      for (const mode of ex.modes) {
        const request = { example: ex.id, mode: mode.id, timeScale: 0.02 };
        const predicted = await window.threadlab.predict(request);
        const record = await window.threadlab.run(request).catch((e) => ({ status: e.message }));
        out.push({ id: `${ex.id}/${mode.id}`, status: record.status, simulated: record.simulated, same: record.wallMs === predicted.wallMs });
      }
    }
    return out;
  }, CPU_BOUND);
  expect(results).toHaveLength(6);
  for (const r of results) expect(r, r.id).toMatchObject({ status: 'completed', simulated: true, same: true });
});

test('@without-dip a simulated run that never ends by itself plays until it is stopped', async ({ page, baseURL }) => {
  const frame = await hostFrame(page, baseURL, `${baseURL}#embed=1`);
  const record = await frame.evaluate(async () => {
    const lab = window.threadlab;
    const running = lab.run({ example: 'queue-worker', mode: 'threads', params: { task_done: false }, timeScale: 0.05 });
    await new Promise((r) => setTimeout(r, 600));
    const still = lab.running;
    const asked = performance.now();
    lab.cancel();
    const record = await running;
    return { still, stopMs: performance.now() - asked, status: record.status, simulated: record.simulated };
  });
  expect(record).toMatchObject({ still: true, status: 'cancelled', simulated: true });
  expect(record.stopMs).toBeLessThan(100);
});

test('the embed runs real threads inside sandbox="allow-scripts allow-same-origin" on an isolated host', async ({ page, baseURL }) => {
  const frame = await isolatedHost(page, baseURL, '#example=orders&timeScale=0.05&embed=1&autorun=1',
    'sandbox="allow-scripts allow-same-origin"');
  const ready = await frame.evaluate(() => window.threadlab.ready);
  expect(ready).toMatchObject({ crossOriginIsolated: true, simulated: false });
  await expect(frame.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  await expect(frame.locator('#notice')).toBeHidden();
});

test('on a host that sends no isolation headers, the service worker brings real threads', async ({ browser }) => {
  const server = spawn('node', ['tools/serve.mjs', '--port', '0', '--root', 'www', '--no-isolation'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  try {
    const url = await new Promise((resolve, reject) => {
      server.stdout.on('data', (d) => {
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d));
        if (m) resolve(m[0]);
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${url}#example=orders&timeScale=0.05`);
    // The first load installs the worker and reloads once; the second is isolated.
    await page.waitForFunction(() => window.crossOriginIsolated && window.threadlab, null, { timeout: 20_000 });
    const ready = await page.evaluate(() => window.threadlab.ready);
    expect(ready).toMatchObject({ crossOriginIsolated: true, simulated: false });
    const record = await page.evaluate(() => window.threadlab.run({ example: 'orders', mode: 'asyncio', timeScale: 0.05 }));
    expect(record.simulated).toBeUndefined();
    expect(record.wallMs).toBeGreaterThan(245);
    await expect(page.locator('#title')).toHaveText(/Ordering at a café/);
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    server.kill();
  }
});

test('the Content-Security-Policy refuses scripts that are not the page\'s own', async ({ page }) => {
  page.expectError(/Content Security Policy/);
  const ran = await page.evaluate(async () => {
    const refused = [];
    document.addEventListener('securitypolicyviolation', (e) => refused.push(e.effectiveDirective));
    const inline = document.createElement('script');
    inline.textContent = 'window.injected = true';
    const foreign = document.createElement('script');
    foreign.src = 'data:text/javascript,window.fromData=true';
    document.body.append(inline, foreign);
    await new Promise((r) => setTimeout(r, 100));
    return { inline: window.injected === true, data: window.fromData === true, refused: [...new Set(refused)] };
  });
  // (Playwright's own `evaluate` is exempt from the policy, so eval can't be checked from here.)
  expect(ran).toEqual({ inline: false, data: false, refused: ['script-src-elem'] });
});

test("README's plain-page embed snippet, as a host page, fits the iframe to the page's height", async ({ page, baseURL }) => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const snippet = /<!-- snippet: plain -->\n```html\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet, 'README.md keeps the plain snippet under <!-- snippet: plain -->').toBeTruthy();
  const host = baseURL.replace('127.0.0.1', 'localhost') + 'lesson.html';
  await page.route(host, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>lesson</title><body style="width:520px">${snippet.replaceAll('https://your.host/threadlab/', baseURL)}</body>`,
    }),
  );
  await page.goto(host);
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames()[1];
  await frame.waitForFunction(() => window.threadlab);
  // The lesson page isn't isolated; the playground isolates itself (Document-Isolation-Policy) and runs real
  // threads, so no notice.
  expect(await frame.evaluate(() => window.threadlab.ready)).toMatchObject({ simulated: false });
  await expect(frame.locator('#notice')).toBeHidden();
  // The iframe's height follows the page's: set by the snippet's script from the height message.
  await expect
    .poll(async () => {
      const inner = await frame.evaluate(() => Math.ceil(document.documentElement.scrollHeight));
      const outer = await page.evaluate(() => document.querySelector('iframe').style.height);
      return outer === `${inner}px`;
    }, { timeout: 10_000 })
    .toBe(true);
});
