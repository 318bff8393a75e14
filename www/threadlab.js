// @ts-check
// The JavaScript API, `window.threadlab`: the one door through which the page's own UI, embedding hosts and
// automated checks drive the engine worker. Documented in README.md; keep it stable.
//
// The page never waits on a lock or runs a program: it posts messages and reads replies. While a run is
// live it polls for new events at most once per animation frame, with at most one poll in flight.

/**
 * @typedef {{name: string, label: string, type: string, default: number, min: number, max: number,
 *            unit: string, help: string}} ParamSpec
 * @typedef {{id: string, title: string, pattern: string}} Mode
 * @typedef {{id: string, title: string, group: string, lesson: string, modes: Mode[], params: ParamSpec[]}} Example
 * @typedef {{id: string, name: string, kind: string, thread: string}} Lane
 * @typedef {{lane: string, label: string, kind: string, startMs: number, endMs: number}} Span
 * @typedef {{atMs: number, lane: string, text: string}} OutputLine
 * @typedef {{example: string, mode: string, params: Record<string, number>, timeScale: number,
 *            status: 'completed' | 'cancelled' | 'deadlocked' | 'failed', wallMs: number, predictedMs: number, lanes: Lane[],
 *            spans: Span[], output: OutputLine[], simulated?: true}} RunRecord
 * @typedef {{e: 'begin', span: number, lane: string, label: string, kind: string, t: number}
 *         | {e: 'end', span: number, t: number}
 *         | {e: 'print', lane: string, text: string, t: number, err?: boolean, line?: number}} TraceEvent
 * @typedef {{field: string, value: string, problem: string, allowed: string}} InputError
 * @typedef {{example?: string, mode?: string, params?: Record<string, unknown>, timeScale?: number,
 *            source?: string, gil?: boolean, network?: string, seed?: number,
 *            label?: {example?: string, mode?: string, params?: Record<string, unknown>}}} RunRequest
 * @typedef {{line: number, column: number, message: string}} ProgramError
 */

/** JSON that keeps NaN and ±Infinity visible (as text), so a refusal can quote what was given. */
function toJson(/** @type {unknown} */ value) {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/**
 * Why runs are simulated, as the end of a sentence: the engine worker's reason (what failed when it tried
 * to share memory with a worker), or, where the page isn't cross-origin isolated, why not.
 * @param {string | null | undefined} reason
 */
function simulatedReason(reason) {
  if (reason && reason !== 'not-isolated') return reason;
  // In a frame, a browser without Document-Isolation-Policy (Chromium before 137, Firefox, Safari) leaves
  // the isolation to the host page; a page of its own lacks the headers and the service worker.
  return self.parent !== self
    ? 'this page is embedded in a page that is not cross-origin isolated, and this browser can\'t isolate a ' +
        'frame by itself (Document-Isolation-Policy, Chromium 137 and later)'
    : 'this page is not cross-origin isolated (its host sends no isolation headers and no service worker ' +
        'could add them)';
}

export function createThreadLab(workerUrl = new URL('./engine-worker.js', import.meta.url)) {
  // The engine's wasm, fetched (index.html preloads it) and compiled here while the worker loads its own
  // scripts, then handed to it: it instantiates the module instead of fetching it only once they have run.
  // `null` if that fails here: the worker then fetches it itself and reports what goes wrong.
  const compiled = WebAssembly.compileStreaming(fetch(new URL('./pkg/threadlab_bg.wasm', workerUrl))).catch(() => null);
  /** What every engine worker is listened to with (an engine may be started again: see `poolStuck`). @type {[string, any][]} */
  const handlers = [];
  const startEngine = () => {
    const w = new Worker(workerUrl, { type: 'module', name: 'threadlab-engine' });
    compiled.then((module) => w.postMessage({ type: 'threadlab:module', module }));
    for (const [type, fn] of handlers) w.addEventListener(type, fn);
    return w;
  };
  let worker = startEngine();
  /** Listens to the engine worker, and to any started after it. @param {string} type @param {(e: any) => void} fn */
  const listen = (type, fn) => {
    handlers.push([type, fn]);
    worker.addEventListener(type, fn);
  };
  /** @type {Map<string, Set<Function>>} */
  const listeners = new Map();
  const emit = (/** @type {string} */ type, /** @type {any} */ detail) =>
    listeners.get(type)?.forEach((fn) => fn(detail));

  // When the page goes away (a tab closed, an embed's iframe removed), the browser ends the engine worker
  // and every worker it started. First the run going is cancelled, so its threads stop waiting at once
  // (terminate() here would drop that message; workers still blocked in a wait end when Chromium forces
  // them, about 2 s later).
  addEventListener('pagehide', () => worker.postMessage({ type: 'threadlab:cancel', id: null }));

  /** @type {Example[] | null} */
  let catalog = null;
  /** @type {{threads: number, crossOriginIsolated: boolean, simulated: boolean, simulatedReason: string | null, bootMs: number, poolMs: number | null, nsPerInstruction: number | null, cores: number | null, engineStarts: number, timeScale: ParamSpec} | null} */
  let info = null;
  let nextId = 1;
  /** Replies awaited by id: validate, predict, ...; what was asked, to ask again. @type {Map<number, {resolve: Function, reject: Function, type: string, json: string}>} */
  const pending = new Map();
  /** Runs not yet ended, by id: a run cancelled by a newer one still resolves its own promise. @type {Map<number, {resolve: Function, reject: Function, request: RunRequest}>} */
  const runs = new Map();
  /** The newest run, the one polled for events. @type {{id: number, pollInFlight: boolean} | null} */
  let live = null;

  // The thread pool comes up within a second or two after `ready`. Where it doesn't come at all (seen in
  // Firefox ESR 153, about one start in five on a busy 2-core machine: the engine worker stops answering
  // while its pool starts), runs would wait for it for ever. So after POOL_TIMEOUT_MS the engine worker is
  // ended and started again, and whatever was asked of it is asked of the new one (no run has started:
  // runs wait for the pool); after ENGINE_STARTS, runs are refused instead, saying why ('error' event too).
  const POOL_TIMEOUT_MS = 10_000;
  const ENGINE_STARTS = 3;
  let engineStarts = 1;
  /** @type {Error | null} */
  let stuck = null;
  /** @type {any} */
  let poolWatchdog = 0;
  const poolStuck = () => {
    if (engineStarts < ENGINE_STARTS) {
      engineStarts++;
      worker.terminate();
      worker = startEngine();
      for (const [id, run] of runs) worker.postMessage({ type: 'threadlab:run', id, request: toJson(run.request) });
      for (const [id, ask] of pending) worker.postMessage({ type: ask.type, id, request: ask.json });
      if (live) live.pollInFlight = false;
      return;
    }
    stuck = new Error(`ThreadLab's thread pool did not start (${ENGINE_STARTS} tries, ${POOL_TIMEOUT_MS / 1000} s each); reload the page to try again`);
    emit('error', stuck);
    for (const id of [...runs.keys()]) end(id)?.reject(stuck);
  };

  const ready = new Promise((resolve, reject) => {
    listen('message', ({ data }) => {
      if (data.type === 'threadlab:ready') {
        performance.mark('threadlab:ready');
        catalog = data.catalog.examples;
        info = {
          threads: data.threads,
          crossOriginIsolated: self.crossOriginIsolated,
          simulated: data.simulated,
          simulatedReason: data.simulated ? simulatedReason(data.simulatedReason) : null,
          bootMs: data.bootMs,
          poolMs: data.poolMs,
          nsPerInstruction: null,
          cores: null,
          engineStarts,
          timeScale: data.catalog.timeScale,
        };
        resolve({ threads: data.threads, crossOriginIsolated: self.crossOriginIsolated, simulated: data.simulated, simulatedReason: info.simulatedReason });
        emit('ready', info);
        if (!data.simulated) poolWatchdog = setTimeout(poolStuck, POOL_TIMEOUT_MS);
      } else if (data.type === 'threadlab:pool') {
        clearTimeout(poolWatchdog);
        if (info) info.poolMs = data.poolMs;
      } else if (data.type === 'threadlab:calibrated') {
        if (info) Object.assign(info, { nsPerInstruction: data.nsPerInstruction, cores: data.cores });
      } else if (data.type === 'threadlab:fatal') {
        const error = new Error(`ThreadLab could not start: ${data.message}`);
        reject(error);
        emit('error', error);
      }
    });
    listen('error', (/** @type {ErrorEvent} */ e) => {
      // Before `ready`, the worker could not load; after, it crashed (it reports what it can catch itself
      // as `threadlab:panic`, so this is what escaped it).
      const error = info
        ? new Error(`ThreadLab crashed: ${e.message ?? 'unknown error'}`)
        : new Error(`ThreadLab's engine worker failed to load: ${e.message ?? 'unknown error'}`);
      reject(error);
      emit('error', error);
      if (info) for (const id of [...runs.keys()]) end(id)?.reject(error);
    });
  });
  // A page that never awaits `ready` should not see an unhandled rejection; the 'error' event carries it.
  ready.catch(() => {});

  listen('message', ({ data }) => {
    switch (data.type) {
      case 'threadlab:started': {
        const run = runs.get(data.id);
        if (run) emit('start', { request: run.request, ...data });
        break;
      }
      case 'threadlab:events':
        if (live?.id === data.id) live.pollInFlight = false;
        if (runs.has(data.id) && (data.events.length || data.lines?.length)) emit('events', { id: data.id, events: data.events, lines: data.lines ?? [] });
        break;
      case 'threadlab:done': {
        const run = end(data.id);
        if (run) {
          emit('done', { id: data.id, record: data.record });
          run.resolve(data.record);
        }
        break;
      }
      case 'threadlab:refused': {
        const waiter = pending.get(data.id) ?? end(data.id);
        pending.delete(data.id);
        waiter?.reject(new Error(data.message));
        break;
      }
      case 'threadlab:panic': {
        const error = new Error(`ThreadLab crashed: ${data.message}`);
        emit('error', error);
        for (const id of data.id == null ? [...runs.keys()] : [data.id]) end(id)?.reject(error);
        break;
      }
      case 'threadlab:validated':
      case 'threadlab:predicted': {
        const waiter = pending.get(data.id);
        pending.delete(data.id);
        waiter?.resolve(data.type === 'threadlab:validated' ? data.errors : data.record);
        break;
      }
    }
  });

  /** Forgets a run that ended; returns it. @param {number} id */
  function end(id) {
    const run = runs.get(id);
    runs.delete(id);
    if (live?.id === id) live = null;
    return run;
  }

  // One poll per animation frame at most, and never a second while one is unanswered.
  function pollLoop() {
    if (!live) return;
    if (!live.pollInFlight) {
      live.pollInFlight = true;
      worker.postMessage({ type: 'threadlab:poll', id: live.id });
    }
    requestAnimationFrame(pollLoop);
  }

  /** @param {string} type @param {RunRequest} request */
  async function ask(type, request) {
    await ready;
    const id = nextId++;
    const json = toJson(request);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, type, json });
      worker.postMessage({ type, id, request: json });
    });
  }

  return {
    /**
     * Resolves to `{threads, crossOriginIsolated, simulated}` once the engine can take a run: the wasm
     * instantiated in the engine worker and the catalogue read. The thread pool and the calibration (ns per
     * instruction) come up after it; a run asked for sooner waits for them, then starts.
     * `simulated` is true where the page is not cross-origin isolated: no thread can share memory there,
     * so every run is the prediction played back in real time, and its record says `simulated: true`.
     */
    ready,

    /** The catalogue (after `ready`): examples with `id, title, lesson, modes, params` (the schema). */
    examples() {
      if (!catalog) throw new Error('threadlab.examples() is available once `await threadlab.ready` resolves');
      return structuredClone(catalog);
    },

    /**
     * Pool size, isolation, simulated, the engine's start-up ms (`bootMs`: worker start to ready), the pool's
     * (`poolMs`, `null` until it is up, after `ready`), ns per instruction (`null` until calibrated), the time
     * scale's schema (after `ready`), or null before.
     */
    info() {
      return info && { ...info };
    },

    /**
     * Runs a program, `{source, timeScale?, gil?, network?, seed?}` (its threads on real workers, under a
     * GIL unless `gil: false`), or one mode of one example, `{example, mode, params?, timeScale?}`;
     * resolves to the run record. A run already going is cancelled first. Invalid input rejects with an
     * Error naming the field, the value and what is allowed; a program that doesn't compile, with
     * `line L, column C: message`.
     * @param {RunRequest} request
     * @returns {Promise<RunRecord>}
     */
    async run(request) {
      await ready;
      if (stuck) throw stuck;
      const id = nextId++;
      // The worker cancels the run going once it has accepted this one.
      return new Promise((resolve, reject) => {
        runs.set(id, { resolve, reject, request });
        live = { id, pollInFlight: false };
        worker.postMessage({ type: 'threadlab:run', id, request: toJson(request) });
        requestAnimationFrame(pollLoop);
      });
    },

    /** Ends the current run, if any; its `run()` promise resolves with `status: "cancelled"`. */
    cancel() {
      if (live) worker.postMessage({ type: 'threadlab:cancel', id: live.id });
    },

    /** Whether a run is going. */
    get running() {
      return runs.size > 0;
    },

    /**
     * The problems that keep a program from running: `[{line, column, message}]`, empty when it compiles.
     * @param {string} source @returns {Promise<ProgramError[]>}
     */
    check(source) {
      if (typeof source !== 'string') return Promise.reject(new Error('check(source): give the program as a string'));
      return ask('threadlab:check', { source });
    },

    /**
     * An example's mode as the program it runs: `{source, timeScale, gil, seed, example, mode, params}`
     * (the source request to pass to `run` or `predict`, with the given values written into its Python).
     * @param {{example: string, mode?: string, params?: Record<string, unknown>, timeScale?: number}} request
     * @returns {Promise<{source: string, timeScale: number, gil: boolean, seed: number, example: string, mode: string, params: Record<string, unknown>}>}
     */
    exampleProgram(request) {
      return ask('threadlab:example-program', request);
    },

    /**
     * What the playground needs of a program as it is typed: `{errors, params}`. `errors` are
     * `[{line, column, message}]`, what keeps it from running (as `check`) and malformed `# param`
     * declarations or values outside their limits; `params` its declared parameters (the catalogue's schema,
     * `default` being the value written now, and the `line` they are declared on).
     * @param {string} source @returns {Promise<{errors: ProgramError[], params: (ParamSpec & {line: number})[]}>}
     */
    program(source) {
      if (typeof source !== 'string') return Promise.reject(new Error('program(source): give the program as a string'));
      return ask('threadlab:program', { source });
    },

    /**
     * `source` with parameter `name` set to `value` (a number, list, toggle, string, or a field's text): its
     * literal rewritten in place. Rejects with the field, value, problem and what is allowed.
     * @param {string} source @param {string} name @param {unknown} value @returns {Promise<string>}
     */
    setParam(source, name, value) {
      if (typeof source !== 'string') return Promise.reject(new Error('setParam(source, name, value): give the program as a string'));
      return ask('threadlab:set-param', /** @type {any} */ ({ source, name, value }));
    },

    /**
     * Every problem of a request, without running it: `[{field, value, problem, allowed}]`, empty if valid.
     * @param {RunRequest} request @returns {Promise<InputError[]>}
     */
    validate(request) {
      return ask('threadlab:validate', request);
    },

    /**
     * The predicted run record of a request (an example's mode or a program's source), from the
     * simulator; a program that needs more than the prediction's cap rejects, saying so.
     * @param {RunRequest} request @returns {Promise<RunRecord>}
     */
    predict(request) {
      return ask('threadlab:predict', request);
    },

    /**
     * The request's program as the tutorial's Python and as idiomatic Rust: `{python, rust}`.
     * @param {RunRequest} request @returns {Promise<{python: string, rust: string}>}
     */
    code(request) {
      return ask('threadlab:code', request);
    },

    /**
     * A run record as a Chrome trace (`{traceEvents, ...}`) that Perfetto and chrome://tracing open:
     * processes as pid, lanes as tid, metadata naming both, spans as complete events, lines as instants.
     * @param {RunRecord} record @returns {Promise<any>}
     */
    chromeTrace(record) {
      return ask('threadlab:trace', /** @type {any} */ (record));
    },

    /**
     * What the engine holds now: `{threadWorkers, idleThreadWorkers, processWorkers, warmProcessWorkers, wasmMemoryBytes}`
     * (thread workers are kept for the next run; a run's process workers end with it).
     * @returns {Promise<{threadWorkers: number, idleThreadWorkers: number, processWorkers: number, warmProcessWorkers: number, wasmMemoryBytes: number}>}
     */
    stats() {
      return ask('threadlab:stats', /** @type {any} */ ({}));
    },

    /**
     * Observes every run, whoever started it: 'start' ({id, request, t0, lanes, predicted}),
     * 'events' ({id, events, lines}: `lines` is where each live thread is now, `[{lane, line}]`), 'done' ({id, record}), 'error' (Error), 'ready'. Returns an unsubscribe.
     * @param {'start' | 'events' | 'done' | 'error' | 'ready'} type @param {Function} fn
     */
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)?.add(fn);
      return () => listeners.get(type)?.delete(fn);
    },
  };
}
