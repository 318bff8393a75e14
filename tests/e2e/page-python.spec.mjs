// The page draws programs run from Python source (`threadlab.run({source})`): lanes that arrive as the
// program makes them, the new wait kinds with their lines, stderr in the log, and why a run stopped.
import { test, expect, run } from './fixtures.mjs';

const program = (page) => page.locator('.timeline[data-mode="(program)"]');

/** Threads started 0.1 s apart that queue on one lock, then an uncaught exception. */
const LOCKS = [
  'import threading, time',
  'lock = threading.Lock()',
  'def worker(n):',
  '    with lock:',
  '        time.sleep(0.15)',
  '    print("done", n)',
  'ts = [threading.Thread(target=worker, args=(n,)) for n in (1, 2, 3)]',
  'for t in ts:',
  '    t.start()',
  '    time.sleep(0.1)',
  'for t in ts:',
  '    t.join()',
  'raise ValueError("boom")',
].join('\n');

test('a Python run draws a row per thread as it starts, its waits with their lines, stderr marked, why it failed', async ({ page }) => {
  // When each thread's row becomes a row of the run (not the prediction's pending one), by page time.
  await page.evaluate(() => {
    const seen = /** @type {Record<string, number>} */ ({});
    window.rowSeen = seen;
    new MutationObserver(() => {
      for (const name of document.querySelectorAll('.timeline[data-mode="(program)"] .lane:not(.pending) .lane-name')) {
        seen[name.textContent] ??= performance.now();
      }
    }).observe(document.getElementById('timelines'), { childList: true, subtree: true, attributes: true });
  });
  const { record, t0, done } = await page.evaluate(async (source) => {
    const start = new Promise((resolve) => {
      const off = window.threadlab.on('start', (s) => (off(), resolve(s.t0 - performance.timeOrigin)));
    });
    const record = await window.threadlab.run({ source });
    return { record, t0: await start, done: performance.now() };
  }, LOCKS);
  expect(record.status).toBe('failed');

  // Rows: one per thread, each made while the run went, once its thread had started (0.1 s apart).
  const seen = await page.evaluate(() => window.rowSeen);
  const at = (name) => seen[name] - t0;
  const startOf = (name) => record.threads.find((t) => t.lane === record.lanes.find((l) => l.name === name).id).startMs;
  for (const name of ['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']) {
    expect(seen[name], `row of ${name}`).toBeLessThan(done);
    expect(at(name), `row of ${name}`).toBeGreaterThanOrEqual(startOf(name) - 5);
  }
  expect(startOf('Thread-3 (worker)')).toBeGreaterThan(150);
  expect(at('Thread-3 (worker)') - at('Thread-1 (worker)')).toBeGreaterThan(60);
  const names = await program(page).locator('.lane:not(.pending) .lane-name').allTextContents();
  expect(names).toEqual(expect.arrayContaining(['MainThread', 'GIL', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']));
  expect(names).not.toContain('l0');

  // A lock wait, labelled with its line in its description and its tooltip.
  const lockWait = program(page).locator('.span.measured.kind-wait-lock').first();
  await expect(lockWait).toHaveAttribute('aria-label', /Thread-\d \(worker\): line 4: with lock: \(waiting for a lock\), [\d.]+ s to [\d.]+ s/);
  await lockWait.focus();
  await expect(page.locator('#tip')).toHaveText(/line 4: with lock:/);
  await expect(program(page).locator('.span.measured.kind-wait-join').first()).toHaveAttribute('aria-label', /^MainThread: line 12: t\.join\(\)/);
  // The prediction came at the start: ghosts on the run's rows, none left pending.
  expect(await program(page).locator('.span.predicted').count()).toBeGreaterThan(0);
  expect(await program(page).locator('.lane.pending').count()).toBe(0);
  await expect(program(page).locator('.timeline-figures')).toHaveText(/failed after [\d.]+ s · predicted [\d.]+ s/);

  // The log names lanes, marks the traceback's lines as stderr.
  const lines = page.locator('#log .log-line');
  await expect(lines.filter({ hasText: 'done 1' }).locator('.log-lane')).toHaveText('Thread-1 (worker)');
  const err = page.locator('#log .log-line.log-err');
  await expect(err).toHaveCount(4);
  await expect(err.first().locator('.log-text')).toHaveText('Traceback (most recent call last):');
  await expect(err.last().locator('.log-text')).toHaveText('ValueError: boom');
  await expect(err.last().locator('.log-lane')).toHaveText('MainThread');
  await expect(page.locator('#log .log-line:not(.log-err)')).toHaveCount(3);
  // Clicking an output line finds the span of its lane going on when it printed.
  await lines.filter({ hasText: 'done 2' }).click();
  await expect(program(page).locator('.span.measured.highlight').first()).toHaveAttribute('data-lane', /^l\d+$/);
  await expect(program(page).locator('.mark.err')).toHaveCount(4);

  // The notice says why it ended, not the crash banner.
  await expect(page.locator('#run-notice')).toBeVisible();
  await expect(page.locator('#run-notice')).toHaveText(/Your program: ended with an uncaught exception: ValueError: boom/);
  await expect(page.locator('#error')).toBeHidden();

  // The thread list: by name, the main thread's row once, everyone ended.
  const threads = await page.locator('#threads tbody td:first-child').allTextContents();
  expect(threads.sort()).toEqual(['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']);
  await expect(page.locator('#active-count')).toHaveText('active_count() = 0');

  // Rows by thread: the same threads, the GIL on its own.
  await page.getByLabel('by thread').check();
  await expect(program(page).locator('.lane-name')).toHaveText(['MainThread', 'GIL', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']);
  await page.screenshot({ path: new URL('./results/page-python.png', import.meta.url).pathname, fullPage: true });
});

test('a deadlocked run says where it stopped; asyncio tasks share their thread row', async ({ page }) => {
  const deadlock = await run(page, { source: 'import threading\nl = threading.Lock()\nl.acquire()\nl.acquire()\n' });
  expect(deadlock.status).toBe('deadlocked');
  await expect(page.locator('#run-notice')).toHaveText(/Your program: stopped: it can never go on: deadlock: MainThread waits at line 4 \(lock\)/);
  await expect(program(page).locator('.span.measured.kind-wait-lock')).toHaveAttribute('aria-label', /^MainThread: line 4: l\.acquire\(\) \(waiting for a lock\)/);
  await expect(program(page).locator('.timeline-figures')).toHaveText(/deadlocked after/);
  await expect(page.locator('#error')).toBeHidden();

  // A run that goes well clears the notice.
  const source = [
    'import asyncio',
    'async def order(item, s):',
    '    await asyncio.sleep(s)',
    '    print("received", item)',
    'async def main():',
    '    await asyncio.gather(order("coffee", 0.1), order("cake", 0.2))',
    'asyncio.run(main())',
  ].join('\n');
  const r = await run(page, { source });
  expect(r.status).toBe('completed');
  await expect(page.locator('#run-notice')).toBeHidden();
  const tasks = r.lanes.filter((l) => l.kind === 'task').map((l) => l.name);
  expect(await program(page).locator('.lane:not(.pending) .lane-name').allTextContents()).toEqual(expect.arrayContaining(tasks));
  await expect(page.locator('#log .log-line .log-lane')).toHaveText(['Task-2', 'Task-3']);
  await page.getByLabel('by thread').check();
  await expect(program(page).locator('.lane-name')).toHaveText(['MainThread', 'GIL']);
  await page.getByLabel('by task').check();
});

test('a run too long to predict first gets its prediction drawn when it ends', async ({ page }) => {
  test.setTimeout(90_000);
  const source = [
    'import threading',
    'def count(n):',
    '    while n > 0:',
    '        n -= 1',
    't = threading.Thread(target=count, args=(1_000_000,))',
    't.start()',
    't.join()',
    'print("counted")',
  ].join('\n');
  const predictedAtStart = page.evaluate(() => new Promise((resolve) => {
    const off = window.threadlab.on('start', (s) => (off(), resolve(s.predicted)));
  }));
  const r = await run(page, { source });
  expect(await predictedAtStart).toBeNull();
  expect(r.predicted).not.toBeNull();
  expect(r.predictedMs).toBeGreaterThan(0);
  expect(await program(page).locator('.span.predicted').count()).toBeGreaterThan(0);
  await expect(program(page).locator('.timeline-figures')).toHaveText(/measured [\d.]+ s · predicted [\d.]+ s/);
  expect(await program(page).locator('.lane.pending').count()).toBe(0);
});
