// The representative part of the e2e suite, as data: one run of every pattern (threads, the GIL, asyncio,
// processes, a pool, a queue, a real download) and the CPU-bound runs the speed-ups come from. The suite
// (suite.mjs) checks each in Firefox and WebKit; the bench (tests/bench/bench.mjs) prints the same figures.
// Everything goes through `window.threadlab`, never the page's layout.

/** The CPU-bound runs: 2 tasks (this machine's cores) of 1.5 million iterations each. */
const CPU = { tasks: 2, iterations: 1_500_000, work: 'cpu' };

/** @type {{pattern: string, request: any}[]} */
export const PATTERNS = [
  { pattern: 'threads (square-cube)', request: { example: 'square-cube', mode: 'threads', timeScale: 0.1 } },
  { pattern: 'GIL (cpu-vs-io, threads under the GIL)', request: { example: 'cpu-vs-io', mode: 'threads-gil', timeScale: 1, params: CPU } },
  { pattern: 'asyncio (orders)', request: { example: 'orders', mode: 'asyncio', timeScale: 0.1 } },
  { pattern: 'processes (processes)', request: { example: 'processes', mode: 'processes', timeScale: 0.1 } },
  { pattern: 'pool (pool-downloads)', request: { example: 'pool-downloads', mode: 'pool', timeScale: 0.1 } },
  { pattern: 'queue (queue-worker)', request: { example: 'queue-worker', mode: 'threads', timeScale: 0.1 } },
];

/** The speed-up runs: cpu-vs-io's CPU-bound tasks in each of its modes. */
export const SPEEDUP_MODES = ['sequential', 'threads', 'processes', 'threads-gil'];
export const speedupRequest = (/** @type {string} */ mode) => ({ example: 'cpu-vs-io', mode, timeScale: 1, params: CPU });

/** Runs a request in the page; resolves to the parts of the record the checks and figures need. */
export const runInPage = async (/** @type {any} */ request) => {
  const lab = window.threadlab;
  // A run that doesn't end within a minute is stopped and reported as such, with what the engine holds.
  let timer = 0;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), 60_000);
  });
  const r = await Promise.race([lab.run(request), late]);
  clearTimeout(timer);
  if (!r) {
    lab.cancel();
    const stats = await Promise.race([lab.stats(), new Promise((resolve) => setTimeout(() => resolve('no answer'), 2000))]);
    return { status: 'hung', stopped: `no end within 60 s; the engine holds ${JSON.stringify(stats)}`, simulated: false, wallMs: NaN, predictedMs: NaN, lines: [], predictedLines: null, lanes: 0 };
  }
  const lines = (/** @type {any} */ x) => x.output.map((/** @type {any} */ o) => `${o.err ? 'stderr' : 'stdout'}: ${o.text}`).sort();
  return {
    status: r.status,
    stopped: r.stopped ?? null,
    simulated: r.simulated === true,
    wallMs: r.wallMs,
    predictedMs: r.predictedMs,
    lines: lines(r),
    predictedLines: r.predicted ? lines(r.predicted) : null,
    lanes: r.lanes.length,
  };
};

/** A real download (two-downloads' threads, `network: "real"`): its own program, run as a source. */
export const realNetworkInPage = async () => {
  const { python } = await window.threadlab.code({ example: 'two-downloads', mode: 'threads' });
  const r = await window.threadlab.run({ source: python, network: 'real', timeScale: 0.1 });
  return {
    status: r.status,
    simulated: r.simulated === true,
    wallMs: r.wallMs,
    predictedMs: r.predictedMs,
    received: r.output.filter((/** @type {any} */ o) => !o.err && / MB received$/.test(o.text)).length,
    errors: r.output.filter((/** @type {any} */ o) => o.err).map((/** @type {any} */ o) => o.text),
  };
};

/** What the engine says of itself once calibrated: waits (up to 45 s: the engine may be started again up
 *  to 3 times, 10 s each, where its pool doesn't come up) for the measurements. */
export const engineInPage = async () => {
  const lab = window.threadlab;
  await lab.ready;
  for (let i = 0; i < 900 && lab.info().cores == null; i++) await new Promise((r) => setTimeout(r, 50));
  return { ...lab.info(), timeScale: undefined, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
};
