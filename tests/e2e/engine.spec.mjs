// The concurrency engine, end to end: every example's Python in every mode against its prediction, and
// what a learner notices of threads, queues, asyncio, the GIL, downloads and processes, read off the run
// records (`threadlab.run({example, mode, params, timeScale})` runs examples/<id>/<mode>.py with the
// params written in; `threadlab.run({source, gil})` runs a program).
import { test, expect, run } from './fixtures.mjs';

const SCALE = 0.1;
const texts = (r) => r.output.filter((o) => !o.err).map((o) => o.text);
const sorted = (xs) => [...xs].sort();
const laneId = (r, name) => r.lanes.find((l) => l.name === name)?.id;
const spansOf = (r, name, kind) => r.spans.filter((s) => s.lane === laneId(r, name) && (!kind || s.kind === kind));
const linesOf = (r, prefix) => r.output.filter((o) => o.text.startsWith(prefix));
const overlap = (a, b) => a.startMs < b.endMs - 0.5 && b.startMs < a.endMs - 0.5;
const gilLanes = (r) => new Set(r.lanes.filter((l) => l.kind === 'gil').map((l) => l.id));
/** The share of a record's wall time its threads spent running Python (summed over lanes, GILs left out). */
const computeShare = (r) => {
  const gil = gilLanes(r);
  const busy = r.spans.filter((s) => s.kind === 'compute' && !gil.has(s.lane)).reduce((a, s) => a + s.endMs - s.startMs, 0);
  return busy / Math.max(r.wallMs, 1);
};
/** Waiting runs land within 10% + 30 ms of the prediction; runs that compute share 2 noisy cores with the
 *  browser itself, so they get 15% + 40 ms; processes start on workers of their own and vary by tens of ms.
 *  `p` is the prediction's record. */
const tolerance = (p) =>
  p.lanes.some((l) => l.kind === 'process')
    ? 0.2 * p.wallMs + 100
    : computeShare(p) > 0.1
      ? 0.15 * p.wallMs + 40
      : 0.1 * p.wallMs + 30;
/** The prediction of an example request: the record's own, or (for a program too long to predict beside
 *  its run) the full one asked for afterwards. */
const predictionOf = async (page, request, r) => r.predicted ?? page.evaluate((q) => window.threadlab.predict(q), request);
const laneNames = (r) => r.lanes.map((l) => `${l.name} (${l.kind}${l.thread && l.thread !== l.name ? ` on ${l.thread}` : ''})`);

test('every example runs in every mode near its prediction, with the predicted lanes and lines', async ({ page }) => {
  test.setTimeout(300_000);
  const examples = await page.evaluate(() => window.threadlab.examples());
  expect(examples.map((e) => e.id)).toEqual([
    'two-threads', 'square-cube', 'start-new-thread', 'thread-inspector', 'queue-worker', 'pool-downloads',
    'pool-map-images', 'orders', 'concurrency-vs-parallelism', 'cpu-vs-io', 'two-downloads', 'image-downloader',
    'processes', 'global-not-shared', 'process-queue',
  ]);
  // Warm-up: the first compute of a page can run before the browser has optimised the VM's loop, and the
  // first process before the browser has a worker's module ready.
  await run(page, { example: 'cpu-vs-io', mode: 'sequential', timeScale: 0.02, params: { tasks: 2, iterations: 1_000_000 } });
  await run(page, { example: 'cpu-vs-io', mode: 'processes', timeScale: 0.02, params: { tasks: 2, iterations: 1_000_000 } });
  const table = [];
  const failures = [];
  for (const ex of examples) {
    for (const mode of ex.modes) {
      const request = { example: ex.id, mode: mode.id, timeScale: SCALE };
      let r = await run(page, request);
      const p = await predictionOf(page, request, r);
      const what = `${ex.id} ${mode.id}`;
      expect(r.status, `${what}: ${r.stopped ?? ''}`).toBe('completed');
      expect(r.example).toBe(ex.id);
      if (r.predicted) expect(r.predictedMs).toBe(p.wallMs);
      // The same lines, stdout and stderr; in the same order where the mode's print order doesn't race.
      const lines = (x) => {
        const all = x.output.map((o) => `${o.err ? 'stderr' : 'stdout'}: ${o.text}`);
        return mode.order === 'exact' ? all : sorted(all);
      };
      const off = (x) => Math.abs(x.wallMs - p.wallMs);
      const fits = (x) => off(x) <= tolerance(p) && JSON.stringify(lines(x)) === JSON.stringify(lines(p));
      // This 2-core machine runs other work besides the browser, and a busy moment slows a run by up to
      // 3x (and a sleep by tens of ms, enough to swap two lines 20 ms apart): a run off its prediction is
      // tried twice more, and the best of the three counts. An engine that is off every time still fails.
      const tries = [r.wallMs];
      while (!fits(r) && tries.length < 3) {
        const again = await run(page, request);
        tries.push(again.wallMs);
        if (fits(again) || off(again) < off(r)) r = again;
      }
      const measured = tries.map((t) => t.toFixed(1)).join(' / ');
      table.push(`${what.padEnd(40)} predicted ${p.wallMs.toFixed(0).padStart(5)} ms, measured ${measured} ms`);
      // Every mode is checked before the test fails, so the table shows them all. (CPU-bound modes'
      // timings have their own test, below.)
      if (off(r) > tolerance(p) && !(computeShare(p) > 0.1)) {
        failures.push(`${what}: measured ${measured} ms against ${p.wallMs.toFixed(1)} ms predicted (± ${tolerance(p).toFixed(0)})`);
      }
      expect.soft(lines(r), what).toEqual(lines(p));
      // The same lanes (a _thread thread killed at exit is the one exception: see its own test below).
      if (!(ex.id === 'start-new-thread' && mode.id === 'threads')) expect.soft(laneNames(r), what).toEqual(laneNames(p));
    }
  }
  console.log(`\n${table.join('\n')}`);
  test.info().annotations.push({ type: 'figures', description: table.join('\n') });
  expect(failures, 'runs far off their predictions').toEqual([]);
});

// CPU-bound examples: the prediction charges each instruction what its kind costs (`vm::interp::Work`:
// a dispatch, plus a loop's next item, a global, an attribute, a call, a builtin, ...), at the cost per
// unit the page measured at start-up. With one cost per instruction these were predicted at about twice
// their time (cpu-vs-io sequential 1532 ms predicted, 719-908 ms measured).
/** Each mode's prediction against the best of three runs (noise only slows a run); the table printed. */
const cpuBoundNearPrediction = async (page, modes) => {
  await run(page, { example: 'cpu-vs-io', mode: 'sequential', timeScale: 0.02, params: { tasks: 2, iterations: 1_000_000 } });
  const table = [];
  const failures = [];
  for (const [example, mode] of modes) {
    const request = { example, mode, timeScale: SCALE };
    const p = await page.evaluate((q) => window.threadlab.predict(q), request);
    const runs = [await run(page, request), await run(page, request), await run(page, request)].map((r) => r.wallMs);
    const best = Math.min(...runs);
    table.push(`${`${example} ${mode}`.padEnd(40)} predicted ${p.wallMs.toFixed(0).padStart(5)} ms, measured ${runs.map((t) => t.toFixed(0)).join(' / ')} ms`);
    if (Math.abs(best - p.wallMs) > tolerance(p)) {
      failures.push(`${example} ${mode}: ${best.toFixed(1)} ms against ${p.wallMs.toFixed(1)} ms (± ${tolerance(p).toFixed(0)})`);
    }
  }
  const ns = await page.evaluate(() => window.threadlab.info().nsPerInstruction);
  table.push(`ns per unit of work (start-up calibration): ${ns}`);
  console.log(`\n${table.join('\n')}`);
  test.info().annotations.push({ type: 'figures', description: table.join('\n') });
  expect(failures, 'CPU-bound runs far off their predictions').toEqual([]);
};

test('CPU-bound examples on one core run near their prediction', async ({ page }) => {
  test.setTimeout(120_000);
  await cpuBoundNearPrediction(page, [
    ['concurrency-vs-parallelism', 'asyncio'], ['cpu-vs-io', 'sequential'], ['cpu-vs-io', 'threads-gil'],
  ]);
});

// The prediction gives a program all the cores the browser reports. This 2-core machine runs other
// work besides the browser, and then lends a page less than two (natively too: two copies of a 0.58 s
// program took 0.75 and 0.80 s side by side, 2026-12-02), so the test first measures what it gets: two
// counts without a GIL against one, and runs only when that is close to two cores.
test('CPU-bound examples on two cores run near their prediction', async ({ page }) => {
  test.setTimeout(180_000);
  const count = (threads) => [
    'import threading',
    'def count(n):',
    '    while n > 0:',
    '        n -= 1',
    `ts = [threading.Thread(target=count, args=(3_000_000,)) for _ in range(${threads})]`,
    'for t in ts:',
    '    t.start()',
    'for t in ts:',
    '    t.join()',
  ].join('\n');
  await run(page, { source: count(2), gil: false }); // warm-up
  const best = async (source) => Math.min(...[await run(page, { source, gil: false }), await run(page, { source, gil: false }), await run(page, { source, gil: false })].map((r) => r.wallMs));
  const cores = (2 * (await best(count(1)))) / (await best(count(2)));
  console.log(`the page got ${cores.toFixed(2)} cores of 2`);
  test.info().annotations.push({ type: 'cores', description: `the page got ${cores.toFixed(2)} cores of 2` });
  test.skip(cores < 1.8, `this machine lent the page ${cores.toFixed(2)} cores of 2: too busy to time parallel runs`);
  await cpuBoundNearPrediction(page, [
    ['concurrency-vs-parallelism', 'threads'], ['cpu-vs-io', 'threads'], ['cpu-vs-io', 'processes'],
  ]);
});

// Threads start only as fast as workers come: 32 sleeping threads ran about 8 at a time (537 ms and 378 ms
// for a 100 ms program). /work/notes/e2e-engine-issues.md, "32 sleeping threads".
test('32 sleeping threads all make progress at once on 2 cores', async ({ page }) => {
  const r = await run(page, {
    example: 'cpu-vs-io', mode: 'threads', timeScale: SCALE, params: { tasks: 32, work: 'io', seconds: 1 },
  });
  expect(r.status).toBe('completed');
  // The sleep, plus the computing of starting 32 threads: about half a millisecond.
  expect(Math.abs(r.predictedMs - 100)).toBeLessThan(2);
  expect(r.wallMs).toBeLessThan(200); // in turn it would take 3200 ms
  expect(sorted(texts(r))).toEqual(sorted(Array.from({ length: 32 }, (_, i) => `task ${i + 1} done`)));
  const sleeps = r.spans.filter((s) => s.kind === 'sleep');
  expect(sleeps).toHaveLength(32);
  expect(new Set(sleeps.map((s) => s.lane)).size).toBe(32);
  expect(sleeps[0]).toMatchObject({ label: 'time.sleep(seconds)  # waiting: the GIL is released' });
  const lastStart = Math.max(...sleeps.map((s) => s.startMs));
  const firstEnd = Math.min(...sleeps.map((s) => s.endMs));
  expect(lastStart).toBeLessThan(firstEnd); // every thread was asleep at the same moment
});

test('CPU-bound threads take turns under the GIL, and run at once without it', async ({ page }) => {
  test.setTimeout(120_000);
  const source = [
    'import threading',
    'def count(n):',
    '    while n > 0:',
    '        n -= 1',
    'N = 5_000_000',
    'ts = [threading.Thread(target=count, args=(N,)) for _ in range(2)]',
    'for t in ts:',
    '    t.start()',
    'for t in ts:',
    '    t.join()',
  ].join('\n');
  await run(page, { source, gil: false }); // warm-up: the browser optimises the VM's loop
  // The same program with and without a GIL, in turns, three times each: whatever else this 2-core
  // machine does slows a run by up to 3x, but rarely all three of one kind.
  const gil = [];
  const free = [];
  for (let i = 0; i < 3; i++) {
    gil.push(await run(page, { source }));
    free.push(await run(page, { source, gil: false }));
  }
  const best = (rs) => Math.min(...rs.map((r) => r.wallMs));
  test.info().annotations.push({
    type: 'figures',
    description: `GIL ${gil.map((r) => r.wallMs.toFixed(0)).join(', ')} ms; free-threaded ${free.map((r) => r.wallMs.toFixed(0)).join(', ')} ms`,
  });
  for (const r of [...gil, ...free]) expect(r.status).toBe('completed');
  // Two counts on two cores take about one count's time, under the GIL about two (1.25: a busy machine
  // lends the free-threaded run less than its 2 cores).
  expect(best(gil) / best(free)).toBeGreaterThan(1.25);

  const names = ['Thread-1 (count)', 'Thread-2 (count)'];
  for (const r of free) {
    expect(r.lanes.some((l) => l.kind === 'gil')).toBe(false);
    const [a, b] = names.map((n) => spansOf(r, n, 'compute'));
    expect(a.some((x) => b.some((y) => overlap(x, y))), 'the two counts computed at the same moment').toBe(true);
  }
  for (const r of gil) {
    // The GIL's lane: one holder at a time, handed over about every switch interval (5 ms), and the
    // threads seen waiting for it; two threads never computing at once.
    const lane = r.lanes.find((l) => l.kind === 'gil');
    expect(lane).toMatchObject({ name: 'GIL', thread: '' });
    const held = r.spans.filter((s) => s.lane === lane.id);
    expect(held.length).toBeGreaterThan(10);
    for (let i = 1; i < held.length; i++) expect(held[i].startMs).toBeGreaterThanOrEqual(held[i - 1].endMs - 0.5);
    expect(new Set(held.map((s) => s.label))).toEqual(new Set(['MainThread', ...names]));
    for (const n of names) expect(spansOf(r, n, 'wait-gil').length).toBeGreaterThan(3);
    const [a, b] = names.map((n) => spansOf(r, n, 'compute'));
    expect(a.some((x) => b.some((y) => overlap(x, y))), 'two threads computed at once under the GIL').toBe(false);
  }
});

test('join decides where main prints; names, daemons and is_alive show in the record', async ({ page }) => {
  const joined = await run(page, { example: 'two-threads', mode: 'threads', timeScale: SCALE, params: { count: 5 } });
  expect(texts(joined)).toHaveLength(11);
  expect(texts(joined).at(-1)).toBe('main thread here');
  expect(spansOf(joined, 'MainThread', 'wait-join')[0]).toMatchObject({ label: 't1.join()', line: 20 });
  const free = await run(page, { example: 'two-threads', mode: 'threads', timeScale: SCALE, params: { count: 5, join: false } });
  expect(spansOf(free, 'MainThread', 'wait-join')).toEqual([]);
  const mainLine = free.output.find((o) => o.text === 'main thread here');
  expect(texts(free).indexOf('main thread here')).toBeLessThan(4);
  // Printed while they still counted: 5 lines each, 5 ms apart at this scale.
  expect(mainLine.atMs).toBeLessThan(linesOf(free, 'Thread-1: 5')[0].atMs - 10);
  // The program still waits for its threads before it ends: both finish, nobody is killed.
  expect(free.threads.filter((t) => t.lane !== laneId(free, 'MainThread')).map((t) => [t.lane, t.end])).toEqual([
    [laneId(free, 'Thread-1'), 'finished'],
    [laneId(free, 'Thread-2'), 'finished'],
  ]);

  // _thread has no join(): main ends at once and its threads die with the interpreter.
  const noJoin = await run(page, { example: 'start-new-thread', mode: 'threads', timeScale: SCALE });
  expect(texts(noJoin)).toEqual(['main thread ends']);
  expect(noJoin.wallMs).toBeLessThan(50);
  const others = noJoin.threads.filter((t) => t.lane !== laneId(noJoin, 'MainThread'));
  expect(others.every((t) => t.end === 'killed' && t.daemon)).toBe(true);
  const withJoin = await run(page, { example: 'start-new-thread', mode: 'threads-join', timeScale: SCALE });
  const ends = ['First Thread', 'Second Thread', 'Third Thread'].map((n) => withJoin.threads.find((t) => t.lane === laneId(withJoin, n)));
  // 4 waits of 1, 2 and 3 s: done at 4, 8 and 12 s, at this scale 400, 800 and 1200 ms (the suite's 10% + 30 ms).
  [400, 800, 1200].forEach((want, i) => {
    expect(ends[i].end).toBe('finished');
    expect(Math.abs(ends[i].endMs - want)).toBeLessThan(0.1 * want + 30);
  });

  const inspected = await run(page, { example: 'thread-inspector', mode: 'threads', timeScale: SCALE });
  const lines = texts(inspected).filter((l) => l.startsWith('active_count'));
  expect(lines[0]).toBe("active_count() = 4; enumerate() = ['MainThread', 'Thread-1', 'Thread-2', 'Thread-3']");
  expect(lines.at(-1)).toBe("active_count() = 2; enumerate() = ['MainThread', 'Thread-3']");
  expect(texts(inspected).slice(-4)).toEqual([
    'Thread-1: is_alive() = False, daemon = False',
    'Thread-2: is_alive() = False, daemon = False',
    'Thread-3: is_alive() = True, daemon = True',
    'main thread ends',
  ]);
  const daemon = inspected.threads.find((t) => t.daemon);
  expect(daemon).toMatchObject({ lane: laneId(inspected, 'Thread-3'), end: 'killed' });
});

test('the page lists the threads live: alive while running, daemon flagged, killed at exit', async ({ page }) => {
  await page.selectOption('#example', 'thread-inspector');
  await page.fill('#param-timeScale', '0.5');
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  const rows = page.locator('#threads tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(page.locator('#active-count')).toHaveText('active_count() = 4');
  await expect(rows.nth(3)).toContainText('Thread-3');
  await expect(rows.nth(3).locator('td').nth(2)).toHaveText('True'); // the daemon
  // Thread-1 wakes after 1 s (0.5 s at this scale) and is no longer alive.
  await expect(rows.nth(1).locator('td').nth(1)).toHaveText('False', { timeout: 3000 });
  await expect(page.locator('.timeline[data-mode="threads"]')).toHaveAttribute('data-status', 'completed', { timeout: 5000 });
  await expect(rows.nth(3).locator('td').nth(1)).toHaveText('False (killed at exit)');
});

test('a queue is FIFO, a full one blocks the producer, and a forgotten task_done is a deadlock', async ({ page }) => {
  // Slow puts, quick work: the worker empties the queue and waits in get() between items.
  const r = await run(page, {
    example: 'queue-worker', mode: 'threads', timeScale: SCALE, params: { numbers: [5, 1, 7, 3], put_every_s: 1, work_s: 0.2 },
  });
  expect(r.status).toBe('completed');
  expect(texts(r).filter((l) => l.includes('squared'))).toEqual(['5 squared is 25', '1 squared is 1', '7 squared is 49', '3 squared is 9']);
  const gets = spansOf(r, 'worker', 'wait-queue').filter((s) => s.label === 'x = q.get()');
  expect(gets.filter((s) => s.endMs - s.startMs > 40).length).toBeGreaterThanOrEqual(3); // waited on an empty queue

  // maxsize 1, puts as fast as they go: put() waits for the worker to take the last one.
  const bounded = await run(page, {
    example: 'queue-worker', mode: 'threads', timeScale: SCALE, params: { maxsize: 1, put_every_s: 0 },
  });
  expect(bounded.status).toBe('completed');
  const puts = spansOf(bounded, 'MainThread', 'wait-queue').filter((s) => s.label === 'q.put(x)');
  expect(puts.filter((s) => s.endMs - s.startMs > 50).length).toBeGreaterThanOrEqual(2); // work_s is 1 s: 100 ms
  // 2 is taken at once, 3 fills the queue, put(8) waits until the worker takes 3, done with 2: "put 9"
  // (printed after put(8) returned) comes after the first result.
  expect(texts(bounded).indexOf('put 9')).toBeGreaterThan(texts(bounded).indexOf('2 squared is 4'));

  // Forget task_done(): q.join() can never return and the worker waits in get(): a deadlock, which the
  // run reports as soon as the worker is done with the last item (400 ms), naming both waits.
  const stuck = await run(page, { example: 'queue-worker', mode: 'threads', timeScale: SCALE, params: { task_done: false } });
  expect(stuck.status).toBe('deadlocked');
  expect(stuck.stopped).toBe('deadlock: MainThread waits at line 33 (queue), worker waits at line 16 (queue)');
  expect(stuck.wallMs).toBeLessThan(0.1 * 400 + 30 + 400);
  expect(texts(stuck).at(-1)).toBe('9 squared is 81');
  const join = spansOf(stuck, 'MainThread', 'wait-queue').find((s) => s.label === 'q.join()');
  expect(join.endMs - join.startMs).toBeGreaterThan(200); // visibly waiting from 160 ms on
  expect(stuck.predicted.status).toBe('deadlocked');
});

test('asyncio: one thread, switching at awaits, and computing stalls every other task', async ({ page }) => {
  // Computing longer than waiting: each task's wait is over while another task still computes.
  const r = await run(page, {
    example: 'concurrency-vs-parallelism', mode: 'asyncio', timeScale: SCALE, params: { tasks: 3, iterations: 1_000_000, wait_s: 0.3 },
  });
  expect(r.status).toBe('completed');
  expect(texts(r)).toEqual(['task 1 done', 'task 2 done', 'task 3 done']);
  const tasks = r.lanes.filter((l) => l.kind === 'task');
  expect(tasks.map((l) => [l.name, l.thread])).toEqual([1, 2, 3, 4].map((n) => [`Task-${n}`, 'MainThread']));
  expect(r.lanes.filter((l) => l.kind === 'thread').map((l) => l.name)).toEqual(['MainThread']);
  const computes = r.spans.filter((s) => s.kind === 'compute' && !gilLanes(r).has(s.lane));
  for (let i = 0; i < computes.length; i++) {
    for (let j = i + 1; j < computes.length; j++) expect(overlap(computes[i], computes[j]), 'two tasks computed at once').toBe(false);
  }
  // Task 1 (Task-2: Task-1 is main()) awaited a 30 ms sleep, due in the middle of another task's compute;
  // it went on only when that compute let the loop go.
  const wait = spansOf(r, 'Task-2', 'sleep')[0];
  expect(wait).toMatchObject({ line: 17 });
  const due = wait.startMs + 30;
  const blocker = computes.find((c) => c.lane !== wait.lane && c.startMs <= due && due <= c.endMs);
  expect(blocker, 'a compute was running when the wait was due').toBeTruthy();
  expect(wait.endMs).toBeGreaterThanOrEqual(blocker.endMs - 1);
  expect(wait.endMs - wait.startMs).toBeGreaterThan(35);
});

test('downloads: progress per MB, two bars together, a pool of 1 serialises, a shared link halves', async ({ page }) => {
  const both = await run(page, { example: 'two-downloads', mode: 'threads', timeScale: SCALE });
  expect(linesOf(both, 'pictures.zip')).toHaveLength(5);
  expect(linesOf(both, 'music.zip')).toHaveLength(10);
  expect(linesOf(both, 'music.zip').at(-1).text).toBe('music.zip: 10 MB received');
  // Each MB is an I/O wait on its thread's lane, labelled with the loop's line.
  expect(spansOf(both, 'Thread-2 (download)', 'io')[0]).toMatchObject({ label: 'for mb in network.download(name, size_mb):  # waits for each MB', line: 15 });
  // Both first megabytes arrive together, after about 1 s (0.1 s at this scale).
  const first = (r, file) => linesOf(r, file)[0].atMs;
  expect(Math.abs(first(both, 'pictures') - first(both, 'music'))).toBeLessThan(15);
  const started = both.threads.map((t) => t.startMs.toFixed(1)).join(', ');
  expect(Math.abs(first(both, 'pictures') - 100), `threads started at ${started} ms`).toBeLessThan(40); // the suite's 10% + 30 ms

  // A pool of one worker: music.zip waits for pictures.zip to be done, on the same thread.
  const one = await run(page, { example: 'pool-downloads', mode: 'pool-1', timeScale: SCALE });
  expect(one.status).toBe('completed');
  expect(one.lanes.filter((l) => l.kind === 'thread').map((l) => l.name)).toEqual(['MainThread', 'ThreadPoolExecutor-0_0']);
  expect(linesOf(one, 'music.zip')[0].atMs).toBeGreaterThanOrEqual(linesOf(one, 'pictures.zip: 5 MB')[0].atMs + 50);
  expect(Math.abs(one.wallMs - 1500)).toBeLessThan(0.1 * 1500 + 30);
  const pool = await run(page, { example: 'pool-downloads', mode: 'pool', timeScale: SCALE });
  expect(pool.lanes.filter((l) => l.kind === 'thread')).toHaveLength(3);
  expect(Math.abs(pool.wallMs - 1000)).toBeLessThan(0.1 * 1000 + 30);

  // A dropped connection: the error comes back through the future, the other download and the pool go on.
  const dropped = await run(page, {
    example: 'pool-downloads', mode: 'pool', timeScale: SCALE, params: { pictures_mb: 2, music_mb: 3, bandwidth_mb_s: 10, drop_after_mb: 1 },
  });
  expect(dropped.status).toBe('completed');
  expect(texts(dropped).slice(-3)).toEqual([
    'pictures.zip: result() = None',
    'music.zip: result() raised ConnectionResetError: connection reset after 1 MB',
    'all downloads done',
  ]);

  // One 1 MB/s link for both: half of it each while both run, so threads stop helping.
  const shared = await run(page, { example: 'two-downloads', mode: 'threads', timeScale: SCALE, params: { link_mb_s: 1 } });
  expect(Math.abs(first(shared, 'pictures') - 200)).toBeLessThan(0.1 * 200 + 30); // half of 1 MB/s each
  expect(Math.abs(shared.wallMs - 1500)).toBeLessThan(0.1 * 1500 + 30); // a full link: as slow as one after the other
  expect(shared.predictedMs).toBeCloseTo(1500, -1);

  // map's results come back in the order of the links; the 4th waits for a worker to free.
  const mapped = await run(page, { example: 'pool-map-images', mode: 'pool', timeScale: SCALE });
  expect(texts(mapped).filter((l) => l.startsWith('https://'))).toEqual([
    'https://example.org/image1.jpg: 2000 KB', 'https://example.org/image2.jpg: 1000 KB',
    'https://example.org/image3.jpg: 1500 KB', 'https://example.org/image4.jpg: 800 KB',
    'https://example.org/image5.jpg: 800 KB',
  ]);
  expect(mapped.lanes.filter((l) => l.name.startsWith('ThreadPoolExecutor'))).toHaveLength(3);
  // image2 (1 MB after 0.5 s of latency) is done at 1.5 s; only then does image4 start: 0.5 + 0.8 s more.
  expect(linesOf(mapped, 'image4.jpg')[0].atMs).toBeGreaterThan(linesOf(mapped, 'image2.jpg: 1 MB')[0].atMs + 100);
});

test('processes: their own memory, results only through a queue, side by side', async ({ page }) => {
  await run(page, { example: 'global-not-shared', mode: 'processes', timeScale: 0.02 }); // warm-up
  const apart = await run(page, { example: 'global-not-shared', mode: 'processes', timeScale: SCALE });
  expect(apart.status).toBe('completed');
  expect(texts(apart)).toContain('the process sees results = [4, 9, 64, 81]');
  expect(texts(apart).at(-1)).toBe('the main program sees results = []');
  expect(apart.lanes.filter((l) => l.kind === 'process').map((l) => l.name)).toEqual(['Process-1']);
  const shared = await run(page, { example: 'global-not-shared', mode: 'threads', timeScale: SCALE });
  expect(texts(shared).at(-1)).toBe('the main program sees results = [4, 9, 64, 81]');
  expect(shared.lanes.some((l) => l.kind === 'process')).toBe(false);

  const queued = await run(page, { example: 'process-queue', mode: 'processes', timeScale: SCALE, params: { numbers: [7, -1, 10] } });
  expect(queued.status).toBe('completed');
  expect(texts(queued)).toEqual(['put 49', 'put 1', 'put 100', '49', '1', '100']);
  // The process put them, the main program printed them after join().
  expect(linesOf(queued, 'put').every((o) => o.lane === laneId(queued, 'Process-1'))).toBe(true);
  expect(linesOf(queued, '49').at(-1).lane).toBe(laneId(queued, 'MainThread'));
  expect(queued.threads.find((t) => t.lane === laneId(queued, 'Process-1')).end).toBe('finished');

  // Square and cube ran side by side in their own processes, each with its own GIL.
  const procs = await run(page, { example: 'processes', mode: 'processes', timeScale: SCALE, params: { delay_s: 1 } });
  expect(procs.lanes.map((l) => `${l.name}/${l.kind}`)).toEqual([
    'MainThread/thread', 'GIL/gil', 'Process-1/process', 'Process-1 GIL/gil', 'Process-2/process', 'Process-2 GIL/gil',
  ]);
  const [sq, cu] = ['Process-1', 'Process-2'].map((n) => spansOf(procs, n, 'sleep'));
  expect(sq).toHaveLength(4);
  expect(overlap(sq[0], cu[0])).toBe(true);
  expect(spansOf(procs, 'MainThread', 'wait-process')[0]).toMatchObject({ label: 'p1.join()' });
  expect(Math.abs(procs.wallMs - procs.predictedMs)).toBeLessThan(0.2 * procs.predictedMs + 100);
});

// The threads _thread.start_new_thread started and the interpreter killed at exit have a lane and a life
// (killed) in the prediction as in the run.
test('start_new_thread\'s threads, killed at exit, are in the prediction as in the run', async ({ page }) => {
  const r = await run(page, { example: 'start-new-thread', mode: 'threads', timeScale: SCALE });
  const p = r.predicted;
  expect(laneNames(r)).toEqual(laneNames(p));
  expect(p.threads.map((t) => [t.daemon, t.end])).toEqual(r.threads.map((t) => [t.daemon, t.end]));
});

// A queue.Queue's depth at every put and get, in the run and its prediction (the timeline draws it).
test('a queue\'s depth is recorded over time', async ({ page }) => {
  const r = await run(page, { example: 'queue-worker', mode: 'threads', timeScale: SCALE, params: { maxsize: 1, put_every_s: 0 } });
  expect(r.queueDepth.length).toBeGreaterThan(0);
  expect(Math.max(...r.queueDepth.map((d) => d.depth))).toBe(1);
  expect(r.predicted.queueDepth.length).toBeGreaterThan(0);
});

test('real network: the example\'s downloads fetch the served file MB by MB, and a bad address fails alone', async ({ page }) => {
  const { python } = await page.evaluate(() => window.threadlab.code({ example: 'two-downloads', mode: 'threads' }));
  const real = await run(page, { source: python, network: 'real' });
  expect(real.status, real.output.filter((o) => o.err).map((o) => o.text).join('\n')).toBe('completed');
  expect(texts(real).filter((l) => l.startsWith('pictures.zip'))).toEqual([1, 2, 3, 4, 5].map((n) => `pictures.zip: ${n} MB received`));
  expect(texts(real).filter((l) => l.startsWith('music.zip'))).toHaveLength(10);
  expect(spansOf(real, 'Thread-2 (download)', 'io')).toHaveLength(10);
  // Its prediction is the simulated network's.
  expect(real.predictedMs).toBeCloseTo(10_000, -2);

  // pictures.zip from an address that refuses: its thread raises, music.zip still arrives whole.
  const oneBad = await run(page, {
    source: python.replace('network.download(name, size_mb)', 'network.download(name, size_mb, url=("http://127.0.0.1:1/nowhere.zip" if name == "pictures.zip" else ""))'),
    network: 'real',
  });
  expect(texts(oneBad).filter((l) => l.startsWith('pictures.zip'))).toEqual([]);
  expect(oneBad.output.filter((o) => o.err).map((o) => o.text).join('\n'))
    .toMatch(/ConnectionError: http:\/\/127\.0\.0\.1:1\/nowhere\.zip: network error or blocked by the server's CORS policy/);
  expect(texts(oneBad).filter((l) => l.startsWith('music.zip')).at(-1)).toBe('music.zip: 10 MB received');
});
