// Benchmark: figures, not pass/fail. Serves www/, drives Debian's Chromium with playwright-core, and prints
// medians measured side by side in one run: page ready, pool start, orders totals against predicted, sizes.
// Usage: node tests/bench/bench.mjs [--reps N]   (./build.sh bench builds first, then runs this)
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 5;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => x.toFixed(1);

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

try {
  const rows = [];
  // Start-up: a fresh page each time (a new context, so nothing is cached in memory).
  const ready = [], pool = [];
  for (let i = 0; i < reps; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const r = await page.evaluate(async () => {
      await window.threadlab.ready;
      return { readyMs: performance.now(), poolMs: window.threadlab.info().poolMs };
    });
    ready.push(r.readyMs);
    pool.push(r.poolMs);
    await context.close();
  }
  rows.push(['page load to ready (ms)', fmt(median(ready)), `min ${fmt(Math.min(...ready))}, max ${fmt(Math.max(...ready))}`]);
  rows.push(['wasm init + pool start (ms)', fmt(median(pool)), `min ${fmt(Math.min(...pool))}, max ${fmt(Math.max(...pool))}`]);

  // orders: every mode at scale 0.1 and 1, measured against predicted.
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(() => window.threadlab.ready);
  for (const timeScale of [0.1, 1]) {
    for (const mode of ['sequential', 'asyncio']) {
      const n = timeScale === 1 ? Math.min(reps, 3) : reps;
      const walls = [];
      let predicted = 0;
      for (let i = 0; i < n; i++) {
        const r = await page.evaluate((req) => window.threadlab.run(req), { example: 'orders', mode, timeScale });
        walls.push(r.wallMs);
        predicted = r.predictedMs;
      }
      const m = median(walls);
      rows.push([`orders ${mode} @${timeScale} total (ms)`, fmt(m), `predicted ${fmt(predicted)}, gap +${fmt(m - predicted)} (${n} runs)`]);
    }
  }

  // Renderer: a timeline of 64 lanes and 2000 spans, 64 of them open and growing, for 2 s of frames.
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
    t.apply(events);
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
    return { work, gaps, spans: t.placed.length };
  });
  // The same page's frame interval with nothing to draw: what headless Chromium paces frames at here.
  const idle = await page.evaluate(async () => {
    const gaps = [];
    let last = performance.now();
    const until = last + 1500;
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        if (now < until) requestAnimationFrame(tick);
        else resolve(undefined);
      };
      requestAnimationFrame(tick);
    });
    return gaps;
  });
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
  rows.push(['idle frame interval, baseline (ms)', fmt(median(idle)), `p95 ${fmt(p95(idle))}, over ${idle.length} frames`]);
  rows.push(['renderer frame work, 64 lanes / 2000 spans (ms)', fmt(median(frames.work)), `p95 ${fmt(p95(frames.work))}; ${frames.spans} spans placed`]);
  rows.push(['renderer frame interval (ms)', fmt(median(frames.gaps)), `p95 ${fmt(p95(frames.gaps))}, over ${frames.gaps.length} frames`]);

  // Sizes of what a first visit downloads.
  const files = (dir) => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
  let raw = 0, gz = 0;
  // Everything but the 100 MB file real-network downloads fetch (it is never part of a visit).
  for (const f of files('www').filter((f) => !f.startsWith('www/files/'))) {
    const body = readFileSync(f);
    raw += body.length;
    gz += gzipSync(body, { level: 9 }).length;
  }
  const wasm = readFileSync('www/pkg/threadlab_bg.wasm');
  rows.push(['wasm (KiB raw / gzipped)', `${fmt(wasm.length / 1024)} / ${fmt(gzipSync(wasm, { level: 9 }).length / 1024)}`, '']);
  rows.push(['first visit, all of www/ (KiB raw / gzipped)', `${fmt(raw / 1024)} / ${fmt(gz / 1024)}`, '']);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`ThreadLab benchmark, ${new Date().toISOString()}, ${reps} reps, Chromium ${browser.version()}`);
  for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(14)}  ${note}`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
} finally {
  await browser.close();
  server.kill();
}
