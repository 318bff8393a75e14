// The benchmark: figures, not pass/fail. Serves www/, drives Debian's Chromium with playwright-core, runs
// the tutorials' programs in CPython and the compute kernel natively, all in one run, so that comparisons
// hold on a noisy machine. Prints a table (figure, median, detail, target, gap) and writes it to
// bench-results/latest.json and bench-results/latest.md.
// Usage: node tests/bench/bench.mjs [--reps N]   (./build.sh bench builds first, then runs this)
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const reps = arg('--reps', 3);
if (!Number.isInteger(reps) || reps < 1 || reps > 50) {
  console.error(`bench: --reps must be a whole number from 1 to 50, got "${process.argv[process.argv.indexOf('--reps') + 1]}"`);
  process.exit(2);
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Items by key, in order (Map.groupBy is Node 21+). */
const groupBy = (xs, key) => xs.reduce((m, x) => m.set(key(x), [...(m.get(key(x)) ?? []), x]), new Map());
const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const f1 = (x) => (x == null || Number.isNaN(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(x < 1 && x > -1 ? 2 : 1));

/** @type {{section: string, name: string, value: string, detail: string, target: string, gap: string}[]} */
const rows = [];
let section = '';
/** A figure; `target` and `gap` only where the issue sets a target. */
const row = (name, value, detail = '', target = '', gap = '') => rows.push({ section, name, value, detail, target, gap });
/** The gap to an upper bound: "met" or how far over. */
const within = (value, bound, unit) => (value <= bound ? 'met' : `missed by ${f1(value - bound)} ${unit}`);
const atLeast = (value, bound, unit = '') => (value >= bound ? 'met' : `missed by ${f1(bound - value)}${unit}`);

const server = spawn('node', ['tools/serve.mjs', '--port', '0', '--root', 'www'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => server.stdout.on('data', (d) => {
  const m = String(d).match(/http:\/\/\S+\//);
  if (m) resolve(m[0]);
}));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const cores = cpus().length;
const started = Date.now();

try {
  // ---- 5. Start-up and size ----
  section = 'Start-up and size';
  const ready = [], pool = [], firstRun = [];
  for (let i = 0; i < reps; i++) {
    // A new context each time: nothing cached in memory.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const r = await page.evaluate(async () => {
      const lab = window.threadlab;
      await lab.ready;
      const readyMs = performance.now();
      // The first run starts once the compute kernel is calibrated: that is when a user's Run can start.
      const startedAt = new Promise((resolve) => lab.on('start', () => resolve(performance.now())));
      await lab.run({ example: 'two-threads', mode: 'threads', timeScale: 0.01 });
      return { readyMs, poolMs: lab.info().poolMs, firstRunMs: await startedAt };
    });
    ready.push(r.readyMs);
    pool.push(r.poolMs);
    firstRun.push(r.firstRunMs);
    await context.close();
  }
  const range = (xs) => `min ${f1(Math.min(...xs))}, max ${f1(Math.max(...xs))}, ${xs.length} loads`;
  row('page load to ready (ms)', f1(median(ready)), range(ready), '≤ 500', within(median(ready), 500, 'ms'));
  row('wasm init + thread pool start (ms)', f1(median(pool)), range(pool));
  row('page load to first run started (ms)', f1(median(firstRun)), `${range(firstRun)}; waits for the kernel's calibration`);

  const files = (dir) => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
  const size = (paths) => paths.reduce(([raw, gz], f) => {
    const body = readFileSync(f);
    return [raw + body.length, gz + gzipSync(body, { level: 9 }).length];
  }, [0, 0]);
  const kib = ([raw, gz]) => `${f1(raw / 1024)} / ${f1(gz / 1024)}`;
  // Everything but the 100 MB file real-network downloads fetch (never part of a visit).
  const site = files('www').filter((f) => !f.startsWith('www/files/'));
  const wasmSize = size(['www/pkg/threadlab_bg.wasm']);
  const jsSize = size(site.filter((f) => f.endsWith('.js')));
  const visit = size(site);
  row('wasm (KiB raw / gzipped)', kib(wasmSize));
  row('JavaScript, ours and generated (KiB raw / gzipped)', kib(jsSize));
  row('first visit, all of www/ (KiB raw / gzipped)', kib(visit), `${site.length} files`, '≤ 250 KB gz', within(visit[1] / 1000, 250, 'KB'));

  // One page for everything that follows.
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(async () => {
    await window.threadlab.ready;
    await window.threadlab.run({ example: 'two-threads', mode: 'threads', timeScale: 0.01 });
  });
  const run = (request) => page.evaluate((r) => window.threadlab.run(r), request);

  // ---- 1. Timing fidelity ----
  section = 'Timing fidelity (measured against the prediction)';
  const fidelity = [
    ['orders', 'sequential'], ['orders', 'asyncio'], ['square-cube', 'sequential'], ['square-cube', 'threads'],
    ['two-downloads', 'sequential'], ['two-downloads', 'threads'], ['start-new-thread', 'threads-join'],
  ];
  for (const timeScale of [1, 0.1]) {
    const n = timeScale === 1 ? Math.min(reps, 2) : reps;
    const ends = [], overshoot = [], totals = [];
    for (let i = 0; i < n; i++) {
      for (const [example, mode] of fidelity) {
        const request = { example, mode, timeScale };
        const predicted = await page.evaluate((r) => window.threadlab.predict(r), request);
        const measured = await run(request);
        totals.push(measured.wallMs - predicted.wallMs);
        // The k-th span of a lane with a label against the prediction's k-th of that lane and label
        // (thread starts aside: the prediction takes them as instant).
        const key = (sp) => `${sp.lane}\u0000${sp.label}`;
        const keyed = (rec) => groupBy(rec.spans.filter((sp) => sp.kind !== 'start'), key);
        const want = keyed(predicted);
        for (const [k, spans] of keyed(measured)) {
          spans.forEach((sp, j) => {
            const p = want.get(k)?.[j];
            if (!p) return;
            ends.push(sp.endMs - p.endMs);
            if (sp.kind === 'sleep') overshoot.push(sp.endMs - sp.startMs - (p.endMs - p.startMs));
          });
        }
      }
    }
    const abs = (xs) => xs.map(Math.abs);
    const detail = `${fidelity.length} runs × ${n}`;
    row(`@${timeScale}: span end against ideal, |gap| median (ms)`, f1(median(abs(ends))), `p95 ${f1(p95(abs(ends)))}; ${ends.length} span ends, ${detail}`);
    row(`@${timeScale}: run total against ideal, |gap| median (ms)`, f1(median(abs(totals))), `p95 ${f1(p95(abs(totals)))}; ${detail}`);
    row(`@${timeScale}: one sleep's overshoot, p95 (ms)`, f1(p95(overshoot)), `median ${f1(median(overshoot))}; ${overshoot.length} sleeps`,
      timeScale === 1 ? '≤ 5' : '', timeScale === 1 ? within(p95(overshoot), 5, 'ms') : '');
  }

  // ---- 2. Parallel speedup ----
  section = `Parallel speedup: cpu-vs-io, ${cores} CPU-bound tasks of 0.5 s on ${cores} cores`;
  const cpuModes = ['sequential', 'threads', 'threads-gil', 'processes'];
  const cpuTotals = Object.fromEntries(cpuModes.map((m) => [m, []]));
  for (let i = 0; i < reps; i++) {
    for (const mode of cpuModes) {
      const r = await run({ example: 'cpu-vs-io', mode, timeScale: 0.5, params: { tasks: cores, seconds: 1, work: 'cpu' } });
      cpuTotals[mode].push(r.wallMs);
    }
  }
  const ours = Object.fromEntries(cpuModes.map((m) => [m, median(cpuTotals[m])]));
  for (const mode of cpuModes) {
    const speedup = ours.sequential / ours[mode];
    const efficiency = speedup / cores;
    const parallel = mode === 'threads' || mode === 'processes';
    row(`${mode}: total (ms), speedup, efficiency`, f1(ours[mode]), `speedup ${f1(speedup)}×, efficiency ${f1(efficiency)}`,
      parallel ? 'efficiency ≥ 0.85' : '', parallel ? atLeast(efficiency, 0.85) : '');
  }

  // ---- 3. Against CPython ----
  section = 'Against CPython (the tutorials\' programs, tests/bench/cpython.py)';
  const pythons = ['python3', 'python3.13t', 'python3.14t', 'python3t'].filter(
    (p) => spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0,
  );
  const ourOrders = {};
  for (const mode of ['sequential', 'asyncio']) {
    const walls = [];
    for (let i = 0; i < reps; i++) walls.push((await run({ example: 'orders', mode, timeScale: 0.1 })).wallMs);
    ourOrders[mode] = median(walls);
  }
  const ourSquare = {};
  for (const mode of ['sequential', 'threads']) {
    const walls = [];
    for (let i = 0; i < reps; i++) walls.push((await run({ example: 'square-cube', mode, timeScale: 0.1 })).wallMs);
    ourSquare[mode] = median(walls);
  }
  row('ThreadLab orders @0.1: sequential / asyncio (ms)', `${f1(ourOrders.sequential)} / ${f1(ourOrders.asyncio)}`, 'ideal 900 / 500');
  row('ThreadLab square-cube @0.1: sequential / threads (ms)', `${f1(ourSquare.sequential)} / ${f1(ourSquare.threads)}`, 'ideal 800 / 400');
  row('ThreadLab CPU threads under a GIL: speedup', `${f1(ours.sequential / ours['threads-gil'])}×`, `without a GIL ${f1(ours.sequential / ours.threads)}×, processes ${f1(ours.sequential / ours.processes)}×`);
  const seen = new Set();
  for (const python of pythons) {
    const out = spawnSync(python, ['tests/bench/cpython.py', '--scale', '0.1', '--tasks', String(cores), '--task-ms', '500'], { encoding: 'utf8' });
    if (out.status !== 0) {
      row(`${python}`, 'failed', out.stderr.trim().split('\n').at(-1) ?? '');
      continue;
    }
    const py = JSON.parse(out.stdout);
    const key = `${py.python}${py.freeThreadedBuild ? 't' : ''}`;
    if (seen.has(key)) continue; // the same interpreter under another name
    seen.add(key);
    const name = `CPython ${py.python}${py.freeThreadedBuild ? ' free-threaded' : ''}${py.gil ? '' : ' (GIL off)'}`;
    row(`${name} orders @0.1: sequential / asyncio (ms)`, `${f1(py.ordersSequentialMs)} / ${f1(py.ordersAsyncioMs)}`,
      `ThreadLab's gap to it: ${f1(ourOrders.sequential - py.ordersSequentialMs)} / ${f1(ourOrders.asyncio - py.ordersAsyncioMs)} ms`);
    row(`${name} square-cube @0.1: sequential / threads (ms)`, `${f1(py.squareCubeSequentialMs)} / ${f1(py.squareCubeThreadsMs)}`,
      `ThreadLab's gap to it: ${f1(ourSquare.sequential - py.squareCubeSequentialMs)} / ${f1(ourSquare.threads - py.squareCubeThreadsMs)} ms`);
    const ourSpeedup = py.gil ? ours.sequential / ours['threads-gil'] : ours.sequential / ours.threads;
    row(`${name} CPU threads: speedup`, `${f1(py.cpu.threadsSpeedup)}×`,
      `ThreadLab ${py.gil ? 'with' : 'without'} a GIL: ${f1(ourSpeedup)}×; CPython processes ${f1(py.cpu.processesSpeedup)}× against ThreadLab's ${f1(ours.sequential / ours.processes)}×`);
  }
  if (!pythons.some((p) => p.endsWith('t'))) row('CPython free-threaded', 'not installed', 'no python3.13t / python3.14t on this machine (Debian 12 ships none)');

  // ---- 4. Against native Rust ----
  section = 'Against native Rust (the compute kernel on one thread)';
  // The page's own calibration, twice over by now: its best rate.
  await page.waitForFunction(() => window.threadlab.info()?.computeRate > 0);
  await page.waitForTimeout(Math.max(0, 4000 - (await page.evaluate(() => performance.now()))));
  const wasmRate = await page.evaluate(() => window.threadlab.info().computeRate);
  const native = spawnSync('cargo', ['bench', '--quiet', '--bench', 'kernel'], { encoding: 'utf8' });
  const nativeRate = native.status === 0 ? JSON.parse(native.stdout.trim().split('\n').at(-1)).iterationsPerMs : NaN;
  row('wasm in Chromium (iterations per ms)', f1(wasmRate), 'the calibration: best batch of every pool thread');
  row('native, same code (iterations per ms)', f1(nativeRate), native.status === 0 ? 'cargo bench --bench kernel' : `failed: ${native.stderr.slice(-200)}`);
  row('wasm time / native time', `${f1(nativeRate / wasmRate)}×`, '', '≤ 1.5×', within(nativeRate / wasmRate, 1.5, '×'));

  // ---- 4b. The Python VM natively, against CPython on the same programs ----
  section = 'The Python VM natively against CPython 3.11 (benches/programs, cargo bench --bench vm)';
  const vm = spawnSync('cargo', ['bench', '--quiet', '--bench', 'vm', '--', '--json', '--reps', String(Math.max(3, reps))], { encoding: 'utf8' });
  if (vm.status !== 0) {
    row('VM benchmark', 'failed', vm.stderr.trim().split('\n').slice(-3).join(' '));
  } else {
    const figures = JSON.parse(vm.stdout.trim().split('\n').at(-1));
    for (const p of figures.vmAgainstCpython) {
      row(`${p.program}: VM / CPython (ms)`, `${f1(p.vmMs)} / ${f1(p.cpythonMs)}`, `${f1(p.ratio)}× CPython's time; output ${p.outputMatches ? 'matches' : 'DIFFERS'}`,
        '≤ 3×', within(p.ratio, 3, '×'));
    }
    const predicts = figures.predictions.map((p) => p.predictMs);
    const compiles = figures.predictions.map((p) => p.compileUs);
    row('compile a corpus program (µs)', f1(median(compiles)), `max ${f1(Math.max(...compiles))}; ${compiles.length} programs of tests/programs`);
    row('predict a corpus program (ms of real time)', f1(median(predicts)), `max ${f1(Math.max(...predicts))}`);
  }

  // ---- 6. Overheads ----
  section = 'Overheads';
  const startSpans = (record) => record.spans.filter((s) => s.kind === 'start').map((s) => s.endMs - s.startMs);
  const threadStarts = [], processStarts = [], taskStarts = [];
  for (let i = 0; i < reps; i++) {
    threadStarts.push(...startSpans(await run({ example: 'square-cube', mode: 'threads', timeScale: 0.01 })));
    processStarts.push(...startSpans(await run({ example: 'processes', mode: 'processes', timeScale: 0.01 })));
    // asyncio: from gather to each task's first step (the prediction puts them all at the gather).
    const orders = await run({ example: 'orders', mode: 'asyncio', timeScale: 0.01 });
    const first = groupBy(orders.spans.filter((s) => s.lane !== 'main'), (s) => s.lane);
    for (const spans of first.values()) taskStarts.push(spans[0].startMs);
  }
  row('thread: start() to first instruction (ms)', f1(median(threadStarts)), `p95 ${f1(p95(threadStarts))}; ${threadStarts.length} starts`, '≤ 1', within(median(threadStarts), 1, 'ms'));
  row('process: start() to first instruction (ms)', f1(median(processStarts)), `p95 ${f1(p95(processStarts))}; ${processStarts.length} starts (a worker, a wasm instance)`, '≤ 100', within(median(processStarts), 100, 'ms'));
  row('asyncio task: gather to first step (ms)', f1(median(taskStarts)), `p95 ${f1(p95(taskStarts))}; ${taskStarts.length} tasks`);
  const recordNs = await page.evaluate(async () => {
    // The wasm in a worker of the bench's own (the page's engine is busy being the page's).
    const src = `import init, { measure_recording } from '${location.origin}/pkg/threadlab.js';
      await init(); postMessage(measure_recording(21));`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    const ns = await new Promise((resolve) => (w.onmessage = (e) => resolve(e.data)));
    w.terminate();
    return ns;
  });
  row('recording one event (ns)', f1(recordNs), 'median of 21 × 1000 events: clock read, lock, push');
  // Events the page receives and draws: a GIL run hands the lock over every 0.5 ms.
  const flood = await page.evaluate(async () => {
    const lab = window.threadlab;
    let events = 0;
    const off = lab.on('events', (d) => (events += d.events.length));
    const gaps = [];
    let last = performance.now(), going = true;
    const tick = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (going) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // The page shows the example, so its timeline and log draw every event.
    const picker = document.querySelector('#example');
    picker.value = 'cpu-vs-io';
    picker.dispatchEvent(new Event('change'));
    const record = await lab.run({ example: 'cpu-vs-io', mode: 'threads-gil', timeScale: 1, params: { tasks: 4, seconds: 0.5, switch_interval_ms: 0.5 } });
    going = false;
    off();
    gaps.sort((a, b) => a - b);
    return { events, wallMs: record.wallMs, spans: record.spans.length, frame: gaps[Math.floor(gaps.length / 2)] };
  });
  row('events received and drawn per second', f1((flood.events / flood.wallMs) * 1000),
    `${flood.events} events in ${f1(flood.wallMs)} ms (cpu-vs-io under a GIL, switch interval 0.5 ms); frame interval median ${f1(flood.frame)} ms`);

  // ---- 7. Renderer ----
  section = 'Renderer';
  // A fresh page: the runs above left thousands of spans on this one.
  await page.goto(url);
  await page.evaluate(() => window.threadlab.ready);
  const frames = await page.evaluate(async () => {
    const { Timeline } = await import('/timeline.js');
    const box = document.createElement('div');
    document.body.append(box);
    const lanes = Array.from({ length: 64 }, (_, i) => ({ id: `l${i}`, name: `Thread-${i}`, kind: 'thread', thread: `Thread-${i}` }));
    const t = new Timeline(box, { id: 'bench', title: 'bench' }, false);
    t.showPredicted({ lanes, spans: [], queueDepth: [], wallMs: 10_000, status: 'completed' });
    t.setAxis(10_000);
    const now = performance.timeOrigin + performance.now();
    t.begin(now - 5000);
    const events = [];
    for (let i = 0; i < 2000; i++) {
      const lane = `l${i % 64}`, start = (Math.floor(i / 64) * 5000) / 32;
      events.push({ e: 'begin', span: i, lane, label: `span ${i}`, kind: i % 2 ? 'sleep' : 'compute', t: start });
      if (i < 2000 - 64) events.push({ e: 'end', span: i, t: start + 100 });
    }
    const applyStart = performance.now();
    t.apply(events);
    const applyMs = performance.now() - applyStart;
    const work = [], gaps = [];
    let last = performance.now();
    const until = last + 2000;
    await new Promise((resolve) => {
      const tick = () => {
        const start = performance.now();
        gaps.push(start - last);
        last = start;
        t.frame(performance.timeOrigin + start);
        work.push(performance.now() - start);
        if (start < until) requestAnimationFrame(tick);
        else resolve(undefined);
      };
      requestAnimationFrame(tick);
    });
    box.remove();
    // The same page's frame interval with nothing to draw: how headless Chromium paces frames here.
    const idle = [];
    last = performance.now();
    const idleUntil = last + 1500;
    await new Promise((resolve) => {
      const tick = () => {
        const t2 = performance.now();
        idle.push(t2 - last);
        last = t2;
        if (t2 < idleUntil) requestAnimationFrame(tick);
        else resolve(undefined);
      };
      requestAnimationFrame(tick);
    });
    return { work, gaps, idle, applyMs, events: events.length };
  });
  row('drawing a batch of events (events per ms)', f1(frames.events / frames.applyMs), `${frames.events} events placed in ${f1(frames.applyMs)} ms`);
  row('frame work, 64 lanes / 2000 spans, 64 growing (ms)', f1(median(frames.work)), `p95 ${f1(p95(frames.work))}`, '≤ 8', within(median(frames.work), 8, 'ms'));
  row('frame interval with it (ms)', f1(median(frames.gaps)), `p95 ${f1(p95(frames.gaps))}; idle page ${f1(median(frames.idle))} ms (style, layout and paint included)`);

  // ---- Soak (issue 8): 200 runs of mixed examples in one page, every fifth stopped midway ----
  section = 'Soak: 200 runs of mixed examples in one page, every fifth stopped midway';
  const soak = await page.evaluate(async () => {
    const lab = window.threadlab;
    const mix = [
      { example: 'orders', mode: 'asyncio' }, { example: 'square-cube', mode: 'threads' },
      { example: 'cpu-vs-io', mode: 'threads-gil', params: { seconds: 0.5 } }, { example: 'queue-worker', mode: 'threads' },
      { example: 'pool-downloads', mode: 'pool' }, { example: 'image-downloader', mode: 'queue' },
      { example: 'two-threads', mode: 'threads' }, { example: 'process-queue', mode: 'processes' },
    ];
    const sample = async () => ({ ...(await lab.stats()), jsHeapBytes: performance.memory?.usedJSHeapSize ?? 0 });
    const laps = [];
    let first = null;
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const going = lab.run({ ...mix[i % mix.length], timeScale: 0.02 });
      if (i % 5 === 4) setTimeout(() => lab.cancel(), 20);
      const record = await going;
      if (i === 0) first = await sample();
      if (record.status === 'completed') laps.push({ lap: Math.floor(i / mix.length), k: i % mix.length, ms: performance.now() - started });
    }
    // The first five laps against the last five: each request's median time, summed over the requests.
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const laps5 = (from) => Array.from({ length: mix.length }, (_, k) =>
      median(laps.filter((l) => l.k === k && l.lap >= from && l.lap < from + 5).map((l) => l.ms)));
    const sum = (xs) => xs.reduce((s, x) => s + x, 0);
    return { first, last: await sample(), firstLapMs: sum(laps5(0)), lastLapMs: sum(laps5(20)), compared: mix.length };
  });
  const mib = (b) => f1(b / 2 ** 20);
  row('wasm memory, run 1 → run 200 (MiB)', `${mib(soak.first.wasmMemoryBytes)} → ${mib(soak.last.wasmMemoryBytes)}`, 'grows to what the largest run needed, then stays');
  row('thread workers, run 1 → run 200', `${soak.first.threadWorkers} → ${soak.last.threadWorkers}`, `idle at the end: ${soak.last.idleThreadWorkers}; process workers at the end: ${soak.last.processWorkers}`);
  row('page JS heap, run 1 → run 200 (MiB)', `${mib(soak.first.jsHeapBytes)} → ${mib(soak.last.jsHeapBytes)}`);
  row('runs 1–40 against runs 161–200 (ms)', `${f1(soak.firstLapMs)} / ${f1(soak.lastLapMs)}`, `each of the ${soak.compared} requests' median time (completed runs), summed`);

  // ---- Output ----
  const header = `ThreadLab benchmark, ${new Date().toISOString()}: ${reps} reps, Chromium ${browser.version()}, ${cores} cores, ${Math.round((Date.now() - started) / 1000)} s`;
  const widths = ['name', 'value', 'detail', 'target', 'gap'].map((k) => Math.max(...rows.map((r) => r[k].length)));
  console.log(header);
  let last = '';
  for (const r of rows) {
    if (r.section !== last) console.log(`\n${(last = r.section)}`);
    console.log(`  ${r.name.padEnd(widths[0])}  ${r.value.padStart(widths[1])}  ${r.target.padEnd(widths[3])}  ${r.gap.padEnd(widths[4])}  ${r.detail}`);
  }
  const md = [`# ${header}`, '', 'Made by `./build.sh bench` (tests/bench/bench.mjs). Medians unless a row says otherwise; every figure from the same run.', ''];
  last = '';
  for (const r of rows) {
    if (r.section !== last) md.push('', `## ${(last = r.section)}`, '', '| figure | value | target | gap | detail |', '|---|---|---|---|---|');
    md.push(`| ${r.name} | ${r.value} | ${r.target} | ${r.gap} | ${r.detail} |`);
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', JSON.stringify({ at: new Date().toISOString(), reps, cores, chromium: browser.version(), rows }, null, 2));
  writeFileSync('bench-results/latest.md', `${md.join('\n')}\n`);
  console.log('\nWritten: bench-results/latest.json, bench-results/latest.md');
} finally {
  await browser.close();
  server.kill();
}
