// @ts-check
// The playground's program side: the programs to compare (an example's modes, a link's programs, the
// learner's copies) as tabs of one editor, each checked as it is typed (`threadlab.program`), and the
// parameter form generated from what the shown program declares, kept in step with its code both ways.
import { el } from './timeline.js';
import { mountEditor } from './editor.js';
import { MAX_PROGRAMS } from './state.js';

/**
 * One program of the playground.
 * @typedef {{id: string, title: string, source: string, gil: boolean, seed?: number, mode?: string,
 *            base: string | null, edited: boolean,
 *            errors: {line: number, column: number, message: string}[], params: any[], checked: string | null}} Variant
 */

/**
 * What is wrong with a time scale as typed, in the engine's words, or null. @param {string} text
 * @param {{min: number, max: number}} scale the time scale's schema
 */
function timeScaleProblem(text, scale) {
  const x = Number(text.trim());
  const allowed = `allowed: a number from ${scale.min} to ${scale.max}`;
  if (text.trim() === '' || !Number.isFinite(x)) return `is not a number; ${allowed}`;
  if (x < scale.min || x > scale.max) return `is out of range; ${allowed}`;
  return null;
}

/** How long typing must pause before the program is checked. */
const CHECK_DELAY_MS = 250;

/**
 * @param {any} lab the `window.threadlab` API
 * @param {{changed: () => void, paramsChanged: () => void, selectLine: (line: number | null) => void}} hooks
 *   `changed`: a program, the programs or their state changed (redraw predictions, the link, the controls);
 *   `paramsChanged`: only a value changed through the form; `selectLine`: the learner moved to a line
 */
export function createPlayground(lab, hooks) {
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const form = /** @type {HTMLFormElement} */ ($('params'));
  const scaleForm = /** @type {HTMLFormElement} */ ($('scale'));
  const noParams = $('no-params');
  const tabs = $('tabs');
  const addButton = /** @type {HTMLButtonElement} */ ($('add-variant'));
  const removeButton = /** @type {HTMLButtonElement} */ ($('remove-variant'));
  const edited = $('edited');

  /** @type {Variant[]} */
  let variants = [];
  let activeId = '';
  /** What Reset returns to, and what the "edited" mark compares with. @type {{id: string, title: string, source: string, gil: boolean, seed?: number, mode?: string}[]} */
  let base = [];
  /** `example`: the programs are the example's modes; `link`: a link carried them; `new`: a new one. */
  let origin = 'example';
  let readOnly = false;
  /** Counts the times the programs were replaced (a load, Reset): a run of the old ones stops. */
  let generation = 0;
  /** The time scale's field value, kept across form re-renders. */
  let timeScale = '1';
  /** A field's refusal, by name: `{message}` (kept until the field is edited again). @type {Map<string, string>} */
  const fieldErrors = new Map();
  let rendering = false;

  const editor = mountEditor($('code-python'), {
    doc: '',
    label: 'Program',
    onChange: (/** @type {string} */ doc) => {
      const v = active();
      if (!v) return;
      v.source = doc;
      v.edited = true;
      scheduleCheck(v);
      hooks.changed();
    },
    onSelectLine: (/** @type {number | null} */ line) => hooks.selectLine(line),
  });

  const active = () => variants.find((v) => v.id === activeId) ?? variants[0];

  // ---- Checking as you type. ----
  /** A check waiting for typing to pause, per program. @type {Map<Variant, {timer: ReturnType<typeof setTimeout>, done: () => void}>} */
  const waiting = new Map();
  /** Checks waiting or in flight, so `settled()` can wait for them. @type {Set<Promise<void>>} */
  const checks = new Set();
  /** @param {Variant} v */
  function scheduleCheck(v) {
    const before = waiting.get(v);
    if (before) {
      clearTimeout(before.timer);
      before.done();
    }
    let done = () => {};
    const pending = new Promise((resolve) => (done = /** @type {() => void} */ (resolve)));
    checks.add(pending);
    const finish = () => {
      checks.delete(pending);
      done();
    };
    const timer = setTimeout(async () => {
      waiting.delete(v);
      await check(v);
      finish();
    }, CHECK_DELAY_MS);
    waiting.set(v, { timer, done: finish });
  }
  /** @param {Variant} v */
  async function check(v) {
    const source = v.source;
    if (v.checked === source) return;
    /** @type {{errors: any[], params: any[]}} */
    let result;
    try {
      result = await lab.program(source);
    } catch (e) {
      // The engine could not check it (it crashed, say): the program can't run, and says why.
      result = { errors: [{ line: 1, column: 1, message: `the program could not be checked: ${/** @type {Error} */ (e).message}` }], params: [] };
    }
    // An edit made meanwhile has its own check coming.
    if (v.source !== source) return;
    v.errors = result.errors;
    v.params = result.params;
    v.checked = source;
    if (v === active()) {
      editor.setDiagnostics(v.errors);
      syncForm();
    }
    hooks.changed();
  }

  // ---- Tabs. ----
  function renderTabs() {
    const hadFocus = tabs.contains(document.activeElement);
    tabs.replaceChildren(
      ...variants.map((v) => {
        const tab = /** @type {HTMLButtonElement} */ (el('button', 'tab'));
        tab.type = 'button';
        tab.id = `tab-${v.id}`;
        tab.dataset.variant = v.id;
        tab.setAttribute('role', 'tab');
        tab.setAttribute('aria-controls', 'code-python');
        const selected = v.id === activeId;
        tab.setAttribute('aria-selected', String(selected));
        tab.tabIndex = selected ? 0 : -1;
        // A dot marks a program whose code was typed in (or a copy); values set through the form don't.
        const mark = v.edited ? ' •' : '';
        tab.textContent = `${v.id}${mark}`;
        tab.title = `${v.title}${mark ? ' (edited)' : ''}`;
        if (v.errors.length) {
          tab.classList.add('has-errors');
          tab.append(el('span', 'visually-hidden', ' (has errors)'));
        }
        return tab;
      }),
    );
    // Rebuilt tabs keep the keyboard where it was.
    if (hadFocus) /** @type {HTMLElement | null} */ (tabs.querySelector('[aria-selected="true"]'))?.focus();
    $('code-python').setAttribute('aria-labelledby', `tab-${activeId}`);
    addButton.disabled = readOnly || variants.length >= MAX_PROGRAMS;
    addButton.hidden = readOnly;
    removeButton.hidden = readOnly || variants.length <= 1;
    const what = { link: "the link's programs", new: 'the program you started from', example: "the example's programs" }[origin];
    edited.textContent = !sameSet() || variants.some((v) => v.edited && differs(v))
      ? `Edited: this differs from ${what}. Reset goes back to them.`
      : variants.some(differs)
        ? `Values changed from ${what}. Reset goes back to them.`
        : '';
  }
  tabs.addEventListener('click', (e) => {
    const tab = /** @type {HTMLElement} */ (e.target).closest('[role="tab"]');
    if (tab) show(/** @type {HTMLElement} */ (tab).dataset.variant ?? '');
  });
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab leaves the tab list for the editor.
  tabs.addEventListener('keydown', (e) => {
    const i = variants.findIndex((v) => v.id === activeId);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: variants.length - 1 }[e.key];
    if (next == null) return;
    e.preventDefault();
    const v = variants[(next + variants.length) % variants.length];
    show(v.id);
    /** @type {HTMLElement | null} */ (tabs.querySelector(`#tab-${CSS.escape(v.id)}`))?.focus();
  });
  addButton.addEventListener('click', () => {
    const from = active();
    if (!from || variants.length >= MAX_PROGRAMS) return;
    let n = 2;
    const stem = from.id.replace(/-copy(-\d+)?$/, '');
    while (variants.some((v) => v.id === `${stem}-copy${n > 2 ? `-${n - 1}` : ''}`)) n++;
    const id = `${stem}-copy${n > 2 ? `-${n - 1}` : ''}`;
    const copy = { ...from, id, title: `${from.title} (your copy)`, base: null, edited: true, errors: [...from.errors], params: [...from.params] };
    variants.splice(variants.indexOf(from) + 1, 0, copy);
    // A copy made while its original's check waits is checked on its own.
    if (copy.checked !== copy.source) check(copy);
    show(id);
  });
  removeButton.addEventListener('click', () => {
    if (variants.length <= 1) return;
    const i = variants.findIndex((v) => v.id === activeId);
    variants.splice(i, 1);
    show(variants[Math.max(0, i - 1)].id);
    hooks.changed();
  });

  /** Shows one program in the editor. @param {string} id */
  function show(id) {
    const v = variants.find((x) => x.id === id);
    if (!v) return;
    activeId = id;
    // Another program: a history of its own (undo never brings back the other tab's text).
    editor.setDoc(v.source, { resetHistory: true, key: v.id });
    editor.setDiagnostics(v.errors);
    editor.setLineMarks([]);
    renderTabs();
    renderForm();
    hooks.changed();
  }

  /** Whether a program differs from what it opened as. @param {Variant} v */
  const differs = (v) => v.base == null || v.source !== v.base;
  /** Whether the programs are still the ones opened (none added or removed). */
  const sameSet = () =>
    variants.length === base.length && variants.every((v, i) => v.id === base[i].id && v.base != null);

  // ---- The form: the shown program's parameters, and the time scale. ----
  /** A form field from a parameter's schema. @param {any} spec */
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
      Object.assign(input, { id, name: spec.name, type: 'checkbox' });
    } else if (spec.type === 'choice') {
      input = /** @type {HTMLSelectElement} */ (el('select'));
      Object.assign(input, { id, name: spec.name });
      for (const o of spec.options) input.append(new Option(o, o));
    } else {
      input = /** @type {HTMLInputElement} */ (el('input'));
      Object.assign(input, { id, name: spec.name, type: 'text', autocomplete: 'off', spellcheck: false });
      if ((spec.type === 'text' || spec.type === 'url') && spec.maxLen > 0) input.maxLength = spec.maxLen;
      input.inputMode = spec.type === 'url' ? 'url' : spec.type === 'number' || spec.type === 'integer' ? 'decimal' : 'text';
    }
    setValue(input, spec.default);
    input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
    const unit = el('span', 'unit', spec.unit === 'x' ? '×' : spec.unit ?? '');
    const limits =
      spec.type === 'number' || spec.type === 'integer'
        ? ` ${spec.min} to ${spec.max}${spec.unit && spec.unit !== 'x' ? ' ' + spec.unit : ''}.`
        : spec.type === 'list'
          ? ` Up to ${spec.maxLen} numbers, ${spec.min} to ${spec.max}.`
          : (spec.type === 'text' || spec.type === 'url') && spec.maxLen > 0
            ? ` At most ${spec.maxLen} characters.`
            : '';
    const where = spec.line ? ` (line ${spec.line})` : '';
    const help = el('small', 'help', `${spec.help}${limits}${where}`);
    help.id = `${id}-help`;
    const error = el('p', 'field-error');
    error.id = `${id}-error`;
    error.setAttribute('role', 'alert');
    error.hidden = true;
    row.append(label, input, unit, help, error);
    return row;
  }
  /** @param {HTMLInputElement | HTMLSelectElement} input @param {unknown} value */
  function setValue(input, value) {
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = value === true;
    else input.value = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  }
  /** The field's value as typed, so that a refusal quotes it. @param {HTMLInputElement | HTMLSelectElement} input */
  const valueOf = (input) => (input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value);

  function renderForm() {
    const v = active();
    const specs = v?.params ?? [];
    const fields = specs.map(field);
    // Removing a focused, edited field fires its `change` on the way out: not a change of this form.
    rendering = true;
    form.replaceChildren(...fields);
    // The time scale belongs to the run, not to the program: its own form, made once.
    const scale = lab.info()?.timeScale;
    if (scale && !scaleForm.elements.namedItem('timeScale')) scaleForm.replaceChildren(field({ ...scale, name: 'timeScale', default: timeScale }));
    const scaleInput = /** @type {HTMLInputElement | null} */ (scaleForm.elements.namedItem('timeScale'));
    if (scaleInput && document.activeElement !== scaleInput && !fieldErrors.has('timeScale')) scaleInput.value = timeScale;
    rendering = false;
    noParams.hidden = specs.length > 0 || !v;
    form.dataset.key = formKey(specs);
    pruneErrors();
    showFieldErrors();
  }
  /** The declarations as the form shows them (all but the values and where they are). @param {any[]} params */
  const formKey = (params) => JSON.stringify(params.map(({ default: _d, line: _l, ...spec }) => spec));
  /** Refusals of fields no program declares any more go with their fields. */
  function pruneErrors() {
    for (const name of fieldErrors.keys()) {
      if (name !== 'timeScale' && !variants.some((v) => v.params.some((p) => p.name === name))) fieldErrors.delete(name);
    }
  }
  /** After a check: the same parameters get their values from the code, others a new form. */
  function syncForm() {
    const v = active();
    pruneErrors();
    if (formKey(v?.params ?? []) !== form.dataset.key) return renderForm();
    for (const p of v.params) {
      const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(p.name));
      // The field being typed in keeps what is typed.
      if (input && document.activeElement !== input) {
        setValue(input, p.default);
        fieldErrors.delete(p.name);
      }
      const help = document.getElementById(`param-${p.name}-help`);
      if (help) help.textContent = help.textContent?.replace(/ \(line \d+\)$/, ` (line ${p.line})`) ?? '';
    }
    showFieldErrors();
  }
  function showFieldErrors() {
    for (const row of [...form.querySelectorAll('.field'), ...scaleForm.querySelectorAll('.field')]) {
      const name = /** @type {HTMLElement} */ (row).dataset.field ?? '';
      const message = fieldErrors.get(name);
      const box = /** @type {HTMLElement} */ (row.querySelector('.field-error'));
      box.hidden = !message;
      box.textContent = message ?? '';
      row.querySelector('input, select')?.setAttribute('aria-invalid', message ? 'true' : 'false');
    }
  }

  /** A field was edited: its value is written into every program that declares it. @param {Event} e */
  async function fieldEdited(e) {
    if (rendering) return;
    const input = /** @type {HTMLInputElement} */ (e.target);
    const name = input.name;
    if (!name) return;
    const value = valueOf(input);
    if (name === 'timeScale') {
      fieldErrors.delete(name);
      const problem = timeScaleProblem(String(value), lab.info()?.timeScale);
      // Only a good value becomes the runs' time scale; a refused one waits in its field.
      if (problem) fieldErrors.set(name, `${String(value).trim() || '(empty)'} ${problem}.`);
      else timeScale = String(value).trim();
      showFieldErrors();
      hooks.paramsChanged();
      return;
    }
    // A `change` that follows an `input` of the same value (on leaving the field): already written.
    if (e.type === 'change' && lastInput.get(name) === value) return;
    if (e.type === 'input') lastInput.set(name, value);
    try {
      // The field changed again meanwhile: its newest value wins.
      const rewritten = await writeParam(name, value, () => valueOf(input) === value);
      if (!rewritten) return;
      rewritten.forEach(check);
      fieldErrors.delete(name);
      editor.setDoc(active().source);
    } catch (err) {
      const message = /** @type {Error} */ (err).message;
      // `params.name: "value" problem; allowed: …` → the value as typed, then the rest.
      const m = /^[^:]+: .*? ((?:is|has|must) .*)$/.exec(message);
      fieldErrors.set(name, m ? `${String(value).trim() || '(empty)'} ${m[1]}.` : message);
    }
    showFieldErrors();
    renderTabs();
    hooks.paramsChanged();
  }
  /**
   * Writes `value` into every program that declares `name`, one after another, each from its source as it
   * is when its answer comes: code typed meanwhile, or another field's rewrite, is never written over.
   * Resolves to the programs rewritten (to be checked), or null once `wanted()` no longer holds.
   * @param {string} name @param {unknown} value @param {() => boolean} [wanted]
   * @returns {Promise<Variant[] | null>}
   */
  async function writeParam(name, value, wanted = () => true) {
    /** @type {Variant[]} */
    const rewritten = [];
    for (const v of variants.filter((x) => x.params.some((p) => p.name === name))) {
      for (let tries = 0; tries < 3; tries++) {
        const before = v.source;
        const after = await lab.setParam(before, name, value);
        if (!wanted()) return null;
        if (v.source !== before) continue;
        if (after !== before) {
          v.source = after;
          v.checked = null;
          rewritten.push(v);
        }
        break;
      }
    }
    return rewritten;
  }
  /** The last value typed in each field (`input`), so its `change` isn't written twice. @type {Map<string, unknown>} */
  const lastInput = new Map();
  for (const f of [form, scaleForm]) {
    f.addEventListener('input', fieldEdited);
    f.addEventListener('change', fieldEdited);
    f.addEventListener('submit', (e) => e.preventDefault());
  }

  return {
    editor,
    /** The programs, in tab order. */
    get variants() {
      return variants;
    },
    get active() {
      return active();
    },
    get timeScale() {
      return Number(timeScale);
    },
    /**
     * Opens programs: an example's modes or a link's programs. `base` is what Reset returns to (by
     * default the programs themselves).
     * @param {{programs: any[], active?: string, origin: 'example' | 'link' | 'new', base?: any[], timeScale?: string, readOnly?: boolean}} opts
     */
    async load(opts) {
      generation++;
      origin = opts.origin;
      base = (opts.base ?? opts.programs).map((p) => ({ ...p }));
      readOnly = opts.readOnly ?? false;
      if (opts.timeScale != null) timeScale = opts.timeScale;
      fieldErrors.clear();
      variants = opts.programs.map((p) => {
        const b = base.find((x) => x.id === p.id);
        return { ...p, base: b ? b.source : null, edited: !b || b.source !== p.source, errors: [], params: [], checked: null };
      });
      activeId = variants.some((v) => v.id === opts.active) ? /** @type {string} */ (opts.active) : variants[0].id;
      editor.forgetStates();
      editor.setReadOnly(readOnly);
      await Promise.all(variants.map(check));
      show(activeId);
    },
    /** Back to the programs opened (the example's, or the link's), values as written there. */
    reset() {
      generation++;
      variants = base.map((p) => ({ ...p, base: p.source, edited: false, errors: [], params: [], checked: null }));
      fieldErrors.clear();
      editor.forgetStates();
      activeId = variants.some((v) => v.id === activeId) ? activeId : variants[0].id;
      Promise.all(variants.map(check)).then(() => show(activeId));
      show(activeId);
    },
    /** Shows a program (the one running, say). @param {string} id */
    show(id) {
      if (id !== activeId) show(id);
    },
    /** Sets a value in every program that declares it (a link's `name=value`); rejects with the refusal. @param {string} name @param {unknown} value */
    async setParam(name, value) {
      if (name === 'timeScale') {
        const problem = timeScaleProblem(String(value), lab.info()?.timeScale);
        if (problem) throw new Error(`timeScale: ${JSON.stringify(value)} ${problem}`);
        timeScale = String(value);
        renderForm();
        return;
      }
      if (!variants.some((v) => v.params.some((p) => p.name === name))) throw new Error(`${name}: is not a parameter of these programs`);
      const rewritten = (await writeParam(name, value)) ?? [];
      await Promise.all(rewritten.map(check));
      editor.setDoc(active().source);
      renderTabs();
    },
    /** Resolves once every check asked for has answered. */
    async settled() {
      while (checks.size) await Promise.all([...checks]);
    },
    /** The first problem that keeps Run disabled, in words, or null. */
    firstProblem() {
      for (const v of variants) {
        const e = v.errors[0];
        if (e) return `${variants.length > 1 ? `${v.id}: ` : ''}line ${e.line}, column ${e.column}: ${e.message}`;
      }
      for (const [name, message] of fieldErrors) return `${name}: ${message}`;
      if (variants.some((v) => v.checked !== v.source)) return 'checking…';
      return null;
    },
    /** Whether any program differs from what was opened, or programs were added or removed. */
    get edited() {
      return !sameSet() || variants.some(differs);
    },
    /** Whether a program's code was typed in (beyond values set through the form), or programs changed. */
    get codeEdited() {
      return !sameSet() || variants.some((v) => v.edited);
    },
    get origin() {
      return origin;
    },
    /** Changes when the programs are replaced (a load, Reset). */
    get generation() {
      return generation;
    },
    get readOnly() {
      return readOnly;
    },
    /** The values the form holds for the shown program, as written in its code. */
    values() {
      return Object.fromEntries((active()?.params ?? []).map((p) => [p.name, p.default]));
    },
    /** The source request of a program. @param {Variant} v */
    request(v) {
      return { source: v.source, gil: v.gil, timeScale: Number(timeScale), ...(v.seed != null ? { seed: v.seed } : {}) };
    },
    renderTabs,
  };
}
