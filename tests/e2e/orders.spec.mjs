// The walking skeleton, end to end: the orders example through the API and through the form.
import { test, expect, run } from './fixtures.mjs';

const texts = (record) => record.output.map((l) => l.text);

test('the page is cross-origin isolated and the pool has at least two threads', async ({ page }) => {
  const ready = await page.evaluate(() => window.threadlab.ready);
  expect(ready.crossOriginIsolated).toBe(true);
  expect(ready.threads).toBeGreaterThanOrEqual(2);
  await expect(page.locator('#status')).toContainText('Engine ready');
});

test('the catalogue describes orders with its modes and parameter schema', async ({ page }) => {
  const examples = await page.evaluate(() => window.threadlab.examples());
  const orders = examples.find((e) => e.id === 'orders');
  expect(orders.modes.map((m) => m.id)).toEqual(['sequential', 'asyncio']);
  expect(orders.params.map((p) => [p.name, p.default, p.unit])).toEqual([
    ['coffee_s', 1, 's'],
    ['food_s', 5, 's'],
    ['cake_s', 3, 's'],
  ]);
  expect(orders.lesson.length).toBeGreaterThan(100);
});

test('sequential orders take about 900 ms at scale 0.1, in Python\'s order', async ({ page }) => {
  const r = await run(page, { example: 'orders', mode: 'sequential', timeScale: 0.1 });
  expect(r.status).toBe('completed');
  // 9 s of sleeps at scale 0.1, plus a few µs of the program's own instructions.
  expect(Math.abs(r.predictedMs - 900)).toBeLessThan(1);
  expect(Math.abs(r.wallMs - 900)).toBeLessThanOrEqual(90);
  expect(texts(r)).toEqual([
    'ordered coffee', 'received coffee', 'ordered food', 'received food', 'ordered cake', 'received cake',
  ]);
  // One thread (the functions are calls on it), and the GIL it holds.
  expect(r.lanes.map((l) => [l.id, l.name, l.kind])).toEqual([['l0', 'MainThread', 'thread'], ['l1', 'GIL', 'gil']]);
  expect(r.output.every((o) => o.lane === 'l0')).toBe(true);
  // The waits really follow one another, each labelled with its line: each starts after the previous ended.
  const sleeps = r.spans.filter((s) => s.kind === 'sleep');
  expect(sleeps.map((s) => [s.lane, s.line, s.label])).toEqual([
    ['l0', 10, 'time.sleep(coffee_s)'], ['l0', 16, 'time.sleep(food_s)'], ['l0', 22, 'time.sleep(cake_s)'],
  ]);
  for (let i = 1; i < sleeps.length; i++) expect(sleeps[i].startMs).toBeGreaterThanOrEqual(sleeps[i - 1].endMs);
});

test('gathered orders take about 500 ms at scale 0.1, all ordered before any arrives', async ({ page }) => {
  const r = await run(page, { example: 'orders', mode: 'asyncio', timeScale: 0.1 });
  expect(r.status).toBe('completed');
  expect(Math.abs(r.predictedMs - 500)).toBeLessThan(1);
  expect(Math.abs(r.wallMs - 500)).toBeLessThanOrEqual(50);
  expect(texts(r)).toEqual([
    'ordered coffee', 'ordered food', 'ordered cake', 'received coffee', 'received cake', 'received food',
  ]);
  // main() and the three orders are tasks, all on MainThread.
  const tasks = r.lanes.filter((l) => l.kind === 'task');
  expect(tasks.map((l) => l.name)).toEqual(['Task-1', 'Task-2', 'Task-3', 'Task-4']);
  expect(tasks.every((l) => l.thread === 'MainThread')).toBe(true);
  expect(r.lanes.filter((l) => l.kind === 'thread').map((l) => l.name)).toEqual(['MainThread']);
  // Each order prints on its own task's lane.
  const laneOf = (text) => r.lanes.find((l) => l.id === r.output.find((o) => o.text === text).lane).name;
  expect(['ordered coffee', 'ordered food', 'ordered cake', 'received food'].map(laneOf)).toEqual(['Task-2', 'Task-3', 'Task-4', 'Task-3']);
  // The three waits overlap: all start before the first one ends.
  const sleeps = r.spans.filter((s) => s.kind === 'sleep');
  expect(sleeps.map((s) => s.label)).toEqual(['await asyncio.sleep(coffee_s)', 'await asyncio.sleep(food_s)', 'await asyncio.sleep(cake_s)']);
  const firstEnd = Math.min(...sleeps.map((s) => s.endMs));
  expect(sleeps.every((s) => s.startMs < firstEnd)).toBe(true);
});

test('parameters change the run: a slow coffee arrives last', async ({ page }) => {
  const r = await run(page, {
    example: 'orders', mode: 'asyncio', timeScale: 0.1, params: { coffee_s: 6, food_s: 2, cake_s: 1 },
  });
  expect(r.params).toEqual({ coffee_s: 6, food_s: 2, cake_s: 1 });
  expect(texts(r).slice(3)).toEqual(['received cake', 'received food', 'received coffee']);
  expect(Math.abs(r.wallMs - 600)).toBeLessThanOrEqual(60);
});

test('invalid input is refused with the field, the value and what is allowed', async ({ page }) => {
  const refusal = (request) => run(page, request).then(() => 'accepted', (e) => e.message);
  expect(await refusal({ example: 'orders', params: { coffee_s: -1 } })).toContain(
    'params.coffee_s: -1 is out of range; allowed: a number from 0 to 60 s',
  );
  expect(await refusal({ example: 'orders', params: { food_s: NaN } })).toContain('params.food_s: "NaN" is not a finite number');
  expect(await refusal({ example: 'orders', params: { cake_s: 'soon' } })).toContain('params.cake_s: "soon" is not a number');
  expect(await refusal({ example: 'cafe' })).toContain('example: "cafe" is not an example id; allowed: one of two-threads, ');
  expect(await refusal({ example: 'orders', mode: 'threads' })).toContain('allowed: one of sequential, asyncio');
  expect(await refusal({ example: 'orders', timeScale: 0 })).toContain('timeScale: 0 is out of range');
  // The page is still usable afterwards.
  const r = await run(page, { example: 'orders', mode: 'asyncio', timeScale: 0.05 });
  expect(r.status).toBe('completed');
});

test('cancel() ends a run at once and a new run works after it', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const lab = window.threadlab;
    const running = lab.run({ example: 'orders', mode: 'sequential', timeScale: 1 });
    // Into the coffee's 1 s sleep: its order printed.
    await new Promise((resolve) => {
      const off = lab.on('events', (d) => d.events.some((e) => e.e === 'print') && (off(), resolve()));
    });
    await new Promise((r) => setTimeout(r, 300));
    const asked = performance.now();
    lab.cancel();
    const record = await running;
    return { record, latency: performance.now() - asked };
  });
  expect(result.record.status).toBe('cancelled');
  expect(result.record.wallMs).toBeLessThan(2000);
  expect(result.latency).toBeLessThan(500);
  // The cancelled sleep is recorded up to the moment it was cut short, and no later line was printed.
  expect(texts(result.record)).toEqual(['ordered coffee']);
  const again = await run(page, { example: 'orders', mode: 'sequential', timeScale: 0.05 });
  expect(again.status).toBe('completed');
  expect(again.output).toHaveLength(6);
});

test('a new run cancels the one going, and no event of the old run lands in the new one', async ({ page }) => {
  const [first, second] = await page.evaluate(async () => {
    const lab = window.threadlab;
    const a = lab.run({ example: 'orders', mode: 'asyncio', timeScale: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const b = lab.run({ example: 'orders', mode: 'sequential', timeScale: 0.05 });
    return Promise.all([a, b]);
  });
  expect(first.status).toBe('cancelled');
  expect(second.status).toBe('completed');
  expect(texts(second)).toEqual([
    'ordered coffee', 'received coffee', 'ordered food', 'received food', 'ordered cake', 'received cake',
  ]);
});

test('Run in the form draws both timelines live and logs every line', async ({ page }) => {
  await page.fill('#param-timeScale', '0.2');
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  const sequential = page.locator('.timeline[data-mode="sequential"]');
  // A measured span is on screen while the run is still going.
  await expect(sequential.locator('.span.measured').first()).toBeVisible();
  await expect(sequential).toHaveClass(/running/);
  const asyncio = page.locator('.timeline[data-mode="asyncio"]');
  await expect(asyncio).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  await expect(sequential).toHaveAttribute('data-status', 'completed');
  await expect(sequential.locator('.timeline-figures')).toContainText(/measured 1\.8\d s · predicted 1\.80 s/);
  await expect(asyncio.locator('.timeline-figures')).toContainText(/measured 1\.0\d s · predicted 1\.00 s/);
  await expect(asyncio.locator('.span.measured.kind-sleep')).toHaveCount(3);
  const lines = await page.locator('#log .log-line .log-text').allTextContents();
  expect(lines).toEqual([
    'ordered coffee', 'received coffee', 'ordered food', 'received food', 'ordered cake', 'received cake',
    'ordered coffee', 'ordered food', 'ordered cake', 'received coffee', 'received cake', 'received food',
  ]);
  // Each line names the lane that printed it: the main thread, then each order's task.
  await expect(page.locator('#log .log-line .log-lane')).toHaveText([
    ...Array(6).fill('MainThread'), 'Task-2', 'Task-3', 'Task-4', 'Task-2', 'Task-4', 'Task-3',
  ]);
});

test('Stop ends a run from the form, and Run works again', async ({ page }) => {
  await page.click('#run');
  await expect(page.locator('.timeline[data-mode="sequential"] .span.measured').first()).toBeVisible();
  await page.click('#stop');
  await expect(page.locator('.timeline[data-mode="sequential"]')).toHaveAttribute('data-status', 'cancelled', { timeout: 1000 });
  await expect(page.locator('.timeline[data-mode="asyncio"]')).not.toHaveAttribute('data-status', /.*/);
  await expect(page.locator('#run')).toBeEnabled();
  await expect(page.locator('#stop')).toBeDisabled();
});

test('a bad value is marked at its field and Run stays disabled until it is fixed', async ({ page }) => {
  await page.fill('#param-food_s', '-2');
  const error = page.locator('.field[data-field="food_s"] .field-error');
  await expect(error).toHaveText('-2 is out of range; allowed: a number from 0 to 60 s.');
  await expect(page.locator('#param-food_s')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#run')).toBeDisabled();
  await page.fill('#param-food_s', 'x');
  await expect(error).toHaveText('x is not a number; allowed: a number from 0 to 60 s.');
  await page.fill('#param-food_s', '2');
  await expect(error).toBeHidden();
  await expect(page.locator('#run')).toBeEnabled();
  // The prediction follows the form: sequential 1 + 2 + 3 = 6 s.
  await expect(page.locator('.timeline[data-mode="sequential"] .timeline-figures')).toHaveText('predicted 6.00 s');
});

test('a refused request leaves the run that is going alone', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const lab = window.threadlab;
    const going = lab.run({ example: 'orders', mode: 'asyncio', timeScale: 0.1 });
    const refused = await lab.run({ example: 'orders', timeScale: -1 }).then(() => 'accepted', (e) => e.message);
    return { refused, record: await going };
  });
  expect(result.refused).toContain('timeScale: -1 is out of range');
  expect(result.record.status).toBe('completed');
});
