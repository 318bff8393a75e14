// Programs given as Python source, through `threadlab.run({source})` and `threadlab.check(source)`: run for
// real on the page's workers by the same VM the prediction uses.
import { test, expect, run } from './fixtures.mjs';

const texts = (r) => r.output.filter((o) => !o.err).map((o) => o.text);
const lane = (r, name) => r.lanes.find((l) => l.name === name);
const spansOf = (r, name, kind) => r.spans.filter((s) => s.lane === lane(r, name)?.id && (!kind || s.kind === kind));

test('check names the line and column of every problem, and what is supported', async ({ page }) => {
  const ok = await page.evaluate(() => window.threadlab.check('print(1)\n'));
  expect(ok).toEqual([]);
  const refused = await page.evaluate(() => window.threadlab.check('import numpy\n'));
  expect(refused).toEqual([{ line: 1, column: 8, message: expect.stringMatching(/numpy.*threading/) }]);
  const errors = await page.evaluate(() => window.threadlab.check('x = = 1\ny = 2 +\nprint(y)\n'));
  expect(errors.map((e) => [e.line, e.column])).toEqual([[1, 5], [2, 8]]);
  await expect(run(page, { source: 'x = = 1\n' })).rejects.toThrow(/Error: line 1, column 5: invalid syntax/);
  await expect(run(page, { source: 'print(1)', gil: 'yes' })).rejects.toThrow(/gil: "yes" is not allowed/);
});

test('threads run for real on workers, with a lane each, spans labelled with their lines', async ({ page }) => {
  const source = [
    'import threading, time',
    'def worker(n):',
    '    time.sleep(0.2 * n)',
    '    print("done", n)',
    'threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2, 3)]',
    'for t in threads:',
    '    t.start()',
    'for t in threads:',
    '    t.join()',
    'print("all done")',
  ].join('\n');
  const r = await run(page, { source });
  expect(r.status).toBe('completed');
  expect(texts(r)).toEqual(['done 1', 'done 2', 'done 3', 'all done']);
  expect(r.lanes.map((l) => l.name)).toEqual(expect.arrayContaining(['MainThread', 'Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']));
  // Three sleeps at once: about 0.6 s in all, not 1.2 s.
  expect(r.wallMs).toBeGreaterThan(590);
  expect(r.wallMs).toBeLessThan(800);
  const sleep = spansOf(r, 'Thread-3 (worker)', 'sleep')[0];
  expect(sleep).toMatchObject({ line: 3, label: 'time.sleep(0.2 * n)' });
  expect(sleep.endMs - sleep.startMs).toBeGreaterThan(590);
  const join = spansOf(r, 'MainThread', 'wait-join')[0];
  expect(join).toMatchObject({ line: 9, label: 't.join()' });
  expect(r.predicted.wallMs).toBeCloseTo(600, -1);
});

test('CPU-bound threads take turns under the GIL and run at once without it', async ({ page }) => {
  const source = [
    'import threading',
    'def count(n):',
    '    while n > 0:',
    '        n -= 1',
    'ts = [threading.Thread(target=count, args=(1_000_000,)) for _ in range(2)]',
    'for t in ts: t.start()',
    'for t in ts: t.join()',
  ].join('\n');
  // How long both threads were running Python at the same moment (ms). Structural, not a speed: an OS
  // that preempts a worker leaves its span running, so a busy machine changes nothing here.
  const overlap = (r) => {
    const a = spansOf(r, 'Thread-1 (count)', 'compute');
    const b = spansOf(r, 'Thread-2 (count)', 'compute');
    return a.flatMap((x) => b.map((y) => Math.max(0, Math.min(x.endMs, y.endMs) - Math.max(x.startMs, y.startMs)))).reduce((s, v) => s + v, 0);
  };
  const gil = await run(page, { source });
  expect(overlap(gil)).toBeLessThan(1);
  expect(gil.lanes.some((l) => l.kind === 'gil')).toBe(true);
  expect(gil.spans.some((s) => s.kind === 'wait-gil')).toBe(true);
  const free = await run(page, { source, gil: false });
  expect(free.lanes.some((l) => l.kind === 'gil')).toBe(false);
  expect(overlap(free)).toBeGreaterThan(0.3 * free.wallMs);
});

test('asyncio tasks get a lane each on one thread; a failing program ends failed with its traceback', async ({ page }) => {
  const source = [
    'import asyncio',
    'async def order(item, s):',
    '    print("ordered", item)',
    '    await asyncio.sleep(s)',
    '    print("received", item)',
    'async def main():',
    '    await asyncio.gather(order("coffee", 0.1), order("food", 0.3), order("cake", 0.2))',
    'asyncio.run(main())',
    'raise ValueError("the end")',
  ].join('\n');
  const r = await run(page, { source });
  expect(r.status).toBe('failed');
  expect(texts(r)).toEqual(['ordered coffee', 'ordered food', 'ordered cake', 'received coffee', 'received cake', 'received food']);
  expect(r.output.at(-1)).toMatchObject({ text: 'ValueError: the end', err: true });
  expect(r.lanes.filter((l) => l.kind === 'task').map((l) => [l.name, l.thread])).toEqual([1, 2, 3, 4].map((n) => [`Task-${n}`, 'MainThread']));
  expect(r.wallMs).toBeGreaterThan(290);
  expect(r.wallMs).toBeLessThan(450);
});

test('Stop ends an infinite loop and a deadlock at once, and the next run works', async ({ page }) => {
  const { status, stoppedMs } = await page.evaluate(async () => {
    const lab = window.threadlab;
    const going = lab.run({ source: 'while True:\n    pass\n' });
    await new Promise((r) => setTimeout(r, 300));
    const asked = performance.now();
    lab.cancel();
    const r = await going;
    return { status: r.status, stoppedMs: performance.now() - asked };
  });
  expect(status).toBe('cancelled');
  // robustness.spec holds Stop to 100 ms across patterns; here a spinning program keeps a core busy.
  expect(stoppedMs).toBeLessThan(250);
  const lock = await run(page, { source: 'import threading\nl = threading.Lock()\nl.acquire()\nl.acquire()\n' });
  expect(lock.status).toBe('deadlocked');
  expect(lock.stopped).toMatch(/deadlock: MainThread waits at line 4 \(lock\)/);
  const again = await run(page, { source: 'print(sum(range(10)))' });
  expect(texts(again)).toEqual(['45']);
  const stats = await page.evaluate(() => window.threadlab.stats());
  expect(stats.threadWorkers).toBeLessThan(12);
});

test('processes run the same source as __mp_main__ and hand back copies', async ({ page }) => {
  const source = [
    'import multiprocessing',
    'results = []',
    'def square(numbers, q):',
    '    for n in numbers:',
    '        results.append(n * n)',
    '        q.put(n * n)',
    'if __name__ == "__main__":',
    '    q = multiprocessing.Queue()',
    '    p = multiprocessing.Process(target=square, args=([2, 3], q))',
    '    p.start()',
    '    p.join()',
    '    print(results, q.get(), q.get(), p.exitcode)',
  ].join('\n');
  const r = await run(page, { source });
  expect(texts(r)).toEqual(['[] 4 9 0']);
  expect(r.lanes.some((l) => l.kind === 'process')).toBe(true);
});

test('each process runs in a worker of its own; a deadlock across processes ends the run, naming both waits', async ({ page }) => {
  const source = [
    'import multiprocessing, time',
    'def nap(s):',
    '    time.sleep(s)',
    '    print("woke in", multiprocessing.current_process().name)',
    'if __name__ == "__main__":',
    '    ps = [multiprocessing.Process(target=nap, args=(0.6,)) for _ in range(2)]',
    '    for p in ps:',
    '        p.start()',
    '    for p in ps:',
    '        p.join()',
  ].join('\n');
  const [most, r, after] = await page.evaluate(async (source) => {
    let ended = false;
    const going = window.threadlab.run({ source }).finally(() => (ended = true));
    let most = 0;
    while (!ended) {
      most = Math.max(most, (await window.threadlab.stats()).processWorkers);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return [most, await going, await window.threadlab.stats()];
  }, source);
  // Two workers, each with a wasm instance (and so a memory) of its own, while the processes sleep;
  // none once the run is over.
  expect(most).toBe(2);
  expect(after.processWorkers).toBe(0);
  expect(texts(r).sort()).toEqual(['woke in Process-1', 'woke in Process-2']);
  // The two sleeps overlap: the processes ran side by side.
  const [a, b] = ['Process-1', 'Process-2'].map((n) => spansOf(r, n, 'sleep')[0]);
  expect(a.startMs < b.endMs && b.startMs < a.endMs).toBe(true);

  const stuck = await run(page, {
    source: [
      'import multiprocessing',
      'def worker(q):',
      '    q.get()',
      'if __name__ == "__main__":',
      '    q = multiprocessing.Queue()',
      '    p = multiprocessing.Process(target=worker, args=(q,))',
      '    p.start()',
      '    p.join()',
    ].join('\n'),
  });
  expect(stuck.status).toBe('deadlocked');
  expect(stuck.stopped).toMatch(/MainThread waits at line 8 .*Process-1 waits at line 3/);
});

test('while a program runs, each thread\'s current line is reported live', async ({ page }) => {
  const seen = await page.evaluate(async () => {
    const lab = window.threadlab;
    const lines = new Set();
    const off = lab.on('events', (d) => d.lines.forEach((l) => lines.add(l.line)));
    await lab.run({ source: 'import threading, time\ndef worker():\n    time.sleep(0.3)\nt = threading.Thread(target=worker)\nt.start()\nt.join()\n' });
    off();
    return [...lines].sort();
  });
  expect(seen).toEqual(expect.arrayContaining([3, 6]));
});
