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

/** @typedef {{id: number, handle: any, request: string}} Current */

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

// Where the memory can't be shared with other workers, no thread can start: the engine then plays each
// run's prediction back in real time instead, marked simulated. Decided at boot by what works, not by one
// flag: `crossOriginIsolated` can be true where sharing still fails (WebKitGTK without
// JSC_useSharedArrayBuffer=1 throws "The object can not be cloned." at the first post). `simulatedReason`:
// 'not-isolated', or the sentence saying what failed. (Chromium still creates the module's shared memory
// for this one worker without isolation; a browser that refuses even that lands in `fatal`.)
let simulated = !self.crossOriginIsolated;
/** @type {string | null} */
let simulatedReason = simulated ? 'not-isolated' : null;

// A classic worker made from a blob (the CSP allows them), for the probes below. Its address stays valid
// until it ends: a browser may load the script after `new Worker` returns.
/** @param {string} source */
function blobWorker(source) {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'threadlab-probe' });
  const terminate = worker.terminate.bind(worker);
  worker.terminate = () => {
    terminate();
    URL.revokeObjectURL(url);
  };
  return worker;
}

/** `promise`, or `fallback` after `ms`. @template T @param {Promise<T>} promise @param {number} ms @param {T} fallback */
const within = (promise, ms, fallback) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), ms))]);

/**
 * Whether a shared `WebAssembly.Memory` can be made here and posted to a worker, which is what the
 * thread pool and every Python thread need: null when it can, else what failed (a sentence).
 */
async function sharedMemoryRefusal() {
  if (typeof SharedArrayBuffer !== 'function') return 'this browser has no SharedArrayBuffer here';
  let memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return `this browser can't make a shared WebAssembly memory here (${messageOf(e)})`;
  }
  /** @type {Worker} */
  let worker;
  try {
    worker = blobWorker('onmessage = ({ data }) => postMessage(data instanceof WebAssembly.Memory && data.buffer instanceof SharedArrayBuffer);');
  } catch (e) {
    return `this browser can't start a worker here (${messageOf(e)})`;
  }
  const refused = (/** @type {unknown} */ e) => `this browser refuses to share a WebAssembly memory with a worker (${messageOf(e)})`;
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('a worker given a shared memory did not answer within 5 s'), 5000);
      const answer = (/** @type {string | null} */ why) => {
        clearTimeout(timer);
        resolve(why);
      };
      worker.onmessage = ({ data }) => answer(data === true ? null : 'a shared memory posted to a worker arrived unshared');
      worker.onmessageerror = () => answer(refused('the worker could not receive it'));
      worker.onerror = (e) => answer(`a worker could not start here (${e.message ?? 'unknown error'})`);
      try {
        worker.postMessage(memory);
      } catch (e) {
        answer(refused(e));
      }
    });
  } finally {
    worker.terminate();
  }
}

/**
 * How many cores run at once here, measured: `claimed` (navigator.hardwareConcurrency, which a browser may
 * inflate: WebKitGTK reports 4 on a 2-core machine) workers each run the same short CPU loop, first one
 * alone, then all together; `claimed × alone / together` is how many ran in parallel. Rounded up from
 * 0.4 over a whole number (a busy machine lends less than it has, for a moment; the count of cores is what
 * is wanted; timings vary by a tenth or so), never above `claimed`, at least 1. About a third
 * of a second of CPU; 0 when it can't be measured (no worker).
 * @param {number} claimed
 */
async function measureCores(claimed) {
  const n = Math.max(1, Math.min(claimed, 16));
  if (n === 1) return 1;
  /** @type {Worker[]} */
  let workers = [];
  try {
    const loop = 'onmessage = ({ data: n }) => { const t = performance.now(); let x = 1; for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0; postMessage({ ms: performance.now() - t, x }); };';
    workers = Array.from({ length: n }, () => blobWorker(loop));
    const job = (/** @type {Worker} */ w, /** @type {number} */ iterations) =>
      new Promise((resolve, reject) => {
        w.onmessage = ({ data }) => resolve(data.ms);
        w.onerror = (e) => reject(new Error(e.message));
        w.postMessage(iterations);
      });
    // Timed here, from the post to the last answer, alone as together (the workers' own clocks would leave
    // out their wake-ups, and read high in WebKit).
    const timed = async (/** @type {Worker[]} */ ws, /** @type {number} */ iterations) => {
      const t = performance.now();
      await Promise.all(ws.map((w) => job(w, iterations)));
      return performance.now() - t;
    };
    const together = (/** @type {number} */ iterations) => timed(workers, iterations);
    // Warm every worker's JIT, then size the loop so that one worker alone takes about 40 ms.
    let iterations = 1_000_000;
    await together(iterations);
    let alone = await job(workers[0], iterations);
    while (alone < 10 && iterations < 1e9) alone = await job(workers[0], (iterations *= 4));
    iterations = Math.round((iterations * 40) / Math.max(alone, 1));
    await together(iterations); // every worker warm at this size
    alone = Math.min(await timed([workers[0]], iterations), await timed([workers[0]], iterations), await timed([workers[0]], iterations));
    const all = Math.min(await together(iterations), await together(iterations));
    const parallel = (n * alone) / all;
    return Math.max(1, Math.min(n, Math.floor(parallel + 0.6)));
  } catch {
    return 0;
  } finally {
    for (const w of workers) w.terminate();
  }
}

// The core count predictions assume: the most measured so far (load only ever lowers it), until measured
// the browser's own figure.
const claimedCores = navigator.hardwareConcurrency || 2;
let cores = claimedCores;
let coresMeasured = 0;
/** Measures the cores (again), keeps the best measurement, and tells the wasm. */
const measuredCores = async () => {
  // Never longer than 5 s (a worker that never answers): then the measurement so far, or the claim.
  coresMeasured = Math.max(coresMeasured, await within(measureCores(claimedCores), 5000, 0));
  cores = coresMeasured || claimedCores;
  wasm.set_cores(cores);
  return cores;
};

// The compiled module, from the page: threadlab.js fetches and compiles the wasm (index.html preloads it)
// while this worker's own scripts load, and posts it here; `null` if it couldn't, and this worker fetches it.
const pageModule = new Promise((resolve) => {
  addEventListener('message', function take({ data }) {
    if (data?.type !== 'threadlab:module') return;
    removeEventListener('message', take);
    resolve(data.module);
  });
});

/**
 * The rayon pool (the calibration's threads) starting: `ready` doesn't wait for it, runs do (they wait for
 * the calibration, which waits for the pool). Resolves to how long it took, counted from this worker's start.
 */
let poolStarted = Promise.resolve(0);

const booted = (async () => {
  const started = performance.now();
  performance.mark('threadlab:boot');
  // Whether memory can be shared is tried while the wasm loads (a worker starts meanwhile).
  const refusal = simulated ? Promise.resolve(null) : sharedMemoryRefusal().catch(messageOf);
  try {
    const module = await pageModule;
    await init(module ? { module_or_path: module } : undefined);
  } catch (e) {
    if (!simulated) throw e;
    throw new Error(
      `this page is not cross-origin isolated, and this browser can't load the engine without it (${messageOf(e)}); ` +
        'open it in a tab of its own on a host that sends Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp',
    );
  }
  performance.mark('threadlab:instantiated');
  const why = await refusal;
  if (why) {
    simulated = true;
    simulatedReason = why;
  }
  if (simulated) {
    wasm.set_cores(cores);
    return { threads: 0, simulated, simulatedReason, bootMs: performance.now() - started, poolMs: 0, catalog: JSON.parse(wasm.catalog()) };
  }
  wasm.set_base_url(self.location.href);
  const catalog = JSON.parse(wasm.catalog());
  performance.mark('threadlab:catalog');
  // One pool thread per core, and never fewer than two, so that a blocking run and the pool's other
  // work can go on at once. Its workers start now, after what `ready` needs, not competing with it.
  const threads = Math.max(2, cores);
  poolStarted = wasm.initThreadPool(threads).then(() => {
    performance.mark('threadlab:pool');
    return performance.now() - started;
  });
  return { threads, simulated, simulatedReason, bootMs: performance.now() - started, poolMs: null, catalog };
})();

// How fast one core computes, measured on the pool threads in the background (0.5 to 2 s: until the
// browser has optimised the VM's loop and the timings settle), so that "1 s of compute" takes 1 s here.
// Runs wait for it; nothing else does. (A simulated engine has no pool.) The cores are measured just
// before (`measuredCores`), once the pool and the first thread workers are up, so that their start-up
// doesn't take the cores from either measurement.
const calibrate = (/** @type {number} */ minS, /** @type {number} */ maxS) => wasm.calibrate(cores, minS, maxS);
/** @type {Promise<number | null>} */
let calibrated = booted.then(async ({ simulated }) => {
  if (!simulated) {
    await poolStarted;
    await threadsStarting;
  }
  await measuredCores();
  return simulated ? null : calibrate(0.5, 2);
});
// Once more, briefly, when the page has settled and nothing runs (the start-up's measurement shares the
// cores with the workers starting); a run that comes meanwhile waits for it, and only the best
// measurement counts. (If the engine can't start, `threadlab:fatal` has said why; no rejection may
// surface again unhandled.)
calibrated.then(
  () => {
    let tries = 10;
    const again = () => {
      if (current && --tries > 0) setTimeout(again, 3000);
      else if (!current) {
        calibrated = measuredCores().then(() => (simulated ? null : calibrate(0, 0.3)));
        calibrated.then((nsPerInstruction) => send({ type: 'threadlab:calibrated', nsPerInstruction, cores }), () => {});
      }
    };
    setTimeout(again, 3000); // a simulated engine measures its cores again too
  },
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
    // The pool comes up after `ready`; if it can't, no run can start: the page says why.
    if (!info.simulated) {
      poolStarted.then(
        (poolMs) => send({ type: 'threadlab:pool', poolMs }),
        (e) => send({ type: 'threadlab:fatal', message: `the thread pool could not start: ${messageOf(e)}` }),
      );
    }
    // A few threads up front, after `ready` (starting them takes a few hundred ms on 2 cores), so that the
    // usual runs start at once; a run that comes sooner waits for them, as it waits for the calibration.
    if (!info.simulated) ensureThreads(4).catch((e) => send({ type: 'threadlab:panic', id: null, message: messageOf(e) }));
    const nsPerInstruction = await calibrated;
    send({ type: 'threadlab:calibrated', nsPerInstruction, cores });
  },
  (e) => send({ type: 'threadlab:fatal', message: messageOf(e) }),
);

/** Runs still starting (the calibration, the quick prediction, workers), with what their records carry. */
const starting = new Map();
/** The record of a run cancelled before it started. @param {any} predicted @param {any} meta */
const cancelledRecord = (predicted, meta) =>
  ({ ...(predicted ?? stamp({}, meta)), status: 'cancelled', wallMs: 0, spans: [], output: [], threads: [], lanes: [] });
/** Ends the process workers warmed and not used, once no run is starting (a run that starts warms its own). */
const coolDown = () => {
  if (starting.size === 0 && !simulated) wasm.end_warm_process_workers();
};
/** The newest run asked for: an older one still waiting to start never starts. */
let newest = 0;
/** The last run asked for (its program accepted or not yet known): an older one still predicting gives way. */
let latest = 0;

/** @param {number} id @param {string} requestJson */
async function startRun(id, requestJson) {
  if (isSource(requestJson)) {
    // A program may carry a `label` ({example, mode, params}) for its record: the page names its tabs so.
    const { label, ...request } = JSON.parse(requestJson);
    if (label !== undefined) {
      const bad = labelProblem(label);
      if (bad) {
        send({ type: 'threadlab:refused', id, message: `label: ${bad}; allowed: {example?, mode?, params?} with example and mode texts of at most 80 characters and params an object` });
        return;
      }
    }
    const meta = label === undefined ? null : { example: label.example ?? '', mode: label.mode ?? '', params: label.params ?? {} };
    return startSource(id, label === undefined ? requestJson : JSON.stringify(request), meta);
  }
  // An example's mode runs as the program it is: its Python with the values written in.
  let example;
  try {
    example = JSON.parse(wasm.example_source(requestJson));
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  const { request, ...meta } = example;
  return startSource(id, request, meta);
}

/** A source request without the page's `label` (the engine's own request reader knows nothing of it). @param {string} json */
function withoutLabel(json) {
  const { label: _, ...request } = JSON.parse(json);
  return JSON.stringify(request);
}

/** What is wrong with a run's `label`, or null. @param {any} label */
function labelProblem(label) {
  if (label === null || typeof label !== 'object' || Array.isArray(label)) return 'is not an object';
  for (const key of Object.keys(label)) if (!['example', 'mode', 'params'].includes(key)) return `has an unknown key "${String(key).slice(0, 40)}"`;
  for (const key of ['example', 'mode']) {
    if (label[key] !== undefined && (typeof label[key] !== 'string' || label[key].length > 80)) return `${key} is not a text of at most 80 characters`;
  }
  if (label.params !== undefined && (label.params === null || typeof label.params !== 'object' || Array.isArray(label.params))) return 'params is not an object';
  return null;
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

// Workers kept idle beyond what a run is known to need, and the most a run starts ahead of time (the VM
// caps a run at 64 threads; more are asked for as the program starts them).
const SPARE_WORKERS = 2;
const MAX_WORKERS = 72;

// A program's prediction is made before its run only when it is quick (a program that mostly waits
// needs few instructions); otherwise after the run, so it never delays the start nor competes with the
// run for the cores.
const QUICK_PREDICTION = 2_000_000;
// The most a prediction made after the run may cost (about half a second of the engine worker's time).
const FULL_PREDICTION = 50_000_000;

// Predictions are made on an elastic worker, never on this event loop, which must stay free to answer
// polls and relay Stop (a CPU-bound example at its largest takes seconds to predict). Without isolation
// there is no other worker: then they are made here.
// A run waits for the predictions being made (the form's, the last run's full one) before it starts, so
// that none takes a core from it.
const predicting = new Set();
/** @template T @param {Promise<T>} p @returns {Promise<T>} */
const tracked = (p) => {
  predicting.add(p);
  p.then(() => predicting.delete(p), () => predicting.delete(p));
  return p;
};
const predictionsDone = () => Promise.allSettled([...predicting]);

/** @param {string} requestJson @returns {Promise<string>} */
const predictJson = (requestJson) =>
  tracked(simulated ? Promise.resolve().then(() => wasm.predict(requestJson)) : wasm.predict_async(requestJson));

// The form asks for the prediction of every change; a CPU-bound example's costs real time, so the last few
// are kept (as promises: asking again while one is being made waits for that one).
const predictions = new Map();
/** @param {string} requestJson @returns {Promise<any>} */
function predictExample(requestJson) {
  let record = predictions.get(requestJson);
  if (!record) {
    // A program's prediction may need more than the cap: then there is none to draw (the run's record
    // brings it).
    record = isSource(requestJson)
      ? predictSource(withoutLabel(requestJson), 0).then(({ record }) => {
        if (!record) throw new Error("this program needs more instructions than the prediction's cap");
        return record;
      })
      : predictJson(requestJson).then((json) => JSON.parse(json));
    record.catch(() => predictions.delete(requestJson));
    predictions.set(requestJson, record);
    if (predictions.size > 32) predictions.delete(predictions.keys().next().value);
  }
  return record;
}

/** A record with an example's `{example, mode, params, timeScale}` written in (none for a program). @param {any} record @param {any} meta */
const stamp = (record, meta) => (record && meta ? { ...record, ...meta } : record);

/**
 * The prediction of a source request within `budget` instructions (on an elastic worker, as above):
 * `{record, threads, processes}`, `record` null if it needs more; the threads and processes it started
 * within the budget either way. @param {string} json @param {number} budget
 * @returns {Promise<{record: any, threads: number, processes: number}>}
 */
const predictSource = async (json, budget) =>
  JSON.parse(simulated ? wasm.predict_source(json, budget) : await tracked(wasm.predict_source_async(json, budget)));

/**
 * Runs a program's source for real on elastic workers (src/web/python.rs). `meta` (an example's
 * `{example, mode, params, timeScale}`) is written into the prediction and the record.
 * @param {number} id @param {string} requestJson @param {any} meta
 */
async function startSource(id, requestJson, meta) {
  // The last request asked for wins, whichever quick prediction ends first.
  latest = id;
  starting.set(id, meta);
  // Answers the run as cancelled unless Stop already did; either way it goes no further.
  const cancelled = () => {
    if (starting.delete(id)) send({ type: 'threadlab:done', id, record: cancelledRecord(predicted, meta) });
  };
  // Refuses it, unless Stop already answered it.
  const refuse = (/** @type {string} */ message) => {
    if (starting.delete(id)) send({ type: 'threadlab:refused', id, message });
  };
  // Predictions charge what an instruction costs here: measured at start-up, before any run.
  await calibrated.catch(() => {});
  /** @type {any} */
  let predicted;
  // Threads and processes the program starts early on (all of them when it fits the quick prediction).
  let started = { threads: 2, processes: 0 };
  try {
    const quick = await predictSource(requestJson, QUICK_PREDICTION);
    predicted = stamp(quick.record, meta);
    started = quick;
  } catch (e) {
    return refuse(messageOf(e));
  }
  if (latest !== id) return cancelled();
  if (simulated) {
    try {
      // No real run waits for it here: the prediction's own limit (200 million instructions) applies.
      predicted ??= stamp((await predictSource(requestJson, 0)).record, meta);
    } catch (e) {
      return refuse(messageOf(e));
    }
    if (!predicted) {
      return refuse('this page is not cross-origin isolated, so programs can only be simulated, and this one could not be predicted; open the playground in a tab of its own to run it for real');
    }
    if (!starting.delete(id)) return; // stopped meanwhile, and answered
    return playRecord(id, requestJson, predicted);
  }
  newest = id;
  current?.handle.cancel();
  try {
    await calibrated;
    await predictionsDone();
    // The main thread, the worker that awaits the run's end, and one per thread or process the prediction
    // saw start (spare ones when there is none yet): `Thread.start()` waits until its thread runs, so a
    // worker started only then would delay it by the tens of ms a worker takes to start.
    await ensureThreads(Math.min(2 + started.threads + SPARE_WORKERS, MAX_WORKERS));
    // Each process the prediction saw start gets a worker with its own instance, warmed up beforehand as
    // threads' workers are: a process then starts in about the time CPython's spawn takes.
    if (started.processes > 0) await wasm.warm_process_workers(started.processes);
  } catch (e) {
    return refuse(messageOf(e));
  }
  if (newest !== id || !starting.has(id)) {
    cancelled();
    return coolDown();
  }
  starting.delete(id);
  let handle;
  try {
    handle = wasm.start_source(requestJson);
  } catch (e) {
    send({ type: 'threadlab:refused', id, message: messageOf(e) });
    return;
  }
  const run = { id, handle, request: requestJson, ended: false };
  current = run;
  send({ type: 'threadlab:started', id, ...JSON.parse(handle.info()), predicted });
  serveThreads(run);
  serveSourceDownloads(run);
  handle.promise().then(
    async (json) => {
      const { events, record } = JSON.parse(json);
      run.ended = true;
      if (current === run) current = null;
      handle.free();
      send({ type: 'threadlab:events', id, events });
      coolDown();
      // After the run, the full prediction (bounded: a program that never ends has none), unless the run
      // was stopped and nobody waits to compare.
      if (!predicted && record.status !== 'cancelled') {
        predicted = await predictSource(requestJson, FULL_PREDICTION).then((p) => stamp(p.record, meta), () => null);
      }
      send({ type: 'threadlab:done', id, record: { ...stamp(record, meta), predictedMs: predicted?.wallMs ?? null, predicted } });
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
    handle: {
      drain: () => JSON.stringify(ended ? [] : due(performance.timeOrigin + performance.now() - t0)),
      cancel: () => finish(true),
    },
  };
  current = run;
  send({ type: 'threadlab:started', id, t0, lanes: [], predicted, simulated: true });
  // A program that never ends by itself (it deadlocks, say) plays until it is stopped, as it would run.
  if (predicted.status === 'completed' || predicted.status === 'failed') timer = setTimeout(() => finish(false), predicted.wallMs);
}

/** A predicted record as the events that make it, in time order. @param {any} r */
function predictedEvents(r) {
  /** @type {any[]} */
  const events = r.lanes.map((/** @type {any} */ lane) => ({ e: 'lane', lane, t: 0 }));
  r.spans.forEach((/** @type {any} */ s, /** @type {number} */ i) => {
    events.push({ e: 'begin', span: i, lane: s.lane, label: s.label, kind: s.kind, t: s.startMs, line: s.line });
    events.push({ e: 'end', span: i, t: s.endMs });
  });
  for (const o of r.output) events.push({ e: 'print', lane: o.lane, text: o.text, t: o.atMs, err: o.err, line: o.line });
  return events.sort((a, b) => a.t - b.t);
}

// Real downloads: a thread of the run blocks on each while this worker's event loop fetches it, so that a
// Stop aborts a request that may never be answered, and a timeout bounds each. Only the byte count matters.
const DOWNLOAD_TIMEOUT_MS = 15_000;

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
          // Where each thread is now (a program's live lines), where the run can say.
          lines: current && current.id === data.id && current.handle.lines ? JSON.parse(current.handle.lines()) : [],
        });
        break;
      case 'threadlab:cancel':
        if (current && (data.id == null || current.id === data.id)) current.handle.cancel();
        else if (data.id != null && starting.has(data.id)) {
          // Still starting (waiting for the calibration, its prediction, workers): answered now, and it
          // goes no further.
          const meta = starting.get(data.id);
          starting.delete(data.id);
          send({ type: 'threadlab:done', id: data.id, record: cancelledRecord(null, meta) });
        }
        break;
      case 'threadlab:stats': {
        send({ type: 'threadlab:predicted', id: data.id, record: JSON.parse(wasm.stats()) });
        break;
      }
      case 'threadlab:check':
        send({ type: 'threadlab:validated', id: data.id, errors: JSON.parse(wasm.check(JSON.parse(data.request).source)) });
        break;
      case 'threadlab:example-program': {
        const { request, ...meta } = JSON.parse(wasm.example_source(data.request));
        send({ type: 'threadlab:predicted', id: data.id, record: { ...JSON.parse(request), ...meta } });
        break;
      }
      case 'threadlab:program':
        send({ type: 'threadlab:predicted', id: data.id, record: JSON.parse(wasm.program(JSON.parse(data.request).source)) });
        break;
      case 'threadlab:set-param': {
        const { source, name, value } = JSON.parse(data.request);
        send({ type: 'threadlab:predicted', id: data.id, record: wasm.set_param(source, name, JSON.stringify(value ?? null)) });
        break;
      }
      case 'threadlab:validate':
        send({ type: 'threadlab:validated', id: data.id, errors: JSON.parse(wasm.validate(data.request)) });
        break;
      case 'threadlab:predict':
        send({ type: 'threadlab:predicted', id: data.id, record: await predictExample(data.request) });
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
