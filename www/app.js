// @ts-check
// The page: a playground. The programs (an example's modes, a link's, the learner's copies) are tabs of one
// editor with the parameters they declare as a form; Run plays each in turn on its own timeline, all on one
// time axis, while the editor marks each thread's current line. It draws what `window.threadlab` reports,
// whoever started the run (this UI, a host page or a script).
import { createThreadLab } from './threadlab.js';
import { Timeline, el, fmtSeconds, LANE_COLOURS } from './timeline.js';
import { createExplorer } from './explorer.js';
import { createPlayground } from './playground.js';
import { createQuiz } from './quiz.js';
import { inspector } from './inspector.js';
import { CODE_LIMIT, decodePrograms, embedCode, encodePrograms, readFragment } from './state.js';
import { isolate } from './coi.js';

// On a host that can't send the isolation headers, a service worker adds them (one reload, first visit).
await isolate();
const lab = createThreadLab();

// Inside an iframe, the page tells its host how tall it is, so a host script can size the iframe to fit:
// `{type: 'threadlab:height', height}` in CSS pixels, posted on every change (see README.md). The height
// is no secret, so any host may read it. This runs before the engine starts, so it works even where the
// engine can't (a host without cross-origin isolation).
if (window.parent !== window) {
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: 'threadlab:height', height }, '*');
    }
  }).observe(document.body);
}
// @ts-ignore: the documented global of the JavaScript API.
window.threadlab = lab;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const status = $('status');
const banner = $('error');
const picker = /** @type {HTMLSelectElement} */ ($('example'));
const runButton = /** @type {HTMLButtonElement} */ ($('run'));
const stopButton = /** @type {HTMLButtonElement} */ ($('stop'));
const resetButton = /** @type {HTMLButtonElement} */ ($('reset'));
const log = $('log');

/** The example on screen (its lesson and title), or null for a link's programs of no example. @type {any} */
let example = null;
/** Timelines by program id, in tab order. @type {Map<string, Timeline>} */
const timelines = new Map();
/** The mode id of programs run from source by a script (`threadlab.run({source})`): their own timeline, above. */
const PROGRAM = '(program)';
/** The timeline of the last program a script ran from source, with an axis of its own. @type {Timeline | null} */
let programTimeline = null;
let programAxisMs = 1000;
/** Lane colours of the first program's prediction, by lane id, for the log. @type {Map<string, string>} */
const laneColours = new Map();
let stopRequested = false;
/** Run's loop over the programs is going (between its runs too). */
let looping = false;
let axisMs = 1000;
/** Rows by physical thread rather than by logical task. */
let byThread = false;
/** The last record of each program, for the comparison. @type {Map<string, any>} */
const results = new Map();
/** The last runs, newest first. @type {any[]} */
let recentRuns = [];
const HISTORY = 8;
/** The page's own runs: the request it passed → the program it ran. @type {WeakMap<object, any>} */
const ownRuns = new WeakMap();
/**
 * A tab's run request, named for its record (the example, the tab, the values its code declares) and
 * remembered as the page's own. @param {any} v @param {any} request
 */
function labelled(v, request) {
  const params = Object.fromEntries(v.params.map((/** @type {any} */ p) => [p.name, p.default]));
  const own = { ...request, label: { example: example?.id ?? '', mode: v.id, params } };
  ownRuns.set(own, v);
  return own;
}
/** The link's `embed`, `quiz` and `edit` switches, kept when the page rewrites the link. */
const switches = new Map();

function showError(/** @type {string} */ message) {
  banner.textContent = message;
  banner.hidden = false;
}

lab.on('error', (/** @type {Error} */ e) => showError(e.message));

/** Why runs ended early (a traceback, a deadlock), one line per program, in the notice area. @type {Map<string, string>} */
const endings = new Map();
function renderEndings() {
  const box = $('run-notice');
  box.replaceChildren(
    ...[...endings].map(([mode, why]) => {
      const line = el('span', 'run-ending');
      line.dataset.mode = mode;
      line.append(el('strong', '', `${modeTitle(mode)}: `), why);
      return line;
    }),
  );
  box.hidden = endings.size === 0;
}
/** A program's title on screen, or a script's program's. @param {string} mode */
function modeTitle(mode) {
  if (mode === PROGRAM) return 'Your program';
  return playground.variants.find((v) => v.id === mode)?.title ?? mode;
}
/** What a run that failed or deadlocked says about why: its `stopped`, else its traceback's last line. @param {any} record */
function endingOf(record) {
  if (record.status !== 'failed' && record.status !== 'deadlocked') return null;
  const last = [...(record.output ?? [])].reverse().find((/** @type {any} */ o) => o.err);
  const why = record.stopped ?? last?.text ?? '';
  const verb = record.status === 'failed' ? 'ended with an uncaught exception' : 'stopped: it can never go on';
  return why ? `${verb}: ${why}` : verb;
}

/**
 * Where the page is not cross-origin isolated (an LMS iframe, a host without the headers) no thread can
 * share memory, so runs are the prediction played back. Say so in one sentence, and offer the same state in
 * a tab of its own, where real threads work if the host sends the headers or the service worker adds them.
 */
function showSimulatedNotice() {
  const notice = $('notice');
  const link = /** @type {HTMLAnchorElement} */ (el('a', '', 'Open it in a new tab for real threads.'));
  link.id = 'open-real';
  link.target = '_blank';
  link.rel = 'noopener';
  const refreshLink = () => {
    const url = new URL(location.href);
    url.hash = url.hash.replace(/(^#|&)(embed|autorun)=[^&]*/g, '$1').replace(/&&+/g, '&').replace(/^#&/, '#');
    link.href = url.href;
  };
  refreshLink();
  link.addEventListener('focus', refreshLink);
  link.addEventListener('mouseover', refreshLink);
  // Why (threadlab.js says: not isolated, and why not; or what failed when the engine tried to share memory).
  const why = lab.info()?.simulatedReason;
  notice.replaceChildren(
    el('strong', '', 'Simulated: '),
    `${why}, so its threads can't share memory; each run here is the prediction played back in real time, ` +
      'not a real run. ',
    link,
  );
  notice.hidden = false;
  /** @type {HTMLButtonElement} */ ($('explore')).title = 'The explorer needs real threads: a prediction always prints in one order.';
}

// The lesson shows its first lines beside the program; the rest on demand.
$('lesson-more').addEventListener('click', () => {
  const open = $('lesson').classList.toggle('clamped') === false;
  $('lesson-more').setAttribute('aria-expanded', String(open));
  $('lesson-more').textContent = open ? 'Less of the lesson' : 'The whole lesson';
});

// ---- The programs: tabs of the editor, the form, checked as typed. ----
const playground = createPlayground(lab, {
  changed: () => programsChanged(),
  paramsChanged: () => programsChanged(),
  selectLine: (line) => highlightFromCode(line),
});

/** After any change of the programs: the timelines, predictions, link and controls follow, debounced. */
let changeTimer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
function programsChanged() {
  syncTimelines();
  updateControls();
  clearTimeout(changeTimer);
  changeTimer = setTimeout(() => {
    refresh();
    saveFragment();
    showRust();
  }, 120);
}

/** The programs the explorer offers, as last given to it. */
let explorerModes = '';
/** One timeline per program, in tab order; a program's own timeline stays as long as the program does. */
function syncTimelines() {
  const box = $('timelines');
  const ids = playground.variants.map((v) => v.id);
  for (const [id, t] of timelines) {
    if (!ids.includes(id)) {
      t.root.remove();
      timelines.delete(id);
      drawnFor.delete(id);
      results.delete(id);
    }
  }
  // Nodes move only when the order changed: moving a timeline re-lays out every span it holds.
  let at = programTimeline ? programTimeline.root.nextSibling : box.firstChild;
  if (programTimeline && box.firstChild !== programTimeline.root) box.prepend(programTimeline.root);
  for (const v of playground.variants) {
    let t = timelines.get(v.id);
    if (!t) {
      t = new Timeline(box, { id: v.id, title: v.title }, byThread);
      timelines.set(v.id, t);
    }
    if (t.root !== at) box.insertBefore(t.root, at);
    at = t.root.nextSibling;
  }
  const modes = playground.variants.map((v) => ({ id: v.id, title: v.title }));
  if (JSON.stringify(modes) !== explorerModes) {
    explorerModes = JSON.stringify(modes);
    explorer.setExample({ modes });
  }
  renderComparison();
}

lab.ready.then(
  ({ threads, simulated }) => {
    const info = lab.info();
    status.textContent = simulated
      ? 'Engine ready: simulated playback (see the notice).'
      : `Engine ready in ${Math.round(info?.bootMs ?? 0)} ms: ${threads} worker threads, cross-origin isolated.`;
    if (simulated) showSimulatedNotice();
    const examples = lab.examples();
    // The catalogue grouped by lesson, in the catalogue's order.
    const groups = new Map();
    for (const ex of examples) {
      if (!groups.has(ex.group)) {
        const g = /** @type {HTMLOptGroupElement} */ (el('optgroup'));
        g.label = ex.group;
        groups.set(ex.group, g);
        picker.append(g);
      }
      groups.get(ex.group).append(new Option(ex.title, ex.id));
    }
    // Last, a program of one's own: a small one to start from.
    const own = /** @type {HTMLOptGroupElement} */ (el('optgroup'));
    own.label = 'your own';
    own.append(new Option('A new program of your own', NEW_PROGRAM));
    picker.append(own);
    picker.addEventListener('change', () => {
      // A new example is a new link: the programs a link carried give way to the example's.
      const opened = picker.value === NEW_PROGRAM ? openNew() : openExample(examples.find((e) => e.id === picker.value));
      opened.then(() => saveFragment()).catch((/** @type {Error} */ e) => showError(e.message));
    });
    applyFragment(examples)
      .catch((/** @type {Error} */ e) => showError(e.message))
      .then(() => {
        document.body.dataset.ready = 'true';
      });
    window.addEventListener('hashchange', () => {
      if (location.hash !== written) applyFragment(examples).catch((/** @type {Error} */ e) => showError(e.message));
    });
    // The editor is plain text until CodeMirror loads, after ready: start-up never waits for it.
    playground.editor.upgrade().catch((/** @type {Error} */ e) => {
      $('edited').textContent = `The code editor could not load (${e.message}); this plain one works the same.`;
    });
  },
  (/** @type {Error} */ e) => {
    status.textContent = 'The engine did not start.';
    showError(e.message);
  },
);

/** The picker's value for a new program of one's own. */
const NEW_PROGRAM = '(new)';
/** What a new program starts as: threads that sleep, a parameter, and a join. */
const NEW_SOURCE = `import threading
import time

workers = 3  # param [1..16] Workers: how many threads to start.
delay_s = 0.5  # param [0..10 s] Delay: how long each one sleeps.


def work(n):
    print("worker", n, "starts")
    time.sleep(delay_s)
    print("worker", n, "is done")


threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("all done")
`;

/** Opens a new program of one's own: one tab, no lesson; Reset returns to this start. */
async function openNew() {
  if (lab.running) lab.cancel();
  setExample(null);
  picker.value = NEW_PROGRAM;
  await playground.load({ programs: [{ id: 'program', title: 'Your program', source: NEW_SOURCE, gil: true }], origin: 'new' });
}

/** Shows an example's title and lesson, and opens its modes as programs (values from `params`). @param {any} ex @param {Record<string, unknown>} [params] */
async function openExample(ex, params = {}) {
  if (lab.running) lab.cancel();
  setExample(ex);
  const programs = await Promise.all(
    ex.modes.map(async (/** @type {any} */ m) => {
      const p = await lab.exampleProgram({ example: ex.id, mode: m.id });
      return { id: m.id, title: m.title, source: p.source, gil: p.gil, seed: p.seed, mode: m.id };
    }),
  );
  await playground.load({ programs, origin: 'example', timeScale: String(params.timeScale ?? playground.timeScale ?? 1) });
}

/** The example's title, lesson and picker; an empty page under them. @param {any} ex */
function setExample(ex) {
  example = ex;
  picker.value = ex?.id ?? NEW_PROGRAM;
  $('title').textContent = ex?.title ?? 'Your program';
  $('lesson').textContent = ex?.lesson ?? '';
  $('lesson-box').hidden = !ex;
  $('lesson').classList.add('clamped');
  $('lesson-more').setAttribute('aria-expanded', 'false');
  $('lesson-more').textContent = 'The whole lesson';
  // A lesson that fits in its first lines needs no button.
  requestAnimationFrame(() => ($('lesson-more').hidden = $('lesson').scrollHeight <= $('lesson').clientHeight + 1));
  for (const t of timelines.values()) t.root.remove();
  timelines.clear();
  drawnFor.clear();
  programTimeline?.root.remove();
  programTimeline = null;
  laneColours.clear();
  endings.clear();
  renderEndings();
  log.replaceChildren();
  results.clear();
  recentRuns = [];
  renderHistory();
  quiz.reset();
}

/**
 * Opens the state a link carries: its example or programs, then each of its values, each checked on its
 * own; a bad one is refused with a visible message and keeps its default.
 * @param {any[]} examples
 */
async function applyFragment(examples) {
  const state = readFragment();
  const refusals = [];
  const wanted = state.get('example');
  let ex = wanted == null && state.has('code') ? null : examples.find((e) => e.id === (wanted ?? 'orders'));
  if (wanted != null && !ex) {
    refusals.push(`example: "${wanted}" is not an example id; allowed: one of ${examples.map((e) => e.id).join(', ')}`);
    ex = examples.find((e) => e.id === 'orders') ?? examples[0];
  }
  for (const key of ['embed', 'quiz', 'edit']) {
    if (state.has(key)) switches.set(key, state.get(key));
    else switches.delete(key);
  }
  const readOnly = state.get('edit') === '0';
  let carried = null;
  if (state.has('code')) {
    try {
      carried = await decodePrograms(state.get('code') ?? '');
    } catch (e) {
      refusals.push(`code: the link's programs were refused: ${/** @type {Error} */ (e).message}`);
    }
  }
  if (carried) {
    if (lab.running) lab.cancel();
    setExample(ex ?? null);
    await playground.load({ programs: carried.programs, active: carried.active, origin: 'link', readOnly });
  } else {
    await openExample(ex ?? examples[0]);
    if (readOnly) await playground.load({ programs: playground.variants, origin: 'example', readOnly });
  }
  const mode = state.get('mode');
  if (mode != null) {
    if (playground.variants.some((v) => v.id === mode)) playground.show(mode);
    else refusals.push(`mode: "${mode}" is not a ${example && !carried ? `mode of example "${example.id}"` : "program of this link"}; allowed: one of ${playground.variants.map((v) => v.id).join(', ')}`);
  }
  for (const [name, value] of state) {
    if (['example', 'mode', 'embed', 'autorun', 'code', 'edit', 'quiz'].includes(name)) continue;
    if (name !== 'timeScale' && !playground.variants.some((v) => v.params.some((/** @type {any} */ p) => p.name === name))) {
      refusals.push(`${name}: is not a parameter of ${example && !carried ? `example "${example.id}"` : "this link's programs"}`);
      continue;
    }
    try {
      await playground.setParam(name, value);
    } catch (e) {
      refusals.push(/** @type {Error} */ (e).message);
    }
  }
  // Values given by a link are the starting point: Reset returns to them, the "edited" mark starts clear.
  if (!carried && [...state.keys()].some((k) => !['example', 'mode', 'embed', 'autorun', 'edit', 'quiz', 'timeScale'].includes(k))) {
    await playground.load({ programs: playground.variants, active: playground.active.id, origin: 'example', readOnly });
  }
  if (refusals.length) showError(`This link's values were refused, and their defaults stand:\n${refusals.join('\n')}`);
  else banner.hidden = true;
  document.body.classList.toggle('embed', state.get('embed') === '1');
  quiz.setOn(state.get('quiz') === '1');
  programsChanged();
  await playground.settled();
  if (state.get('autorun') === '1' && !playground.firstProblem() && !lab.running) runButton.click();
}

/** The fragment the page last wrote, so its own `hashchange` is not read back as a new link. */
let written = location.hash;
let saves = 0;
/** Keeps the fragment in step with the programs (replacing, not adding, a history entry). */
async function saveFragment() {
  const generation = ++saves;
  const v = playground.active;
  if (!v) return;
  const q = new URLSearchParams();
  if (example) q.set('example', example.id);
  q.set('mode', v.id);
  q.set('timeScale', String(playground.timeScale));
  let tooLong = null;
  if (playground.codeEdited || playground.origin !== 'example') {
    // Programs typed in travel in the link, compressed.
    let code = '';
    try {
      code = await encodePrograms(playground.variants, v.id);
    } catch (e) {
      // A browser without CompressionStream: the link keeps what it can say without the programs.
      $('share-status').textContent = `Your programs can't be put in a link in this browser: ${/** @type {Error} */ (e).message}`;
    }
    if (generation !== saves) return;
    if (code.length > CODE_LIMIT) tooLong = code.length;
    else if (code) q.set('code', code);
  } else {
    for (const [k, value] of Object.entries(playground.values())) q.set(k, Array.isArray(value) ? value.join(', ') : String(value));
  }
  for (const [k, value] of switches) q.set(k, value);
  const hash = `#${q.toString()}`;
  shareProblem = tooLong
    ? `These programs are too long to share in a link: compressed they take ${tooLong} characters, and a link holds at most ${CODE_LIMIT}. Shorten them (or remove a tab) to share them.`
    : null;
  $('share-status').textContent = shareProblem ?? '';
  written = hash;
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}
/** Why the programs can't be shared now, or null. @type {string | null} */
let shareProblem = null;

/** Copies text, or, where the clipboard is not allowed (some iframes), shows it selected to copy by hand. */
async function copy(/** @type {string} */ text, /** @type {string} */ what) {
  const out = /** @type {HTMLTextAreaElement} */ ($('share-text'));
  out.value = text;
  out.hidden = false;
  try {
    await navigator.clipboard.writeText(text);
    $('share-status').textContent = `${what} copied.`;
  } catch {
    out.select();
    $('share-status').textContent = `Copy the ${what.toLowerCase()} below (the browser did not allow copying it for you).`;
  }
}
/** Writes the link first (it is debounced), then copies it, or says why the programs can't travel. @param {(url: string) => string} make @param {string} what */
async function share(make, what) {
  // The link now, not after the change's debounce (whose redraws run now too).
  clearTimeout(changeTimer);
  refresh();
  showRust();
  await saveFragment();
  if (shareProblem) {
    $('share-status').textContent = shareProblem;
    return;
  }
  await copy(make(location.href), what);
}
$('copy-link').addEventListener('click', () => share((url) => url, 'Link'));
$('copy-embed').addEventListener('click', () => share(embedCode, 'Embed code'));
resetButton.addEventListener('click', () => {
  playground.reset();
  programsChanged();
});

/** The last run that ended, for the downloads. @type {any} */
let lastRecord = null;
/** Saves JSON as a file the browser downloads. @param {any} value @param {string} name */
function download(value, name) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 1)], { type: 'application/json' }));
  const a = /** @type {HTMLAnchorElement} */ (el('a'));
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
const fileName = (/** @type {any} */ r, /** @type {string} */ what) =>
  `threadlab-${r.example || 'program'}${r.mode ? `-${r.mode}` : ''}-${what}.json`;
$('save-trace').addEventListener('click', async () => download(await lab.chromeTrace(lastRecord), fileName(lastRecord, 'trace')));
$('save-record').addEventListener('click', () => download(lastRecord, fileName(lastRecord, 'record')));

let refreshes = 0;
/** Redraws the predictions of the programs that compile, on the shared axis. */
async function refresh() {
  // Only the newest refresh may touch the page: an older one's answers can arrive after it.
  const generation = ++refreshes;
  if (lab.running) return;
  // Only a program whose request changed is predicted and redrawn: drawing a prediction clears the
  // timeline, and a run's bars stay until their program changes (a tab switch changes nothing).
  const variants = playground.variants.filter((v) => v.checked === v.source && v.errors.length === 0);
  const keys = variants.map((v) => drawnKey(playground.request(v)));
  const changed = variants.filter((v, i) => drawnFor.get(v.id)?.key !== keys[i]);
  const predictions = await Promise.all(changed.map((v) => lab.predict(playground.request(v)).catch(() => null)));
  if (generation !== refreshes || lab.running) return;
  predictions.forEach((p, i) => {
    const v = changed[i];
    // A program removed (or replaced) while it was predicted has nothing to draw.
    if (!playground.variants.includes(v)) return;
    timelines.get(v.id)?.showPredicted(p);
    drawnFor.set(v.id, { key: keys[variants.indexOf(v)], prediction: p });
  });
  const shown = variants.map((v) => drawnFor.get(v.id)?.prediction ?? null);
  const first = shown.find((p) => p != null);
  laneColours.clear();
  first?.lanes.forEach((/** @type {any} */ l, /** @type {number} */ i) => laneColours.set(l.id, LANE_COLOURS[i % LANE_COLOURS.length]));
  const longest = Math.max(0, ...shown.map((p) => p?.wallMs ?? 0));
  if (changed.length && longest > 0) setAxis(longest * AXIS_ROOM);
}
/** What each timeline's prediction was drawn for (its program's request) and the prediction. @type {Map<string, {key: string, prediction: any}>} */
const drawnFor = new Map();
/**
 * A tab's request as `drawnFor` keys it: without its label, at the form's time scale (an explorer's run
 * at its own scale counts as drawn for the form's). @param {any} request
 */
function drawnKey(request) {
  const { label: _, ...rest } = request;
  return JSON.stringify({ ...rest, timeScale: playground.timeScale });
}

/** The shown program in Rust: an example's mode with the values written in (a translation of its code as the example writes it). */
async function showRust() {
  const v = playground.active;
  const box = $('code-rust');
  if (!example || !v?.mode || v.edited || playground.origin !== 'example') {
    box.textContent = v?.mode && example
      ? 'Your edits are not translated: the Rust is of the example as written (Reset to see it).'
      : 'This program has no Rust translation: only the examples come with one.';
    return;
  }
  try {
    const code = await lab.code({ example: example.id, mode: v.mode, params: playground.values() });
    if (playground.active === v) box.textContent = code.rust ?? 'This mode has no Rust translation.';
  } catch {
    // Values outside their limits: the form says so; the translation waits for good ones.
  }
}

/** Room past the longest prediction, so that a run a little slower than predicted doesn't rescale. */
const AXIS_ROOM = 1.15;

/** Rescales every timeline: each re-lays all its spans, so it is done rarely, in big steps. */
function setAxis(/** @type {number} */ ms) {
  axisMs = ms;
  for (const t of timelines.values()) t.setAxis(ms);
}

function updateControls() {
  const busy = looping || lab.running || explorer.busy;
  const problem = playground.firstProblem();
  runButton.disabled = problem != null || busy;
  $('run-why').textContent = problem && problem !== 'checking…' ? problem : '';
  stopButton.disabled = !busy;
  resetButton.disabled = !playground.edited;
  playground.renderTabs();
  // A simulated run is the prediction, always in one order: nothing to explore.
  explorer.enable(problem == null && !busy && !lab.info()?.simulated);
}

// Run plays every program in turn, each on its own timeline, all on one time axis.
runButton.addEventListener('click', async () => {
  // One run of the programs at a time: Run stays disabled from the click to the last program's end.
  if (looping) return;
  looping = true;
  updateControls();
  try {
    await runAll();
  } finally {
    looping = false;
    playground.editor.setLineMarks([]);
    updateControls();
  }
});

/** Asks the quiz first if it is on, then runs each program in turn; stops when the programs change. */
async function runAll() {
  if (!(await quiz.beforeRun())) return;
  stopRequested = false;
  banner.hidden = true;
  log.replaceChildren();
  endings.clear();
  renderEndings();
  const generation = playground.generation;
  /** This run's records, by program, for the quiz. @type {Map<string, any>} */
  const records = new Map();
  for (const id of playground.variants.map((v) => v.id)) {
    // Another example, a link, Reset: the programs this run was for are gone.
    if (stopRequested || generation !== playground.generation) return;
    // A program removed meanwhile is not run; one edited meanwhile runs as it is now, if it can.
    const v = playground.variants.find((x) => x.id === id);
    if (!v) continue;
    const problem = playground.firstProblem();
    if (problem) {
      showError(`Run stopped before ${id}: ${problem}`);
      return;
    }
    const request = labelled(v, playground.request(v));
    // The editor follows the program running, so its threads' lines are marked.
    playground.show(v.id);
    try {
      records.set(id, await lab.run(request));
    } catch (e) {
      showError(/** @type {Error} */ (e).message);
      return;
    }
  }
  if (!stopRequested && generation === playground.generation) quiz.afterRun(records);
}

stopButton.addEventListener('click', () => {
  stopRequested = true;
  explorer.stop();
  quiz.cancel();
  lab.cancel();
});

for (const radio of document.querySelectorAll('input[name="grouping"]')) {
  radio.addEventListener('change', (e) => {
    byThread = /** @type {HTMLInputElement} */ (e.target).value === 'thread';
    for (const t of timelines.values()) t.setGrouping(byThread);
    programTimeline?.setGrouping(byThread);
  });
}

/**
 * The program a run belongs to: the page's own runs by their request, a script's run of the example on
 * screen by its mode, and any other program from source on the program's timeline (made on its first run,
 * above the others). Returns its id and timeline.
 * @param {any} request
 * @returns {{id: string, timeline: Timeline | undefined, variant: any}}
 */
function programOf(request) {
  const own = request && ownRuns.get(request);
  if (own) return { id: own.id, timeline: timelines.get(own.id), variant: own };
  if (typeof request?.source === 'string') {
    if (!programTimeline) {
      const box = $('timelines');
      programTimeline = new Timeline(box, { id: PROGRAM, title: 'Your program' }, byThread);
      box.prepend(programTimeline.root);
    }
    return { id: PROGRAM, timeline: programTimeline, variant: null };
  }
  const variant = request?.example === example?.id ? playground.variants.find((v) => v.mode === request.mode) : undefined;
  return { id: variant?.id ?? request?.mode ?? '', timeline: variant && timelines.get(variant.id), variant };
}
/** A timeline by the program id a log line or a timeline carries. @param {string} mode */
const timelineByMode = (mode) => (mode === PROGRAM ? programTimeline ?? undefined : timelines.get(mode));
/** Runs being drawn, by id (an old run may still be ending when a new one starts). @type {Map<number, Timeline | undefined>} */
const drawing = new Map();
/** The program of each run being drawn, for the log's lines and the current-line marks. @type {Map<number, string>} */
const runModes = new Map();
/** Each run's lanes (names and colours by id), for the log: a Python run's lanes come as events. @type {Map<number, {names: Map<string, string>, colours: Map<string, string>}>} */
const runLanes = new Map();

lab.on('start', (/** @type {any} */ s) => {
  const { id: runMode, timeline, variant } = programOf(s.request);
  drawing.set(s.id, timeline);
  runModes.set(s.id, runMode);
  const lanes = s.lanes ?? [];
  runLanes.set(s.id, {
    names: new Map(lanes.map((/** @type {any} */ l) => [l.id, l.name])),
    colours: new Map(lanes.map((/** @type {any} */ l, /** @type {number} */ i) => [l.id, laneColours.get(l.id) ?? LANE_COLOURS[i % LANE_COLOURS.length]])),
  });
  inspector.reset(lanes);
  if (endings.delete(runMode)) renderEndings();
  if (timeline) {
    // A Python run may start without a prediction (too long to predict first): it comes with the record.
    timeline.showPredicted(s.predicted ?? null);
    // The tab's timeline now shows this program's run: no prediction of the same program redraws it.
    if (variant && ownRuns.has(s.request)) drawnFor.set(variant.id, { key: drawnKey(s.request), prediction: s.predicted ?? null });
    const predictedMs = s.predicted?.wallMs ?? 0;
    if (timeline === programTimeline) {
      programAxisMs = Math.max(predictedMs * AXIS_ROOM, 1000);
      timeline.setAxis(programAxisMs);
    } else {
      // A scripted run may be longer than the form's prediction: stretch the shared axis to fit it.
      if (predictedMs * AXIS_ROOM > axisMs) setAxis(predictedMs * AXIS_ROOM);
      timeline.setAxis(axisMs);
    }
    // A run that names no lanes up front (a Python run) brings each as an event.
    timeline.begin(s.t0, s.simulated === true, lanes.length === 0);
  }
  const heading = el('li', 'log-mode', variant?.title ?? (runMode === PROGRAM ? 'Your program' : `${s.request?.example} ${s.request?.mode}`));
  log.append(heading);
  trimLog();
  followLog();
  updateControls();
  if (drawing.size === 1) requestAnimationFrame(frame);
});

/** The log keeps the newest lines only: a page left running examples for an hour must not grow. */
const LOG_LINES = 1000;
function trimLog() {
  for (let extra = log.childElementCount - LOG_LINES; extra > 0; extra--) log.firstElementChild?.remove();
}

lab.on('events', (/** @type {any} */ d) => {
  if (!drawing.has(d.id)) return;
  const timeline = drawing.get(d.id);
  timeline?.apply(d.events);
  const lanes = runLanes.get(d.id);
  if (d.lines?.length) inspector.lines(d.lines);
  // Each live thread's current line, in its lane's colour, when the editor shows the program running.
  if (d.lines?.length && runModes.get(d.id) === playground.active?.id) {
    playground.editor.setLineMarks(
      d.lines.map((/** @type {{lane: string, line: number}} */ l) => ({
        line: l.line,
        colour: timeline?.colours.get(l.lane) ?? lanes?.colours.get(l.lane) ?? 'currentColor',
        label: lanes?.names.get(l.lane) ?? l.lane,
      })),
    );
  }
  let lives = 0;
  for (const ev of d.events) {
    if (ev.e === 'lane') {
      inspector.lane(ev.lane);
      lanes?.names.set(ev.lane.id, ev.lane.name);
      if (lanes && !lanes.colours.has(ev.lane.id)) lanes.colours.set(ev.lane.id, LANE_COLOURS[lanes.colours.size % LANE_COLOURS.length]);
      lives++;
    } else if (ev.e === 'thread') {
      inspector.apply(ev);
      lives++;
    }
  }
  if (lives) inspector.render();
  let printed = false;
  for (const ev of d.events) {
    if (ev.e !== 'print') continue;
    printed = true;
    const line = el('li', ev.err ? 'log-line log-err' : 'log-line');
    line.tabIndex = 0;
    line.dataset.lane = ev.lane;
    line.dataset.t = String(ev.t);
    line.dataset.mode = runModes.get(d.id) ?? '';
    // The program's line that printed it: selecting that line in the editor lights it up, and the reverse.
    if (ev.line != null) line.dataset.line = String(ev.line);
    // The lane's colour as its timeline draws it, and its name (a Python run's lane ids are l0, l1, …).
    const colour = timeline?.colours.get(ev.lane) ?? lanes?.colours.get(ev.lane) ?? laneColours.get(ev.lane);
    line.style.setProperty('--lane-colour', colour || 'currentColor');
    const name = lanes?.names.get(ev.lane) ?? ev.lane;
    const laneName = el('span', 'log-lane', name);
    laneName.title = name;
    line.append(el('span', 'log-time', fmtSeconds(ev.t)), laneName, el('span', 'log-text', ev.text));
    if (ev.err) line.title = 'written to stderr';
    log.append(line);
  }
  if (!printed) return;
  trimLog();
  followLog();
});

/**
 * Keeps the log at its newest line: once a frame at most, among the frame's callbacks (after the timelines
 * have grown their spans). Reading the log's height here, in the task that brought the events, would lay the
 * whole page out a second time that frame.
 */
let following = false;
function followLog() {
  if (following) return;
  following = true;
  requestAnimationFrame(() => {
    following = false;
    log.scrollTop = log.scrollHeight;
  });
}

lab.on('done', (/** @type {any} */ d) => {
  drawing.get(d.id)?.finish(d.record);
  drawing.delete(d.id);
  const runMode = runModes.get(d.id);
  runModes.delete(d.id);
  runLanes.delete(d.id);
  const ending = endingOf(d.record);
  if (ending && runMode != null) {
    endings.set(runMode, ending);
    renderEndings();
  }
  /** @type {HTMLButtonElement} */ ($('save-trace')).disabled = false;
  /** @type {HTMLButtonElement} */ ($('save-record')).disabled = false;
  lastRecord = d.record;
  if (runMode != null && runMode !== PROGRAM && timelines.has(runMode)) {
    // The page's runs are labelled with their example, tab and values; a script's run of an example's mode
    // is shown on that mode's tab.
    const record = { ...d.record, mode: runMode };
    lastRecord = record;
    results.set(runMode, record);
    recentRuns = [record, ...recentRuns].slice(0, HISTORY);
    renderComparison();
    renderHistory();
  }
  if (drawing.size === 0) inspector.end();
  if (runMode === playground.active?.id) playground.editor.setLineMarks([]);
  updateControls();
});

// The open spans grow at the display's rate; the axis stretches if a run outlasts it.
function frame() {
  if (drawing.size === 0) return;
  const now = performance.timeOrigin + performance.now();
  for (const timeline of drawing.values()) {
    const elapsed = timeline?.frame(now) ?? 0;
    // Grow by half at once: re-laying hundreds of spans in every timeline each frame would block the page.
    if (timeline && timeline === programTimeline) {
      if (elapsed > programAxisMs) timeline.setAxis((programAxisMs = elapsed * 1.5));
    } else if (elapsed > axisMs) setAxis(elapsed * 1.5);
  }
  requestAnimationFrame(frame);
}

// ---- Hover and focus: a span or a print mark explains itself. ----
const tip = $('tip');
const timelineBox = $('timelines');
/** @param {Event} e */
function showTip(e) {
  // The span or mark, also when the pointer is over its label.
  const node = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest?.('[data-tip], .mark'));
  if (!node) return;
  const text = node.dataset?.tip ?? (node.classList?.contains('mark') ? node.title : null);
  if (!text) return;
  tip.textContent = text;
  tip.hidden = false;
  const r = node.getBoundingClientRect();
  tip.style.left = `${Math.min(r.left, window.innerWidth - 300)}px`;
  tip.style.top = `${r.bottom + 6}px`;
}
timelineBox.addEventListener('mouseover', showTip);
timelineBox.addEventListener('focusin', showTip);
timelineBox.addEventListener('mouseout', () => (tip.hidden = true));
timelineBox.addEventListener('focusout', () => (tip.hidden = true));

// ---- Output line ↔ span: clicking one highlights the other. ----
function clearHighlights() {
  for (const n of document.querySelectorAll('.highlight')) n.classList.remove('highlight');
  playground.editor.setHighlight(null);
}
/** @param {HTMLElement} line */
function highlightFromLine(line) {
  clearHighlights();
  line.classList.add('highlight');
  const timeline = timelineByMode(line.dataset.mode ?? '');
  if (!timeline) return;
  const t = Number(line.dataset.t);
  const lane = CSS.escape(line.dataset.lane ?? '');
  timeline.root.querySelector(`.mark[data-lane="${lane}"][data-t="${CSS.escape(line.dataset.t ?? '')}"]`)?.classList.add('highlight');
  // The span of that lane going on when it printed, or the one that just ended.
  for (const span of timeline.root.querySelectorAll(`.span.measured[data-lane="${lane}"]`)) {
    if (within(/** @type {HTMLElement} */ (span), t)) span.classList.add('highlight');
  }
  // And the line of the program that printed it, in the editor (shown, if it is another tab's and no run
  // is going).
  const printedBy = Number(line.dataset.line);
  const mode = line.dataset.mode ?? '';
  if (printedBy && timelines.has(mode)) {
    if (mode !== playground.active?.id && !lab.running) playground.show(mode);
    if (mode === playground.active?.id) playground.editor.setHighlight(printedBy);
  }
}
/**
 * Whether a time (ms) falls in a span's time, or at a mark's, give or take half a millisecond (a line
 * printed as its span ends). @param {HTMLElement} node a span or a mark @param {number} t
 */
function within(node, t) {
  const start = Number(node.dataset.t ?? node.dataset.start);
  const end = node.classList.contains('mark') ? start : Number(node.dataset.end ?? Infinity);
  return start - 0.5 <= t && t <= end + 0.5;
}
/** @param {HTMLElement} node a span or a mark */
function highlightFromTimeline(node) {
  clearHighlights();
  node.classList.add('highlight');
  const mode = /** @type {HTMLElement} */ (node.closest('.timeline')).dataset.mode;
  const lane = node.dataset.lane;
  let first = null;
  for (const li of log.querySelectorAll('.log-line')) {
    const line = /** @type {HTMLElement} */ (li);
    if (line.dataset.mode === mode && line.dataset.lane === lane && within(node, Number(line.dataset.t))) {
      line.classList.add('highlight');
      first ??= line;
    }
  }
  first?.scrollIntoView({ block: 'nearest' });
}
/**
 * A line of the program selected in the editor: the spans it made in the shown program's timeline, the
 * lines it printed and the lines printed during its spans light up. @param {number | null} line
 */
function highlightFromCode(line) {
  clearHighlights();
  const id = playground.active?.id;
  const timeline = id && timelines.get(id);
  if (line == null || !timeline) return;
  const spans = [...timeline.root.querySelectorAll(`.span.measured[data-line="${line}"]`)];
  for (const span of spans) span.classList.add('highlight');
  for (const li of log.querySelectorAll('.log-line')) {
    const node = /** @type {HTMLElement} */ (li);
    if (node.dataset.mode !== id) continue;
    if (node.dataset.line === String(line)) {
      node.classList.add('highlight');
      continue;
    }
    const t = Number(node.dataset.t);
    const during = spans.some((s) => /** @type {HTMLElement} */ (s).dataset.lane === node.dataset.lane && within(/** @type {HTMLElement} */ (s), t));
    if (during) node.classList.add('highlight');
  }
}
// Hovering or focusing a span marks the line that made it in the editor, when the editor shows its program.
/** @param {Event} e */
function markLineOf(e) {
  const node = /** @type {HTMLElement} */ (e.target).closest?.('.span');
  const mode = /** @type {HTMLElement | null} */ (node?.closest('.timeline'))?.dataset.mode;
  const line = Number(/** @type {HTMLElement | null} */ (node)?.dataset.line);
  if (node && mode && line) {
    if (mode === playground.active?.id) playground.editor.setHighlight(line);
  }
}
timelineBox.addEventListener('mouseover', markLineOf);
timelineBox.addEventListener('focusin', markLineOf);
timelineBox.addEventListener('mouseout', () => playground.editor.setHighlight(null));
timelineBox.addEventListener('focusout', () => playground.editor.setHighlight(null));

log.addEventListener('click', (e) => {
  const line = /** @type {HTMLElement} */ (e.target).closest('.log-line');
  if (line) highlightFromLine(/** @type {HTMLElement} */ (line));
});
log.addEventListener('keydown', (e) => {
  const line = /** @type {HTMLElement} */ (e.target).closest('.log-line');
  if (line && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    highlightFromLine(/** @type {HTMLElement} */ (line));
  }
});
timelineBox.addEventListener('click', (e) => {
  const node = /** @type {HTMLElement} */ (e.target).closest('.span.measured, .mark');
  if (node) highlightFromTimeline(/** @type {HTMLElement} */ (node));
});
timelineBox.addEventListener('keydown', (e) => {
  const node = /** @type {HTMLElement} */ (e.target).closest('.span.measured');
  if (node && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    highlightFromTimeline(/** @type {HTMLElement} */ (node));
  }
});

// ---- Comparison: each mode against the first, and the recent runs. ----
/** How many workers a mode ran its tasks on: threads started, a pool's max_workers, or 1. @param {any} r */
function workersOf(r) {
  if (typeof r.params?.max_workers === 'number') return r.params.max_workers;
  // The main thread's lane is `main` in a step-engine run, the lane named MainThread in a Python run.
  const threads = r.lanes.filter((/** @type {any} */ l) => l.kind === 'thread' && l.id !== 'main' && l.name !== 'MainThread').length;
  // Without threads of its own, a program's processes are its workers.
  if (threads === 0) return Math.max(1, r.lanes.filter((/** @type {any} */ l) => l.kind === 'process').length);
  return Math.max(1, threads);
}
/** How the tables mark a run that did not complete. @type {Record<string, string>} */
const ENDED = { cancelled: ' (stopped)', failed: ' (failed)', deadlocked: ' (deadlocked)' };
function renderComparison() {
  const body = /** @type {HTMLElement} */ (document.querySelector('#compare tbody'));
  const modes = playground.variants;
  const base = results.get(modes[0]?.id);
  body.replaceChildren(
    ...modes.map((m) => {
      const r = results.get(m.id);
      const tr = el('tr');
      tr.dataset.mode = m.id;
      const done = r && r.status === 'completed';
      const speedup = done && base?.status === 'completed' ? base.wallMs / r.wallMs : null;
      const workers = r ? workersOf(r) : null;
      tr.append(
        el('td', '', m.id),
        el('td', '', r ? `${fmtSeconds(r.wallMs)}${ENDED[r.status] ?? ''}${r.simulated ? ' (simulated)' : ''}` : '—'),
        el('td', '', r && r.predictedMs != null ? fmtSeconds(r.predictedMs) : '—'),
        el('td', 'speedup', speedup ? `${speedup.toFixed(2)}×` : '—'),
        el('td', '', workers ? String(workers) : '—'),
        el('td', 'efficiency', speedup && workers ? speedup / workers >= 0 ? (speedup / workers).toFixed(2) : '—' : '—'),
      );
      return tr;
    }),
  );
}
function renderHistory() {
  const body = /** @type {HTMLElement} */ (document.querySelector('#history tbody'));
  const runs = recentRuns;
  body.replaceChildren(
    ...runs.map((r, i) => {
      const tr = el('tr');
      const params = Object.entries(r.params ?? {})
        .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : v}`)
        .join(' ');
      tr.append(el('td', '', String(i + 1)), el('td', '', r.mode), el('td', 'params', params),
        el('td', '', `${r.timeScale}×`), el('td', '', fmtSeconds(r.wallMs)), el('td', '', r.simulated ? `${r.status}, simulated` : r.status));
      return tr;
    }),
  );
}

// ---- Predict, then run: the learner's answers before the run, beside the run and the prediction after. ----
const quiz = createQuiz({
  program: () => playground.active,
  predict: (v) => lab.predict(playground.request(v)).catch(() => null),
  toggled: (on) => {
    if (on) switches.set('quiz', '1');
    else switches.delete('quiz');
    saveFragment();
  },
});

// ---- Ordering explorer. ----
const explorer = createExplorer(lab, {
  request: (id, timeScale) => {
    const v = playground.variants.find((x) => x.id === id) ?? playground.active;
    return labelled(v, { ...playground.request(v), timeScale });
  },
  busyChanged: () => updateControls(),
});
