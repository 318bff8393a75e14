// @ts-check
// The engine worker: hosts the wasm module and its rayon pool, off the page's main thread.
//
// Why a worker: a blocked thread must never be the page's. `Atomics.wait` is forbidden on the main thread,
// so wasm-bindgen-rayon would spin there instead, freezing the page and stealing a core. Here the wasm can
// block pool threads freely, while this worker's own event loop stays free: it runs asyncio's coroutines,
// answers the page's polls, and relays cancellation.
//
// Messages are namespaced `threadlab:*` so they never collide with wasm-bindgen-rayon's own.
import init, * as wasm from './pkg/threadlab.js';

/** @typedef {{id: number, handle: wasm.RunHandle, request: string}} Current */

/** @type {Current | null} */
let current = null;

/** @param {any} msg */
const send = (msg) => postMessage(msg);

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

// A panic on any thread is kept by the wasm's panic hook; report it once, with the run it broke.
function reportPanic() {
  const panic = wasm.take_panic();
  if (panic) send({ type: 'threadlab:panic', id: current?.id ?? null, message: panic });
}

// Without cross-origin isolation the memory can't be shared with other workers, so no thread can start:
// the engine then plays each run's prediction back in real time instead, marked simulated. (Chromium still
// creates the module's shared memory for this one worker; a browser that refuses lands in `fatal`.)
const simulated = !self.crossOriginIsolated;

const booted = (async () => {
  const started = performance.now();
  try {
    await init();
  } catch (e) {
    if (!simulated) throw e;
    throw new Error(
      `this page is not cross-origin isolated, and this browser can't load the engine without it (${messageOf(e)}); ` +
        'open it in a tab of its own on a host that sends Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp',
    );
  }
  const cores = navigator.hardwareConcurrency || 2;
  if (simulated) {
    wasm.set_cores(cores);
    return { threads: 0, simulated, poolMs: performance.now() - started, catalog: JSON.parse(wasm.catalog()) };
  }
  // One pool thread per core, and never fewer than two, so that a blocking run and the pool's other
  // work can go on at once.
  const threads = Math.max(2, cores);
  await wasm.initThreadPool(threads);
  const poolMs = performance.now() - started;
  wasm.set_base_url(self.location.href);
  return { threads, simulated, poolMs, catalog: JSON.parse(wasm.catalog()) };
})();

// How fast one core computes, measured on the pool threads in the background (about 200 ms), so that
// "1 s of compute" takes 1 s here. Runs wait for it; nothing else does. (A simulated engine has no pool.)
const calibrated = booted.then(({ simulated }) =>
  simulated ? null : wasm.calibrate(navigator.hardwareConcurrency || 2),
);
// Once more when the page has settled: the first measurement can catch the browser still optimising. (If
// the engine can't start, `threadlab:fatal` has said why; no rejection may surface again unhandled.)
calibrated.then(
  (rate) => rate != null && setTimeout(() => wasm.calibrate(navigator.hardwareConcurrency || 2), 3000),
  () => {},
);

/**
 * Starts elastic thread workers (src/engine/threads.rs) until `needed` are idle. One call at a time: a
 * worker still starting isn't counted idle yet, so two calls at once would each start the same ones.
 */
let threadsStarting = Promise.resolve();
const ensureThreads = (/** @type {number} */ needed) => {
  const next = threadsStarting.then(() => wasm.ensure_threads(needed));
  threadsStarting = next.catch(() => {});
  return next;
};

booted.then(
  async (info) => {
    send({ type: 'threadlab:ready', ...info });
    // A few threads up front, after `ready` (starting them takes a few hundred ms on 2 cores), so that the
    // usual runs start at once; a run that comes sooner waits for them, as it waits for the calibration.
    if (!info.simulated) ensureThreads(4).catch((e) => send({ type: 'threadlab:panic', id: null, message: messageOf(e) }));
    send({ type: 'threadlab:calibrated', computeRate: await calibrated });
  },
  (e) => send({ type: 'threadlab:fatal', message: messageOf(e) }),
);

/** Runs asked to stop while their threads were still starting. @type {Set<number>} */
const stopEarly = new Set();
/** The newest run asked for: an older one still waiting to start never starts. */
let newest = 0;

/** @param {number} id @param {string} requestJson */
async function startRun(id, requestJson) {
  if (isSource(requestJson)) return startSource(id, requestJson);
  if (simulated) return startPlayback(id, requestJson);
  const needed = wasm.threads_needed(requestJson);
  if (needed === 0) {
    // Invalid: let start_run word the refusal. A refused request leaves the run that is going alone.
    try {
      wasm.start_run(requestJson).free();
    } catch (e) {
      send({ type: 'threadlab:refused', id, message: messageOf(e) });
    }
    return;
  }
  // One run at a time: a new run ends the old one, whose promise then resolves as cancelled. Its threads
  // are free again within milliseconds; until then, count them as taken.
  newest = id;
  const old = current;
  old?.handle.cancel();
  try {
    await calibrated;
    await ensureThreads(needed + (old ? wasm.threads_needed(old.request) : 0));
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  // Stopped, or overtaken by a newer run, while it waited to start (for the calibration, say): it never
  // starts, and ends as cancelled at 0 ms.
  if (newest !== id || stopEarly.delete(id)) {
    const predicted = JSON.parse(wasm.predict(requestJson));
    const record = { ...predicted, status: 'cancelled', wallMs: 0, spans: [], output: [], threads: [], queueDepth: [] };
    send({ type: 'threadlab:done', id, record });
    return;
  }
  let handle;
  try {
    handle = wasm.start_run(requestJson);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  /** @type {{id: number, handle: any, request: string, processes: Worker[], stops: Int32Array[], downloads: AbortController}} */
  const run = { id, handle, request: requestJson, processes: [], stops: [], downloads: new AbortController() };
  current = run;
  const info = JSON.parse(handle.info());
  send({ type: 'threadlab:started', id, ...info });
  if (info.lanes.some((/** @type {any} */ l) => l.kind === 'process')) serveProcesses(run);
  serveDownloads(run);
  handle.promise().then(
    (recordJson) => {
      // A run's processes end with it (a cancelled run's are killed here, as terminate() would), and so
      // do its downloads still waiting for an answer.
      endProcesses(run);
      run.downloads.abort();
      // The last events, then the record: the page has seen every event before it sees `done`.
      send({ type: 'threadlab:events', id, events: JSON.parse(handle.drain()) });
      send({ type: 'threadlab:done', id, record: JSON.parse(recordJson) });
      if (current === run) current = null;
      handle.free();
    },
    (e) => send({ type: 'threadlab:panic', id, message: messageOf(e) }),
  );
}

/** Whether a request is a program's source (`{source, ...}`) rather than an example's mode. @param {string} json */
function isSource(json) {
  try {
    const r = JSON.parse(json);
    return r !== null && typeof r === 'object' && 'source' in r;
  } catch {
    return false;
  }
}

// A program's prediction is made before its run only when it is quick (a program that mostly waits
// needs few instructions); otherwise after the run, so it never delays the start nor competes with the
// run for the cores.
const QUICK_PREDICTION = 2_000_000;
// The most a prediction made after the run may cost (about half a second of the engine worker's time).
const FULL_PREDICTION = 50_000_000;

/** The prediction of a source request, or null if over `budget` instructions. @param {string} json @param {number} budget */
const predictSource = (json, budget) => {
  const record = wasm.predict_source(json, budget);
  return record == null ? null : JSON.parse(record);
};

/** Runs a program's source for real on elastic workers (src/web/python.rs). @param {number} id @param {string} requestJson */
async function startSource(id, requestJson) {
  let predicted;
  try {
    predicted = predictSource(requestJson, QUICK_PREDICTION);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  if (simulated) {
    try {
      predicted ??= predictSource(requestJson, FULL_PREDICTION);
    } catch (e) {
      send({ type: 'threadlab:refused', id, message: messageOf(e) });
      return;
    }
    if (!predicted) {
      send({ type: 'threadlab:refused', id, message: 'this page is not cross-origin isolated, so programs can only be simulated, and this one runs too long to simulate (more than 50 million instructions); open the playground in a tab of its own to run it for real' });
      return;
    }
    return playRecord(id, requestJson, predicted);
  }
  newest = id;
  current?.handle.cancel();
  try {
    await calibrated;
    // The main thread and the worker that awaits the run's end, and spare ones for the first threads.
    await ensureThreads(4);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  if (newest !== id || stopEarly.delete(id)) {
    send({ type: 'threadlab:done', id, record: { ...(predicted ?? {}), status: 'cancelled', wallMs: 0, spans: [], output: [], threads: [], lanes: [] } });
    return;
  }
  let handle;
  try {
    handle = wasm.start_source(requestJson);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  const run = { id, handle, request: requestJson, processes: [], ended: false };
  current = run;
  send({ type: 'threadlab:started', id, ...JSON.parse(handle.info()), predicted });
  serveThreads(run);
  serveSourceDownloads(run);
  handle.promise().then(
    (json) => {
      const { events, record } = JSON.parse(json);
      run.ended = true;
      if (current === run) current = null;
      handle.free();
      send({ type: 'threadlab:events', id, events });
      // After the run, the full prediction (bounded: a program that never ends has none), unless the run
      // was stopped and nobody waits to compare.
      if (!predicted && record.status !== 'cancelled') predicted = predictSource(requestJson, FULL_PREDICTION);
      send({ type: 'threadlab:done', id, record: { ...record, predictedMs: predicted?.wallMs ?? null, predicted } });
    },
    (e) => send({ type: 'threadlab:panic', id, message: messageOf(e) }),
  );
}

// A program starts threads as it runs: each start that leaves too few workers idle asks for more.
/** @param {{handle: any, ended: boolean}} run */
async function serveThreads(run) {
  while (!run.ended) {
    const wanted = await run.handle.next_thread_request();
    if (wanted == null) return;
    await ensureThreads(wanted).catch((e) => send({ type: 'threadlab:panic', id: null, message: messageOf(e) }));
  }
}

// Without isolation, a program's prediction played back in real time: its events handed out as their
// time comes, then its record marked simulated.
/** @param {number} id @param {string} requestJson @param {any} predicted */
function playRecord(id, requestJson, predicted) {
  current?.handle.cancel();
  const t0 = performance.timeOrigin + performance.now();
  const events = predictedEvents(predicted);
  let next = 0;
  let timer = 0;
  let ended = false;
  const due = (/** @type {number} */ until) => {
    const out = [];
    while (next < events.length && events[next].t <= until) out.push(events[next++]);
    return out;
  };
  const finish = (/** @type {boolean} */ cancelled) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    const at = performance.timeOrigin + performance.now() - t0;
    send({ type: 'threadlab:events', id, events: due(cancelled ? at : Infinity) });
    const record = cancelled
      ? { ...predicted, status: 'cancelled', wallMs: at, spans: predicted.spans.filter((/** @type {any} */ s) => s.startMs <= at), output: predicted.output.filter((/** @type {any} */ o) => o.atMs <= at) }
      : predicted;
    send({ type: 'threadlab:done', id, record: { ...record, simulated: true, predictedMs: predicted.wallMs, predicted } });
    if (current === run) current = null;
  };
  const run = {
    id,
    request: requestJson,
    processes: [],
    handle: {
      drain: () => JSON.stringify(ended ? [] : due(performance.timeOrigin + performance.now() - t0)),
      cancel: () => finish(true),
    },
  };
  current = run;
  send({ type: 'threadlab:started', id, t0, lanes: [], predicted, simulated: true });
  if (stopEarly.delete(id)) return finish(true);
  timer = setTimeout(() => finish(false), predicted.wallMs);
}

/** A predicted record as the events that make it, in time order. @param {any} r */
function predictedEvents(r) {
  /** @type {any[]} */
  const events = r.lanes.map((/** @type {any} */ lane) => ({ e: 'lane', lane, t: 0 }));
  r.spans.forEach((/** @type {any} */ s, /** @type {number} */ i) => {
    events.push({ e: 'begin', span: i, lane: s.lane, label: s.label, kind: s.kind, t: s.startMs, line: s.line });
    events.push({ e: 'end', span: i, t: s.endMs });
  });
  for (const o of r.output) events.push({ e: 'print', lane: o.lane, text: o.text, t: o.atMs, err: o.err });
  return events.sort((a, b) => a.t - b.t);
}

// Without isolation: the prediction played back in real time (src/sim, `Playback`), drawn as a run is, its
// record marked `simulated`. It has a real run's life: polls drain what is due, a newer run or Stop
// cancels it, and a program that never ends by itself plays until it is stopped.
/** @param {number} id @param {string} requestJson */
function startPlayback(id, requestJson) {
  let play;
  try {
    play = wasm.simulate_run(requestJson);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  current?.handle.cancel();
  let timer = 0;
  let ended = false;
  const finish = (/** @type {boolean} */ cancelled) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    const { events, record } = JSON.parse(play.finish(cancelled));
    send({ type: 'threadlab:events', id, events });
    send({ type: 'threadlab:done', id, record });
    if (current === run) current = null;
    play.free();
  };
  const run = {
    id,
    request: requestJson,
    processes: [],
    handle: { drain: () => (ended ? '[]' : play.drain()), cancel: () => finish(true) },
  };
  current = run;
  send({ type: 'threadlab:started', id, ...JSON.parse(play.info()) });
  if (stopEarly.delete(id)) return finish(true);
  const left = play.remaining_ms();
  if (left !== undefined) timer = setTimeout(() => finish(false), left);
}

// Real downloads: a thread of the run blocks on each while this worker's event loop fetches it, so that a
// Stop aborts a request that may never be answered, and a timeout bounds each. Only the byte count matters.
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** @param {{handle: any, downloads: AbortController}} run */
async function serveDownloads(run) {
  for (;;) {
    const request = await run.handle.next_fetch_request();
    if (request == null) return;
    const { id, url, offset, len } = JSON.parse(request);
    const answer = (/** @type {number} */ bytes, /** @type {string} */ error) => {
      try {
        run.handle.fetch_done(id, bytes, error);
      } catch {
        // The run ended and its handle was freed: nobody waits for this answer.
      }
    };
    fetchRange(url, offset, len, run.downloads.signal).then(
      (bytes) => answer(bytes, ''),
      (/** @type {any} */ e) => {
        if (run.downloads.signal.aborted) return;
        answer(0, e?.name === 'TimeoutError'
          ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`
          : e instanceof TypeError
            ? `network error or blocked by the server's CORS policy (${e.message})`
            : messageOf(e));
      },
    );
  }
}

/** Bytes `offset .. offset + len` of `url`; resolves to how many arrived. @param {string} url @param {number} offset @param {number} len @param {AbortSignal} signal */
async function fetchRange(url, offset, len, signal) {
  const response = await fetch(url, {
    headers: { Range: `bytes=${offset}-${offset + Math.max(len, 1) - 1}` },
    credentials: 'omit',
    cache: 'no-store',
    signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]),
  });
  const body = (await response.arrayBuffer()).byteLength;
  // Just the range asked for; a server that ignores ranges sends everything: count this request's part.
  if (response.status === 206) return Math.min(body, len);
  if (response.status === 200) return Math.max(0, Math.min(body - offset, len));
  throw new Error(`HTTP ${response.status} from ${url}`);
}

// A program's real downloads (`network: "real"`, src/engine/platform.rs), as `serveDownloads` serves an
// example's: each ranged request made here, where a Stop aborts it and a timeout bounds it, and answered
// to the Python thread waiting for it. The requests end (null) when the run ends or is stopped: those
// still going are aborted then.
/** @param {{handle: any, ended: boolean}} run */
async function serveSourceDownloads(run) {
  const downloads = new AbortController();
  for (;;) {
    let request;
    try {
      request = run.ended ? null : await run.handle.next_fetch_request();
    } catch {
      request = null; // the handle was freed: the run is over
    }
    if (request == null) break;
    const { id, url, offset, len } = JSON.parse(request);
    const answer = (/** @type {number} */ bytes, /** @type {string} */ error) => {
      try {
        run.handle.fetch_done(id, bytes, error);
      } catch {
        // The run ended and its handle was freed: nobody waits for this answer.
      }
    };
    fetchRange(url, offset, len, downloads.signal).then(
      (bytes) => answer(bytes, ''),
      (/** @type {any} */ e) => {
        if (downloads.signal.aborted) return;
        answer(0, e?.name === 'TimeoutError'
          ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`
          : e instanceof TypeError
            ? `network error or blocked by the server's CORS policy (${e.message})`
            : messageOf(e));
      },
    );
  }
  downloads.abort();
}

// Processes: workers with their own wasm instance and memory (see src/engine/process.rs). The main
// program asks for them through the run handle; this worker starts them and carries their messages.
const processSource = `
  self.addEventListener('message', async ({ data }) => {
    const pkg = await import(data.mainJS);
    // No memory passed: the process gets a fresh one of its own.
    await pkg.default({ module_or_path: data.module });
    try {
      pkg.process_main(data.spec, data.stop);
    } catch (e) {
      self.postMessage(JSON.stringify({ type: 'threadlab:proc-exit', func: JSON.parse(data.spec).func, t: 0, code: 1, error: String(e) }));
    }
  }, { once: true });`;
const processURL = URL.createObjectURL(new Blob([processSource], { type: 'text/javascript' }));
const mainJS = new URL('./pkg/threadlab.js', import.meta.url).href;

/**
 * Ends a run's processes: sets each one's stop flag, which wakes its waits so it returns to its event loop,
 * then terminates it (a worker blocked in a wait would only be forced to end about 2 s later).
 * @param {{processes: Worker[], stops: Int32Array[]}} run
 */
function endProcesses(run) {
  for (const stop of run.stops) {
    Atomics.store(stop, 0, 1);
    Atomics.notify(stop, 0);
  }
  for (const p of run.processes) p.terminate();
}

/** @param {{id: number, handle: any, processes: Worker[], stops: Int32Array[]}} run */
async function serveProcesses(run) {
  for (;;) {
    const request = await run.handle.next_process_request();
    if (request == null) return;
    const spec = JSON.parse(request);
    const worker = new Worker(processURL, { type: 'module', name: `threadlab-process-${spec.func + 1}` });
    run.processes.push(worker);
    worker.addEventListener('message', ({ data }) => {
      if (current !== run && !run.processes.includes(worker)) return;
      const m = JSON.parse(data);
      try {
        if (m.type === 'threadlab:proc-started') run.handle.process_started(spec.span, m.t);
        else if (m.type === 'threadlab:proc-events') run.handle.process_events(m.func, JSON.stringify(m.events));
        else if (m.type === 'threadlab:proc-put') run.handle.process_put(m.queue, m.item);
        else if (m.type === 'threadlab:proc-exit') run.handle.process_exit(m.func, m.t, m.code ?? 1);
      } catch {
        // The run ended and its handle was freed: late messages of a killed process are dropped.
      }
    });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    run.stops.push(stop);
    worker.postMessage({ mainJS, module: wasm.thread_module(), spec: request, stop });
  }
}

self.addEventListener('message', async ({ data }) => {
  if (!data || typeof data.type !== 'string' || !data.type.startsWith('threadlab:')) return;
  try {
    await booted;
  } catch {
    return; // `threadlab:fatal` already told the page why.
  }
  try {
    switch (data.type) {
      case 'threadlab:run':
        await startRun(data.id, data.request);
        break;
      case 'threadlab:poll':
        reportPanic();
        send({
          type: 'threadlab:events',
          id: data.id,
          events: current && current.id === data.id ? JSON.parse(current.handle.drain()) : [],
        });
        break;
      case 'threadlab:cancel':
        if (current && (data.id == null || current.id === data.id)) current.handle.cancel();
        else if (data.id != null) stopEarly.add(data.id);
        break;
      case 'threadlab:stats': {
        const processWorkers = current?.processes.length ?? 0;
        send({ type: 'threadlab:predicted', id: data.id, record: { ...JSON.parse(wasm.stats()), processWorkers } });
        break;
      }
      case 'threadlab:check':
        send({ type: 'threadlab:validated', id: data.id, errors: JSON.parse(wasm.check(JSON.parse(data.request).source)) });
        break;
      case 'threadlab:validate':
        send({ type: 'threadlab:validated', id: data.id, errors: JSON.parse(wasm.validate(data.request)) });
        break;
      case 'threadlab:predict':
        send({ type: 'threadlab:predicted', id: data.id, record: JSON.parse(wasm.predict(data.request)) });
        break;
      case 'threadlab:trace':
        send({ type: 'threadlab:predicted', id: data.id, record: JSON.parse(wasm.chrome_trace(data.request)) });
        break;
      case 'threadlab:code':
        send({ type: 'threadlab:predicted', id: data.id, record: JSON.parse(wasm.code(data.request)) });
        break;
    }
  } catch (e) {
    reportPanic();
    send({ type: 'threadlab:refused', id: data.id, message: messageOf(e) });
  }
});

// Errors outside a handler (a trap inside an asyncio task, say) still reach the page.
self.addEventListener('error', (e) => {
  send({ type: 'threadlab:panic', id: current?.id ?? null, message: e.message });
  e.preventDefault(); // reported: not again as the page's worker error
});
self.addEventListener('unhandledrejection', (e) =>
  send({ type: 'threadlab:panic', id: current?.id ?? null, message: messageOf(e.reason) }),
);
