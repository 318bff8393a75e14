// @ts-check
// The page: example picker, lesson, form, Run and Stop, a timeline per mode, the output log. It draws what
// `window.threadlab` reports, whoever started the run (this UI, a host page or a script).
import { createThreadLab } from './threadlab.js';
import { Timeline, el, fmtSeconds, LANE_COLOURS } from './timeline.js';

const lab = createThreadLab();
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
/** Lane colours of the example, by lane id, for the log. @type {Map<string, string>} */
const laneColours = new Map();
let formValid = false;
let stopRequested = false;
let axisMs = 1000;

function showError(/** @type {string} */ message) {
  banner.textContent = message;
  banner.hidden = false;
}

lab.on('error', (/** @type {Error} */ e) => showError(e.message));

lab.ready.then(
  ({ threads, crossOriginIsolated }) => {
    const info = lab.info();
    status.textContent =
      `Engine ready: ${threads} worker threads, ${crossOriginIsolated ? 'cross-origin isolated' : 'not isolated'}, ` +
      `pool started in ${Math.round(info?.poolMs ?? 0)} ms.`;
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
    show(examples.find((e) => e.id === 'orders') ?? examples[0]);
  },
  (/** @type {Error} */ e) => {
    status.textContent = 'The engine did not start.';
    showError(e.message);
  },
);

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
  laneColours.clear();
  for (const mode of ex.modes) timelines.set(mode.id, new Timeline(box, mode));
  log.replaceChildren();
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
  } else {
    input = /** @type {HTMLInputElement} */ (el('input'));
    const value = Array.isArray(spec.default) ? spec.default.join(', ') : String(spec.default);
    Object.assign(input, { id, name: spec.name, type: 'text', value, autocomplete: 'off' });
    input.inputMode = spec.type === 'list' ? 'text' : 'decimal';
  }
  input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
  const unit = el('span', 'unit', spec.unit === 'x' ? '×' : spec.unit);
  const limits =
    spec.type === 'number' || spec.type === 'integer'
      ? ` ${spec.min} to ${spec.max}${spec.unit && spec.unit !== 'x' ? ' ' + spec.unit : ''}.`
      : spec.type === 'list'
        ? ` Up to ${spec.maxLen} whole numbers, ${spec.min} to ${spec.max}.`
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
  form.replaceChildren(...fields);
}

/** The request the form describes, values as typed so that refusals quote them. */
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

/** Validates the form, marks bad fields, and redraws the predictions on the shared axis. */
async function refresh() {
  const shown = example;
  const errors = await lab.validate(formRequest(example.modes[0].id));
  if (shown !== example) return;
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
  formValid = errors.length === 0;
  updateControls();
  if (!formValid || lab.running) return;
  const predictions = await Promise.all(example.modes.map((/** @type {any} */ m) => lab.predict(formRequest(m.id))));
  if (shown !== example) return;
  predictions.forEach((p, i) => timelines.get(example.modes[i].id)?.showPredicted(p));
  showCode();
  predictions[0].lanes.forEach((/** @type {any} */ l, /** @type {number} */ i) =>
    laneColours.set(l.id, LANE_COLOURS[i % LANE_COLOURS.length]),
  );
  setAxis(Math.max(...predictions.map((p) => p.wallMs)) * 1.05);
}

/** The program of the chosen mode, in Python and in Rust, from the current parameters. */
async function showCode() {
  const select = /** @type {HTMLSelectElement} */ ($('code-mode'));
  if (select.dataset.example !== example.id) {
    select.replaceChildren(...example.modes.map((/** @type {any} */ m) => new Option(m.title, m.id)));
    select.dataset.example = example.id;
  }
  const shown = example;
  const code = await lab.code(formRequest(select.value));
  if (shown !== example) return;
  $('code-python').textContent = code.python;
  $('code-rust').textContent = code.rust;
}
$('code-mode').addEventListener('change', () => showCode());

function setAxis(/** @type {number} */ ms) {
  axisMs = ms;
  for (const t of timelines.values()) t.setAxis(ms);
}

function updateControls() {
  runButton.disabled = !formValid || lab.running;
  stopButton.disabled = !lab.running;
}

form.addEventListener('input', () => refresh());
form.addEventListener('change', () => refresh());
form.addEventListener('submit', (e) => e.preventDefault());

// Run plays every mode of the example in turn, each on its own timeline, all on one time axis.
runButton.addEventListener('click', async () => {
  stopRequested = false;
  banner.hidden = true;
  log.replaceChildren();
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
  lab.cancel();
});

/** The timeline of a run's mode, if the run belongs to the example on screen. @param {any} request */
const timelineOf = (request) => (request?.example === example?.id ? timelines.get(request.mode) : undefined);
/** Runs being drawn, by id (an old run may still be ending when a new one starts). @type {Map<number, Timeline | undefined>} */
const drawing = new Map();

/** The live thread list: what `threading.enumerate()` would say now, and who has ended. */
const inspector = {
  /** @type {Map<string, {name: string, alive: boolean, daemon: boolean, end?: string}>} */
  rows: new Map(),
  names: new Map(),
  /** @param {any[]} lanes */
  reset(lanes) {
    this.rows.clear();
    this.names = new Map(lanes.map((l) => [l.id, l.name]));
    const main = lanes.find((l) => l.id === 'main');
    this.rows.set('main', { name: main?.thread ?? 'MainThread', alive: true, daemon: false });
    this.render();
  },
  /** @param {any} ev */
  apply(ev) {
    const row = this.rows.get(ev.lane) ?? { name: this.names.get(ev.lane) ?? ev.lane, alive: false, daemon: ev.daemon };
    row.alive = ev.life === 'started';
    row.end = ev.life === 'killed' ? 'killed at exit' : undefined;
    this.rows.set(ev.lane, row);
  },
  end() {
    const main = this.rows.get('main');
    if (main) main.alive = false;
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
  drawing.set(s.id, timeline);
  inspector.reset(s.lanes);
  if (timeline) {
    timeline.showPredicted(s.predicted);
    // A scripted run may be longer than the form's prediction: stretch the shared axis to fit it.
    if (s.predicted.wallMs * 1.05 > axisMs) setAxis(s.predicted.wallMs * 1.05);
    timeline.setAxis(axisMs);
    timeline.begin(s.t0);
  }
  const mode = example?.modes.find((/** @type {any} */ m) => m.id === s.request?.mode);
  const heading = el('li', 'log-mode', mode?.title ?? `${s.request?.example} ${s.request?.mode}`);
  log.append(heading);
  updateControls();
  if (drawing.size === 1) requestAnimationFrame(frame);
});

lab.on('events', (/** @type {any} */ d) => {
  if (!drawing.has(d.id)) return;
  drawing.get(d.id)?.apply(d.events);
  const lives = d.events.filter((/** @type {any} */ ev) => ev.e === 'thread');
  lives.forEach((/** @type {any} */ ev) => inspector.apply(ev));
  if (lives.length) inspector.render();
  for (const ev of d.events) {
    if (ev.e !== 'print') continue;
    const line = el('li', 'log-line');
    line.style.setProperty('--lane-colour', laneColours.get(ev.lane) ?? 'currentColor');
    line.append(el('span', 'log-time', fmtSeconds(ev.t)), el('span', 'log-lane', ev.lane), el('span', 'log-text', ev.text));
    log.append(line);
    log.scrollTop = log.scrollHeight;
  }
});

lab.on('done', (/** @type {any} */ d) => {
  drawing.get(d.id)?.finish(d.record);
  drawing.delete(d.id);
  if (drawing.size === 0) inspector.end();
  updateControls();
});

// The open spans grow at the display's rate; the axis stretches if a run outlasts it.
function frame() {
  if (drawing.size === 0) return;
  const now = performance.timeOrigin + performance.now();
  for (const timeline of drawing.values()) {
    const elapsed = timeline?.frame(now) ?? 0;
    if (elapsed > axisMs) setAxis(elapsed * 1.1);
  }
  requestAnimationFrame(frame);
}
