// The representative part of the e2e suite in Firefox and WebKit (the full suite runs in Chromium,
// tests/e2e/): ready, every pattern once, a real download, Stop, a bad value, and the fallback to
// simulated runs. WebKit runs twice: with JSC_useSharedArrayBuffer=1 (standing in for Safari, which has
// shared memory on isolated pages) for real, and without it, where it must fall back cleanly.
//
//   node --test-reporter=spec tests/browsers/run.mjs [firefox] [webkit] [webkit-no-sab]   (default: all found)
//
// Timings share 2 noisy cores with other work: each check asserts the shape (real or simulated, completed,
// the predicted lines, measured within a generous factor of predicted) and prints the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { availableEngines, freePort, launch } from './drivers.mjs';
import { PATTERNS, SPEEDUP_MODES, engineInPage, realNetworkInPage, runInPage, speedupRequest } from './patterns.mjs';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const engines = wanted.length ? wanted : availableEngines();
const fmt = (/** @type {number | null} */ ms) => (ms == null ? '—' : `${Math.round(ms)}`);

/** The page served as a deployment serves it (tools/serve.mjs, with the isolation headers). */
let base = '';
/** A course page on another site (localhost, no isolation headers) holding one iframe of the playground. */
let host = '';
/** @type {import('node:child_process').ChildProcess | null} */
let server = null;
/** @type {import('node:http').Server | null} */
let hostServer = null;

before(async () => {
  const port = await freePort();
  server = spawn(process.execPath, ['tools/serve.mjs', '--port', String(port), '--root', 'www'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    server?.stdout?.once('data', resolve);
    server?.once('exit', (code) => reject(new Error(`tools/serve.mjs exited (${code})`)));
  });
  base = `http://127.0.0.1:${port}/`;
  hostServer = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>course</title><iframe src="${base}#example=orders&amp;timeScale=0.05&amp;embed=1" style="width:600px;height:900px"></iframe>`);
  });
  await new Promise((resolve) => hostServer?.listen(0, '127.0.0.1', () => resolve(null)));
  host = `http://localhost:${/** @type {any} */ (hostServer.address()).port}/`;
});

after(() => {
  server?.kill();
  hostServer?.close();
});

for (const engine of engines) {
  const real = engine !== 'webkit-no-sab';
  test(`${engine}: ${real ? 'the representative suite, for real' : 'falls back cleanly to simulated runs'}`, { timeout: 300_000 }, async (t) => {
    const started = Date.now();
    const browser = await launch(engine);
    /** @type {string[]} */
    const table = [];
    try {
      await t.test('ready: the engine starts, and says what it measured', async () => {
        const openEngine = async () => {
          const ready = await browser.open(base);
          return { ready, info: await browser.evaluate(engineInPage) };
        };
        let { ready, info } = await openEngine().catch((e) => ({ ready: null, info: { cores: null, poolMs: e.message } }));
        if (info.cores == null) {
          // Firefox ESR 153, now and then: the engine's pool never comes up, three starts in a row
          // (threadlab.js then refuses runs, saying so). Known, not yet understood (ARCHITECTURE.md, Known
          // limits): once more in a new page, noted.
          table.push(`  ${browser.label}: the engine's thread pool did not start (${info.poolMs}); opened again`);
          ({ ready, info } = await openEngine());
        }
        assert.equal(ready.simulated, !real, `simulated: ${ready.simulatedReason}`);
        if (info.engineStarts > 1) table.push(`  ${browser.label}: the engine's pool did not come up, the engine worker was started ${info.engineStarts} times`);
        table.push(`${browser.label}: ${real ? 'real threads' : `simulated (${info.simulatedReason})`}; ` +
          `cores ${info.cores} (hardwareConcurrency ${info.hardwareConcurrency}), ns per instruction ${info.nsPerInstruction?.toFixed(2) ?? '— (no pool)'}, ` +
          `ready in ${fmt(info.bootMs)} ms, pool in ${fmt(info.poolMs)} ms`);
        assert.ok(info.cores >= 1 && info.cores <= info.hardwareConcurrency, `cores ${info.cores}`);
        if (real) {
          assert.ok(info.threads >= 2, `threads ${info.threads}`);
          assert.ok(Number.isFinite(info.nsPerInstruction) && info.nsPerInstruction > 0.1 && info.nsPerInstruction < 1000, `ns per instruction ${info.nsPerInstruction}`);
        } else {
          // Said in the notice, with the page alive (the status isn't "could not start").
          const page = await browser.evaluate(() => ({ notice: document.querySelector('#notice')?.textContent ?? '', status: document.querySelector('#status')?.textContent ?? '' }));
          assert.match(page.notice, /Simulated/);
          assert.match(page.notice, /SharedArrayBuffer|share/);
          assert.doesNotMatch(page.status, /could not start/);
        }
      });

      await t.test('every pattern runs once, near its prediction, printing what it predicted', async () => {
        // Warm-up: the first compute of a page runs before the browser has optimised the VM's loop.
        await browser.evaluate(runInPage, { example: 'cpu-vs-io', mode: 'sequential', timeScale: 0.02, params: { tasks: 2, iterations: 300_000 } });
        const failures = [];
        for (const { pattern, request } of PATTERNS) {
          let r = await browser.evaluate(runInPage, request);
          if (r.status === 'hung') {
            // Firefox ESR 153, now and then: a worker that instantiates the module never comes up (here a
            // process's). Known (ARCHITECTURE.md, Known limits): noted, and tried once more in a new page.
            table.push(`  ${pattern}: ${r.stopped}; tried again in a new page`);
            await browser.open(base);
            r = await browser.evaluate(runInPage, request);
          }
          table.push(`  ${pattern.padEnd(40)} measured ${fmt(r.wallMs).padStart(5)} ms, predicted ${fmt(r.predictedMs).padStart(5)} ms${r.simulated ? ' (simulated)' : ''}`);
          if (r.status !== 'completed') failures.push(`${pattern}: ${r.status} ${r.stopped ?? ''}`);
          if (r.simulated !== !real) failures.push(`${pattern}: simulated ${r.simulated}`);
          if (r.predictedLines && JSON.stringify(r.lines) !== JSON.stringify(r.predictedLines)) failures.push(`${pattern}: printed ${JSON.stringify(r.lines)}, predicted ${JSON.stringify(r.predictedLines)}`);
          // Generous: a busy 2-core machine slows a CPU-bound run by up to 3x; a sleep is never early.
          // (Low too: a prediction charges the cost per instruction calibrated at start-up, which in WebKit
          // can be measured before the browser has optimised the VM's loop.)
          if (!(r.wallMs >= 0.5 * r.predictedMs - 50 && r.wallMs <= 3 * r.predictedMs + 1000)) failures.push(`${pattern}: measured ${fmt(r.wallMs)} ms against ${fmt(r.predictedMs)} ms predicted`);
        }
        assert.deepEqual(failures, []);
      });

      await t.test('speed-up of 2 CPU-bound tasks: threads, processes, under the GIL', async () => {
        /** @type {Record<string, any>} */
        const runs = {};
        for (const mode of SPEEDUP_MODES) runs[mode] = await browser.evaluate(runInPage, speedupRequest(mode));
        const seq = runs.sequential;
        table.push(`  cpu-vs-io, 2 tasks: speed-up over sequential (measured / predicted): ` +
          SPEEDUP_MODES.slice(1).map((m) => `${m} ${(seq.wallMs / runs[m].wallMs).toFixed(2)}× / ${(seq.predictedMs / runs[m].predictedMs).toFixed(2)}×`).join(', '));
        // Figures only: what 2 noisy cores lend a browser varies too much to assert a speed-up here (the
        // bench prints them per engine; the Chromium suite checks them when the machine lends 2 cores).
        for (const mode of SPEEDUP_MODES) {
          assert.equal(runs[mode].status, 'completed', `${mode}: ${runs[mode].stopped ?? ''}`);
          assert.equal(runs[mode].simulated, !real, mode);
        }
      });

      await t.test('a real download fetches the served file MB by MB', async () => {
        const r = await browser.evaluate(realNetworkInPage);
        table.push(`  ${'real network (two-downloads, 15 MB)'.padEnd(40)} measured ${fmt(r.wallMs).padStart(5)} ms${r.simulated ? ' (simulated: the simulated network)' : ''}`);
        assert.equal(r.status, 'completed', r.errors.join('\n'));
        assert.equal(r.received, 15);
      });

      await t.test('Stop ends an endless run at once, and the next run works', async () => {
        const r = await browser.evaluate(async () => {
          const lab = window.threadlab;
          const run = lab.run({ source: 'import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin).start()\nwhile True:\n    pass\n' });
          await new Promise((res) => setTimeout(res, 500));
          const t0 = performance.now();
          lab.cancel();
          const stopped = await run;
          const stopMs = performance.now() - t0;
          const next = await lab.run({ example: 'orders', mode: 'asyncio', timeScale: 0.02 });
          return { status: stopped.status, stopMs, next: next.status };
        });
        table.push(`  ${'Stop (an endless loop on 2 threads)'.padEnd(40)} ended in ${fmt(r.stopMs)} ms`);
        assert.equal(r.status, 'cancelled');
        assert.ok(r.stopMs < 1000, `Stop took ${r.stopMs} ms`);
        assert.equal(r.next, 'completed');
      });

      await t.test('a bad value is refused, naming the field, the value and what is allowed', async () => {
        const message = await browser.evaluate(() => window.threadlab.run({ example: 'orders', params: { coffee_s: -1 } }).then(() => 'accepted', (e) => e.message));
        assert.match(message, /params\.coffee_s: -1 is out of range; allowed: a number from 0 to 60 s/);
      });

      if (real) {
        await t.test('fallback: embedded in a course page on another site, the page says what it does', async () => {
          // Neither Firefox nor WebKit has Document-Isolation-Policy: the frame isn't isolated, so it runs
          // simulated and says why.
          let ready;
          try {
            ready = await browser.openFrame(host);
          } catch (e) {
            // As above: the engine worker's module instance never came up. Once more, noted.
            table.push(`  embedded: ${/** @type {Error} */ (e).message}; opened again`);
            ready = await browser.openFrame(host);
          }
          const r = await browser.evaluate(runInPage, { example: 'orders', mode: 'asyncio', timeScale: 0.05 });
          const page = await browser.evaluate(() => ({ notice: document.querySelector('#notice')?.textContent ?? '', reason: window.threadlab.info().simulatedReason }));
          table.push(`  embedded in a non-isolated page on another site: ${ready.simulated ? `simulated (${page.reason})` : 'real threads'}; orders asyncio @0.05 ${fmt(r.wallMs)} ms`);
          assert.equal(r.status, 'completed');
          assert.equal(r.simulated, ready.simulated);
          if (ready.simulated) assert.match(page.notice, /Simulated: this page is embedded in a page that is not cross-origin isolated/);
        });
      }
      assert.deepEqual(browser.errors, [], 'the page logged errors');
    } finally {
      await browser.close();
      table.push(`  (${engine}: ${((Date.now() - started) / 1000).toFixed(1)} s with the browser's start)`);
      console.log(table.join('\n'));
    }
  });
}
