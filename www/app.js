// @ts-check
// The page: example picker, lesson, form, Run and Stop, a timeline per mode, the output log. It draws what
// `window.threadlab` reports, whoever started the run (this UI, a host page or a script).
import { createThreadLab } from './threadlab.js';
import { Timeline, el, fmtSeconds, LANE_COLOURS } from './timeline.js';
import { createExplorer } from './explorer.js';
import { embedCode, readFragment, writeFragment } from './state.js';
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
const form = /** @type {HTMLFormElement} */ ($('params'));
const runButton = /** @type {HTMLButtonElement} */ ($('run'));
const stopButton = /** @type {HTMLButtonElement} */ ($('stop'));
const log = $('log');

/** @type {any} */
let example = null;
/** @type {Map<string, Timeline>} */
const timelines = new Map();
/** The mode id of programs run from source (`threadlab.run({source})`): their own timeline, above the modes'. */
const PROGRAM = '(program)';
/** The timeline of the last program run from source, with an axis of its own. @type {Timeline | null} */
let programTimeline = null;
let programAxisMs = 1000;
/** Lane colours of the example, by lane id, for the log. @type {Map<string, string>} */
const laneColours = new Map();
let formValid = false;
let stopRequested = false;
let axisMs = 1000;
/** Rows by physical thread rather than by logical task. */
let byThread = false;
/** The last record of each mode, for the comparison. @type {Map<string, any>} */
const results = new Map();
/** The last runs of each example, newest first. @type {Map<string, any[]>} */
const recentRuns = new Map();
const HISTORY = 8;

function showError(/** @type {string} */ message) {
  banner.textContent = message;
  banner.hidden = false;
}

lab.on('error', (/** @type {Error} */ e) => showError(e.message));

/** Why runs ended early (a traceback, a deadlock), one line per mode, in the notice area. @type {Map<string, string>} */
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
/** A mode's title on screen, or the program's. @param {string} mode */
function modeTitle(mode) {
  if (mode === PROGRAM) return 'Your program';
  return example?.modes.find((/** @type {any} */ m) => m.id === mode)?.title ?? mode;
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

lab.ready.then(
  ({ threads, simulated }) => {
    const info = lab.info();
    status.textContent = simulated
      ? 'Engine ready: simulated playback (see the notice).'
      : `Engine ready in ${Math.round(info?.bootMs ?? 0)} ms: ${threads} worker threads, cross-origin isolated.`;
    if (simulated) showSimulatedNotice();
    document.body.dataset.ready = 'true';
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
    picker.addEventListener('change', () => show(examples.find((e) => e.id === picker.value)));
    applyFragment(examples);
    window.addEventListener('hashchange', () => applyFragment(examples));
  },
  (/** @type {Error} */ e) => {
    status.textContent = 'The engine did not start.';
    showError(e.message);
  },
);

/**
 * Opens the state a link carries: its example, then each of its values, each checked on its own; a bad
 * one is refused with a visible message and its field keeps its default.
 * @param {any[]} examples
 */
async function applyFragment(examples) {
  const state = readFragment();
  const wanted = state.get('example');
  const refusals = [];
  let ex = examples.find((e) => e.id === (wanted ?? 'orders'));
  if (!ex) {
    refusals.push(`example: "${wanted}" is not an example id; allowed: one of ${examples.map((e) => e.id).join(', ')}`);
    ex = examples.find((e) => e.id === 'orders') ?? examples[0];
  }
  show(ex);
  const mode = state.get('mode');
  if (mode != null && !ex.modes.some((/** @type {any} */ m) => m.id === mode)) {
    refusals.push(`mode: "${mode}" is not a mode of example "${ex.id}"; allowed: one of ${ex.modes.map((/** @type {any} */ m) => m.id).join(', ')}`);
  } else if (mode != null) {
    /** @type {HTMLSelectElement} */ ($('code-mode')).dataset.want = mode;
  }
  for (const [name, value] of state) {
    if (['example', 'mode', 'embed', 'autorun'].includes(name)) continue;
    const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
    if (!input) {
      refusals.push(`${name}: is not a parameter of example "${ex.id}"`);
      continue;
    }
    const spec = name === 'timeScale' ? {} : ex.params.find((/** @type {any} */ p) => p.name === name);
    const params = name === 'timeScale' ? {} : { [name]: spec?.type === 'bool' ? value === 'true' ? true : value === 'false' ? false : value : value };
    /** @type {any} the value as typed, so that a refusal quotes it */
    const request = { example: ex.id, params, ...(name === 'timeScale' ? { timeScale: value } : {}) };
    const errors = await lab.validate(request);
    if (errors.length) {
      refusals.push(...errors.map((/** @type {any} */ e) => `${e.field}: ${e.value} ${e.problem}; allowed: ${e.allowed}`));
    } else if (input.type === 'checkbox') {
      input.checked = value === 'true';
    } else {
      input.value = value;
    }
  }
  if (refusals.length) showError(`This link's values were refused, and their defaults stand:\n${refusals.join('\n')}`);
  else banner.hidden = true;
  document.body.classList.toggle('embed', state.get('embed') === '1');
  await refresh();
  if (state.get('autorun') === '1' && formValid && !lab.running) runButton.click();
}

/** Keeps the fragment in step with the form (replacing, not adding, a history entry). */
function saveFragment() {
  if (!example) return;
  const request = formRequest(example.modes[0].id);
  const select = /** @type {HTMLSelectElement} */ ($('code-mode'));
  // A link's mode waits in `want` until the code pane has its options.
  // Right after a switch the select still holds the previous example's modes: only one of this example's counts.
  const own = (/** @type {string | undefined} */ m) => (m && example.modes.some((/** @type {any} */ x) => x.id === m) ? m : '');
  const mode = own(select.dataset.want) || own(select.value) || example.modes[0].id;
  const embed = readFragment().get('embed');
  let hash = writeFragment(example.id, mode, String(request.timeScale), request.params);
  if (embed) hash += `&embed=${encodeURIComponent(embed)}`;
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}

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
$('copy-link').addEventListener('click', () => copy(location.href, 'Link'));

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
$('copy-embed').addEventListener('click', () => copy(embedCode(location.href), 'Embed code'));

/** Renders an example: lesson, form, one timeline per mode, an empty log. @param {any} ex */
function show(ex) {
  if (lab.running) lab.cancel();
  example = ex;
  picker.value = ex.id;
  $('title').textContent = ex.title;
  $('lesson').textContent = ex.lesson;
  renderForm(ex);
  const box = $('timelines');
  box.replaceChildren();
  timelines.clear();
  programTimeline = null;
  laneColours.clear();
  endings.clear();
  renderEndings();
  for (const mode of ex.modes) timelines.set(mode.id, new Timeline(box, mode, byThread));
  log.replaceChildren();
  results.clear();
  renderComparison();
  renderHistory();
  explorer.setExample(ex);
  refresh();
}

/** A form field from a parameter's schema: text for numbers and lists, a checkbox, or a select. @param {any} spec */
function field(spec) {
  const id = `param-${spec.name}`;
  const row = el('div', `field field-${spec.type}`);
  row.dataset.field = spec.name;
  const label = el('label', '', spec.label);
  label.setAttribute('for', id);
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let input;
  if (spec.type === 'bool') {
    input = /** @type {HTMLInputElement} */ (el('input'));
    Object.assign(input, { id, name: spec.name, type: 'checkbox', checked: spec.default === true });
  } else if (spec.type === 'choice') {
    input = /** @type {HTMLSelectElement} */ (el('select'));
    Object.assign(input, { id, name: spec.name });
    for (const o of spec.options) input.append(new Option(o, o, o === spec.default, o === spec.default));
  } else if (spec.type === 'text' || spec.type === 'url') {
    // Free text (a name, a message) or a web address: a plain text input, as long as the schema allows.
    input = /** @type {HTMLInputElement} */ (el('input'));
    Object.assign(input, { id, name: spec.name, type: 'text', value: String(spec.default ?? ''), autocomplete: 'off', spellcheck: false });
    if (spec.maxLen > 0) input.maxLength = spec.maxLen;
    input.inputMode = spec.type === 'url' ? 'url' : 'text';
  } else {
    input = /** @type {HTMLInputElement} */ (el('input'));
    const value = Array.isArray(spec.default) ? spec.default.join(', ') : String(spec.default);
    Object.assign(input, { id, name: spec.name, type: 'text', value, autocomplete: 'off' });
    input.inputMode = spec.type === 'list' ? 'text' : 'decimal';
  }
  input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
  const unit = el('span', 'unit', spec.unit === 'x' ? '×' : spec.unit ?? '');
  const limits =
    spec.type === 'number' || spec.type === 'integer'
      ? ` ${spec.min} to ${spec.max}${spec.unit && spec.unit !== 'x' ? ' ' + spec.unit : ''}.`
      : spec.type === 'list'
        ? ` Up to ${spec.maxLen} whole numbers, ${spec.min} to ${spec.max}.`
        : (spec.type === 'text' || spec.type === 'url') && spec.maxLen > 0
          ? ` At most ${spec.maxLen} characters.`
          : '';
  const help = el('small', 'help', `${spec.help}${limits}`);
  help.id = `${id}-help`;
  const error = el('p', 'field-error');
  error.id = `${id}-error`;
  error.setAttribute('role', 'alert');
  error.hidden = true;
  row.append(label, input, unit, help, error);
  return row;
}

/** @param {any} ex */
function renderForm(ex) {
  const fields = ex.params.map((/** @type {any} */ p) => field(p));
  fields.push(field({ ...lab.info()?.timeScale, name: 'timeScale' }));
  // Removing a focused, edited field fires its `change` on the way out: not a change of this form.
  rendering = true;
  form.replaceChildren(...fields);
  rendering = false;
}
let rendering = false;

/** The request the form describes, values as typed so that refusals quote them. @returns {any} */
function formRequest(/** @type {string} */ mode) {
  /** @type {Record<string, string | boolean>} */
  const params = {};
  for (const p of example.params) {
    const input = /** @type {HTMLInputElement} */ (form.elements.namedItem(p.name));
    params[p.name] = p.type === 'bool' ? input.checked : input.value;
  }
  const timeScale = /** @type {HTMLInputElement} */ (form.elements.namedItem('timeScale')).value;
  return { example: example.id, mode, params, timeScale };
}

let refreshes = 0;
/** Validates the form, marks bad fields, and redraws the predictions on the shared axis. */
async function refresh() {
  // Only the newest refresh may touch the page: an older one's answers can arrive after it.
  const generation = ++refreshes;
  const stale = () => generation !== refreshes;
  // One reading of the form for the check and the predictions: it may change while they are awaited.
  const requests = example.modes.map((/** @type {any} */ m) => formRequest(m.id));
  /** @type {{field: string, value: string, problem: string, allowed: string, mode?: string}[]} */
  const errors = await lab.validate(requests[0]);
  // Values are the same for every mode, but a cap may hold for one mode only (processes, say).
  if (!errors.length) {
    const others = await Promise.all(requests.slice(1).map((r) => lab.validate(r)));
    others.forEach((e, i) => errors.push(...e.map((x) => ({ ...x, mode: requests[i + 1].mode }))));
  }
  if (stale()) return;
  for (const row of form.querySelectorAll('.field')) {
    const name = /** @type {HTMLElement} */ (row).dataset.field;
    const err = errors.find((e) => e.field === `params.${name}` || e.field === name);
    const msg = /** @type {HTMLElement} */ (row.querySelector('.field-error'));
    const input = /** @type {HTMLInputElement} */ (row.querySelector('input, select'));
    msg.hidden = !err;
    // The value as typed, not as JSON: `-2 is out of range`, `(empty) is not a number`.
    msg.textContent = err ? `${input.value.trim() || '(empty)'} ${err.problem}; allowed: ${err.allowed}.` : '';
    input.setAttribute('aria-invalid', err ? 'true' : 'false');
  }
  // A refusal of the whole run (a cap: too many processes, too long, too much to download) has no field.
  const fields = new Set([...form.querySelectorAll('.field')].map((r) => /** @type {HTMLElement} */ (r).dataset.field));
  const whole = errors.filter((e) => !fields.has(e.field.replace(/^params\./, '')));
  const formError = $('form-error');
  formError.hidden = whole.length === 0;
  formError.textContent = whole
    .map((e) => `This run is refused${e.mode ? ` (mode ${e.mode})` : ''}: ${e.value} ${e.problem}; allowed: ${e.allowed}.`)
    .join('\n');
  formValid = errors.length === 0;
  updateControls();
  // Values that are each allowed belong in the link, even when together they are over a cap.
  if (errors.length === whole.length) saveFragment();
  if (!formValid || lab.running) return;
  // Another mode may be over a cap where the first is not: then it has no prediction to draw.
  const predictions = await Promise.all(requests.map((r) => lab.predict(r).catch(() => null)));
  if (stale() || predictions.some((p) => p == null)) return;
  predictions.forEach((p, i) => timelines.get(example.modes[i].id)?.showPredicted(p));
  showCode();
  predictions[0].lanes.forEach((/** @type {any} */ l, /** @type {number} */ i) =>
    laneColours.set(l.id, LANE_COLOURS[i % LANE_COLOURS.length]),
  );
  setAxis(Math.max(...predictions.map((p) => p.wallMs)) * AXIS_ROOM);
}

/** The program of the chosen mode, in Python and in Rust, from the current parameters. */
async function showCode() {
  const select = /** @type {HTMLSelectElement} */ ($('code-mode'));
  if (select.dataset.example !== example.id) {
    select.replaceChildren(...example.modes.map((/** @type {any} */ m) => new Option(m.title, m.id)));
    select.dataset.example = example.id;
  }
  if (select.dataset.want) {
    select.value = select.dataset.want;
    delete select.dataset.want;
  }
  const shown = example;
  const code = await lab.code(formRequest(select.value));
  if (shown !== example) return;
  $('code-python').textContent = code.python;
  $('code-rust').textContent = code.rust;
}
$('code-mode').addEventListener('change', () => {
  showCode();
  saveFragment();
});

/** Room past the longest prediction, so that a run a little slower than predicted doesn't rescale. */
const AXIS_ROOM = 1.15;

/** Rescales every timeline: each re-lays all its spans, so it is done rarely, in big steps. */
function setAxis(/** @type {number} */ ms) {
  axisMs = ms;
  for (const t of timelines.values()) t.setAxis(ms);
}

function updateControls() {
  const busy = lab.running || explorer.busy;
  runButton.disabled = !formValid || busy;
  stopButton.disabled = !busy;
  // A simulated run is the prediction, always in one order: nothing to explore.
  explorer.enable(formValid && !busy && !lab.info()?.simulated);
}

form.addEventListener('input', () => rendering || refresh());
form.addEventListener('change', () => rendering || refresh());
form.addEventListener('submit', (e) => e.preventDefault());

// Run plays every mode of the example in turn, each on its own timeline, all on one time axis.
runButton.addEventListener('click', async () => {
  stopRequested = false;
  banner.hidden = true;
  log.replaceChildren();
  endings.clear();
  renderEndings();
  // Every timeline starts again from its prediction, so no bar of an earlier run stays on screen.
  await refresh();
  for (const mode of example.modes) {
    if (stopRequested) break;
    try {
      await lab.run(formRequest(mode.id));
    } catch (e) {
      showError(/** @type {Error} */ (e).message);
      break;
    }
  }
  updateControls();
});

stopButton.addEventListener('click', () => {
  stopRequested = true;
  explorer.stop();
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
 * The timeline of a run's mode, if the run belongs to the example on screen; a program run from source
 * gets the program's timeline (made on its first run, above the modes').
 * @param {any} request
 */
function timelineOf(request) {
  if (typeof request?.source === 'string') {
    if (!programTimeline) {
      const box = $('timelines');
      programTimeline = new Timeline(box, { id: PROGRAM, title: 'Your program' }, byThread);
      box.prepend(programTimeline.root);
    }
    return programTimeline;
  }
  return request?.example === example?.id ? timelines.get(request.mode) : undefined;
}
/** A timeline by the mode id a log line or a timeline carries. @param {string} mode */
const timelineByMode = (mode) => (mode === PROGRAM ? programTimeline ?? undefined : timelines.get(mode));
/** Runs being drawn, by id (an old run may still be ending when a new one starts). @type {Map<number, Timeline | undefined>} */
const drawing = new Map();
/** The mode of each run being drawn, for the log's lines. @type {Map<number, string>} */
const runModes = new Map();
/** Each run's lanes (names and colours by id), for the log: a Python run's lanes come as events. @type {Map<number, {names: Map<string, string>, colours: Map<string, string>}>} */
const runLanes = new Map();

/** The live thread list: what `threading.enumerate()` would say now, and who has ended. */
const inspector = {
  /** @type {Map<string, {name: string, alive: boolean, daemon: boolean, end?: string}>} */
  rows: new Map(),
  /** @type {Map<string, string>} */
  names: new Map(),
  /** The row key of the main thread: a step-engine run's lane `main`, a Python run's lane named MainThread. */
  mainKey: 'main',
  /** Whether the main thread's row still waits for its lane (a Python run's lanes come as events). */
  mainPending: false,
  /** @param {any[]} lanes */
  reset(lanes) {
    this.rows.clear();
    this.names = new Map(lanes.map((l) => [l.id, l.name]));
    const main = lanes.find((l) => l.id === 'main') ?? lanes.find((l) => l.kind === 'thread' && l.name === 'MainThread');
    this.mainKey = main?.id ?? 'main';
    this.mainPending = !main;
    this.rows.set(this.mainKey, { name: main?.thread || 'MainThread', alive: true, daemon: false });
    this.render();
  },
  /** A lane appears or is renamed; the first thread lane (MainThread) takes the main thread's row. @param {any} lane */
  lane(lane) {
    this.names.set(lane.id, lane.name);
    if (this.mainPending && lane.kind === 'thread') {
      const row = this.rows.get(this.mainKey);
      this.rows.delete(this.mainKey);
      this.mainKey = lane.id;
      this.mainPending = false;
      if (row) this.rows.set(lane.id, { ...row, name: lane.name });
    } else {
      const row = this.rows.get(lane.id);
      if (row) row.name = lane.name;
    }
  },
  /** @param {any} ev */
  apply(ev) {
    /** @type {{name: string, alive: boolean, daemon: boolean, end?: string}} */
    const row = this.rows.get(ev.lane) ?? { name: this.names.get(ev.lane) ?? ev.lane, alive: false, daemon: ev.daemon };
    row.alive = ev.life === 'started';
    row.end = ev.life === 'killed' ? 'killed at exit' : ev.life === 'raised' ? 'raised an exception' : undefined;
    this.rows.set(ev.lane, row);
  },
  end() {
    for (const row of this.rows.values()) row.alive = false;
    this.render();
  },
  render() {
    const body = /** @type {HTMLElement} */ (document.querySelector('#threads tbody'));
    body.replaceChildren(
      ...[...this.rows.values()].map((r) => {
        const tr = el('tr');
        tr.dataset.alive = String(r.alive);
        tr.append(el('td', '', r.name), el('td', '', r.alive ? 'True' : `False${r.end ? ` (${r.end})` : ''}`), el('td', '', r.daemon ? 'True' : 'False'));
        return tr;
      }),
    );
    const alive = [...this.rows.values()].filter((r) => r.alive).length;
    $('active-count').textContent = `active_count() = ${alive}`;
  },
};

lab.on('start', (/** @type {any} */ s) => {
  const timeline = timelineOf(s.request);
  const source = typeof s.request?.source === 'string';
  const runMode = source ? PROGRAM : s.request?.mode ?? '';
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
  const mode = example?.modes.find((/** @type {any} */ m) => m.id === s.request?.mode);
  const heading = el('li', 'log-mode', source ? 'Your program' : mode?.title ?? `${s.request?.example} ${s.request?.mode}`);
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
  lastRecord = d.record;
  /** @type {HTMLButtonElement} */ ($('save-trace')).disabled = false;
  /** @type {HTMLButtonElement} */ ($('save-record')).disabled = false;
  if (d.record.example === example?.id) {
    results.set(d.record.mode, d.record);
    const runs = recentRuns.get(example.id) ?? [];
    runs.unshift(d.record);
    recentRuns.set(example.id, runs.slice(0, HISTORY));
    renderComparison();
    renderHistory();
  }
  if (drawing.size === 0) inspector.end();
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
  const node = /** @type {HTMLElement} */ (e.target);
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
    const node = /** @type {HTMLElement} */ (span);
    const start = Number(node.dataset.start);
    const end = Number(node.dataset.end ?? Infinity);
    if (start - 0.5 <= t && t <= end + 0.5) node.classList.add('highlight');
  }
}
/** @param {HTMLElement} node a span or a mark */
function highlightFromTimeline(node) {
  clearHighlights();
  node.classList.add('highlight');
  const mode = /** @type {HTMLElement} */ (node.closest('.timeline')).dataset.mode;
  const lane = node.dataset.lane;
  const start = Number(node.dataset.t ?? node.dataset.start);
  const end = node.classList.contains('mark') ? start : Number(node.dataset.end ?? Infinity);
  let first = null;
  for (const li of log.querySelectorAll('.log-line')) {
    const line = /** @type {HTMLElement} */ (li);
    const t = Number(line.dataset.t);
    if (line.dataset.mode === mode && line.dataset.lane === lane && start - 0.5 <= t && t <= end + 0.5) {
      line.classList.add('highlight');
      first ??= line;
    }
  }
  first?.scrollIntoView({ block: 'nearest' });
}
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
  if (!example) return;
  const base = results.get(example.modes[0].id);
  body.replaceChildren(
    ...example.modes.map((/** @type {any} */ m) => {
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
  const runs = (example && recentRuns.get(example.id)) ?? [];
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

// ---- Ordering explorer. ----
const explorer = createExplorer(lab, {
  request: (mode) => formRequest(mode),
  busyChanged: () => updateControls(),
});
