// @ts-check
// The program's editor. It mounts at once as a plain <textarea>, so start-up never waits for it, and becomes
// CodeMirror 6 when the page calls `upgrade()` (after `threadlab.ready`), which imports the bundle that
// tools/build-editor.mjs makes (www/vendor/codemirror.js). The text, the selection, focus and scroll carry
// over; so do diagnostics, line marks, the highlighted line and read-only, which the editor keeps itself and
// shows again in whichever form it has. If the bundle can't load, the textarea stays and keeps working.
//
// Lines and columns are 1-based and count characters (Unicode code points), as the Rust front end's do; the
// editors count UTF-16 code units, so positions are converted here and nowhere else.
//
// Keyboard: in CodeMirror, Tab indents (the editor is for Python), so Tab alone would trap focus. The way
// out is CodeMirror's own: Escape, then Tab (or Shift-Tab) within two seconds moves focus out; Ctrl-M
// (Shift-Alt-M on macOS) toggles tab-focus mode for good. The hint under the editor says so and is the
// editor's accessible description. A read-only editor doesn't indent, so there Tab leaves at once, as it
// does in the textarea.
//
// Changes made through the API (`setDoc`, `replaceRange`) are *external*: they don't call `onChange`, so a
// parameter field that rewrites a literal doesn't hear its own change back. They are still undoable, and an
// undo by the user is a user edit, so it does call `onChange`.

/** @typedef {typeof import('../tools/editor-entry.mjs')} CodeMirror */
/** @typedef {import('@codemirror/view').EditorView} EditorView */
/** @typedef {import('@codemirror/state').Extension} Extension */

/**
 * A problem with the program, as `threadlab.check` reports it; without an end, the token at the column is
 * marked (or the column itself at the end of a line).
 * @typedef {{line: number, column: number, endLine?: number, endColumn?: number, message: string}} Diagnostic
 */
/** A live thread's current line, in its lane's colour (any CSS colour). @typedef {{line: number, colour: string, label: string}} LineMark */
/**
 * @typedef {object} EditorOptions
 * @property {string} doc the program
 * @property {boolean} [readOnly] not editable (still focusable, selectable and readable)
 * @property {string} [label] the editor's accessible name
 * @property {(doc: string) => void} [onChange] after each edit by the user (debouncing is the caller's)
 * @property {(line: number | null) => void} [onSelectLine] the line the user's cursor moved to; null when the
 *   program was replaced with a fresh history (`setDoc(text, {resetHistory: true})`)
 */
/**
 * @typedef {object} Editor
 * @property {string} doc the program as it stands
 * @property {(text: string, options?: {external?: boolean, resetHistory?: boolean, key?: string}) => void} setDoc
 * @property {() => void} forgetStates forgets the states kept for `setDoc(…, {key})` (new programs)
 * @property {(line: number, column: number, endColumn: number, text: string) => void} replaceRange
 * @property {(diagnostics: Diagnostic[]) => void} setDiagnostics
 * @property {(marks: LineMark[]) => void} setLineMarks
 * @property {(line: number | null) => void} setHighlight
 * @property {(readOnly: boolean) => void} setReadOnly
 * @property {() => void} focus
 * @property {() => Promise<void>} upgrade
 * @property {boolean} upgraded
 * @property {() => void} destroy
 */

// CodeMirror binds tab-focus mode to Ctrl-M, and to Shift-Alt-M on macOS (where Ctrl-M is taken).
const TOGGLE = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? 'Shift-Alt-M' : 'Ctrl-M';
const HINT = `Tab indents. Esc then Tab leaves the editor (${TOGGLE} turns Tab indenting off and on).`;

let nextId = 0;

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

/** The UTF-16 offset of 1-based character `column` in `text`, clamped to the line's end. */
function columnOffset(/** @type {string} */ text, /** @type {number} */ column) {
  let offset = 0;
  let chars = 1;
  for (const ch of text) {
    if (chars >= column) break;
    offset += ch.length;
    chars++;
  }
  return offset;
}

/** Where a replacement of `before` by `after` starts and ends, as one change of the middle that differs, so
 *  a selection outside it keeps its place: `{from, to, insert}` in `before`'s offsets, or null if equal. */
function diff(/** @type {string} */ before, /** @type {string} */ after) {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}

/** A problem as a sentence: `Line 3, column 5: name 'x' is not defined`. */
const describe = (/** @type {Diagnostic} */ d) => `Line ${d.line}, column ${d.column}: ${d.message}`;

/**
 * Mounts an editor at once, as a plain <textarea> (so start-up never waits), that upgrades itself to
 * CodeMirror when `upgrade()` is called (the page calls it after `threadlab.ready`); keeps text, selection,
 * focus and scroll across the upgrade.
 * @param {HTMLElement} parent
 * @param {EditorOptions} options
 * @returns {Editor}
 */
export function mountEditor(parent, { doc, readOnly = false, label = 'Program', onChange, onSelectLine }) {
  const id = `editor-${++nextId}`;
  const root = el('div', 'editor');
  const hint = el('p', 'editor-hint');
  hint.id = `${id}-hint`;
  // The problems as text: shown under the textarea, which can't mark them; read by screen readers (as part of
  // the description) once CodeMirror marks them in the text.
  const problems = el('div', 'editor-problems');
  problems.id = `${id}-problems`;

  const textarea = /** @type {HTMLTextAreaElement} */ (el('textarea', 'editor-textarea'));
  textarea.value = doc;
  textarea.spellcheck = false;
  textarea.wrap = 'off';
  textarea.setAttribute('autocapitalize', 'off');
  textarea.setAttribute('autocomplete', 'off');
  textarea.setAttribute('aria-label', label);
  textarea.setAttribute('aria-describedby', problems.id);
  textarea.readOnly = readOnly;
  root.append(textarea, hint, problems);
  parent.append(root);

  // What the caller last set, kept here so that it survives the upgrade and a fresh state.
  /** @type {Diagnostic[]} */
  let diagnostics = [];
  /** @type {LineMark[]} */
  let marks = [];
  let marksKey = '';
  /** @type {number | null} */
  let highlight = null;
  /** @type {number | null} */
  let reportedLine = null;
  let destroyed = false;

  /** @type {EditorView | null} */
  let view = null;
  /** @type {CodeMirror | null} */
  let cm = null;
  /** @type {Promise<void> | null} */
  let upgrading = null;
  /** @type {((text: string, selection?: {anchor: number, head: number}) => import('@codemirror/state').EditorState) | null} */
  let makeState = null;
  /** The states of the programs set with a `key` (tabs), by key, and the key of the one shown. */
  const states = new Map();
  /** @type {string | null} */
  let stateKey = null;
  /** @type {{readOnly: import('@codemirror/state').Compartment, dark: import('@codemirror/state').Compartment,
   *   external: import('@codemirror/state').AnnotationType<boolean>,
   *   setMarks: import('@codemirror/state').StateEffectType<LineMark[]>,
   *   setHighlight: import('@codemirror/state').StateEffectType<number | null>} | null} */
  let parts = null;
  const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => view && parts && view.dispatch({ effects: parts.dark.reconfigure(cm?.EditorView.darkTheme.of(darkQuery.matches) ?? []) });

  const reportLine = (/** @type {number | null} */ line) => {
    if (line === reportedLine) return;
    reportedLine = line;
    onSelectLine?.(line);
  };

  const showProblems = () => {
    problems.replaceChildren(...diagnostics.map((d) => el('p', 'editor-problem', describe(d))));
    textarea.setAttribute('aria-invalid', String(diagnostics.length > 0));
  };
  const showHint = () => {
    hint.textContent = view && !readOnly ? HINT : '';
    hint.hidden = !hint.textContent;
  };
  showHint();

  // The textarea: edits and cursor moves, as the user makes them.
  const textareaLine = () => textarea.value.slice(0, textarea.selectionEnd).split('\n').length;
  textarea.addEventListener('input', () => {
    onChange?.(textarea.value);
    reportLine(textareaLine());
  });
  // A cursor move is a change of the selection: Tab into the textarea ends with a keyup there too, which
  // moves nothing.
  let seen = '';
  const selectionKey = () => `${textarea.selectionStart},${textarea.selectionEnd}`;
  textarea.addEventListener('focus', () => (seen = selectionKey()));
  for (const type of ['keyup', 'mouseup', 'select']) {
    textarea.addEventListener(type, () => {
      if (selectionKey() === seen) return;
      seen = selectionKey();
      reportLine(textareaLine());
    });
  }

  /** The UTF-16 offset of 1-based `line` and `column` in `text` (both clamped into the text). */
  const offsetIn = (/** @type {string} */ text, /** @type {number} */ line, /** @type {number} */ column) => {
    const lines = text.split('\n');
    const n = Math.min(Math.max(1, line), lines.length);
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    return start + columnOffset(lines[n - 1], column);
  };

  /** The CodeMirror range a diagnostic marks: its own end, or else the token at its column. */
  const toRange = (/** @type {import('@codemirror/state').Text} */ text, /** @type {Diagnostic} */ d) => {
    const line = text.line(Math.min(Math.max(1, d.line), text.lines));
    const from = line.from + columnOffset(line.text, d.column);
    if (d.endLine != null && d.endColumn != null) {
      const end = text.line(Math.min(Math.max(d.line, d.endLine), text.lines));
      return { from, to: Math.max(from, end.from + columnOffset(end.text, d.endColumn)) };
    }
    const token = /^(?:[\p{L}\p{N}_]+|\S)/u.exec(line.text.slice(from - line.from));
    return { from, to: from + (token ? token[0].length : 0) };
  };

  const applyDiagnostics = () => {
    if (!view || !cm) return;
    const text = view.state.doc;
    view.dispatch(cm.setDiagnostics(view.state, diagnostics.map((d) => ({ ...toRange(text, d), severity: 'error', message: d.message }))));
  };

  /** @type {Editor} */
  const editor = {
    get doc() {
      return view ? view.state.doc.toString() : textarea.value;
    },

    setDoc(text, { external = true, resetHistory = false, key } = {}) {
      if (view && makeState && parts && resetHistory && key != null) {
        // A program of its own (a tab): the state it was left in comes back, parsed, with its own undo
        // history and selection, when its text is still the same; switching is then a re-render only.
        if (stateKey != null) states.set(stateKey, view.state);
        stateKey = key;
        const kept = states.get(key);
        if (kept && kept.doc.toString() === text) {
          view.setState(kept);
          view.dispatch({
            effects: [
              parts.setMarks.of(marks),
              parts.setHighlight.of(highlight),
              parts.readOnly.reconfigure(readOnlyExtension(/** @type {CodeMirror} */ (cm), readOnly)),
              parts.dark.reconfigure(/** @type {CodeMirror} */ (cm).EditorView.darkTheme.of(darkQuery.matches)),
            ],
          });
          applyDiagnostics();
          reportLine(null);
          return;
        }
      }
      if (view && makeState && parts) {
        if (resetHistory) {
          const { main } = view.state.selection;
          const clamp = (/** @type {number} */ n) => Math.min(n, text.length);
          view.setState(makeState(text, { anchor: clamp(main.anchor), head: clamp(main.head) }));
          view.dispatch({ effects: [parts.setMarks.of(marks), parts.setHighlight.of(highlight)] });
          applyDiagnostics();
        } else {
          const change = diff(view.state.doc.toString(), text);
          if (change) view.dispatch({ changes: change, annotations: external ? parts.external.of(true) : [] });
        }
      } else {
        const change = diff(textarea.value, text);
        if (change) {
          // Map the selection through the one change, as CodeMirror does.
          const map = (/** @type {number} */ pos) => (pos <= change.from ? pos : pos >= change.to ? pos + change.insert.length - (change.to - change.from) : change.from + change.insert.length);
          const [start, end, direction] = [textarea.selectionStart, textarea.selectionEnd, textarea.selectionDirection];
          textarea.value = text;
          textarea.setSelectionRange(map(start), map(end), direction ?? undefined);
          if (!external) onChange?.(text);
        }
      }
      if (resetHistory) reportLine(null);
    },

    forgetStates() {
      states.clear();
      stateKey = null;
    },

    replaceRange(line, column, endColumn, text) {
      const current = editor.doc;
      const lineCount = current.split('\n').length;
      if (!(line >= 1 && line <= lineCount) || !(column >= 1) || !(endColumn >= column)) {
        throw new RangeError(`replaceRange(${line}, ${column}, ${endColumn}): the program has lines 1 to ${lineCount}, and the columns must be 1 or more, the end not before the start`);
      }
      if (view && parts) {
        const l = view.state.doc.line(line);
        const from = l.from + columnOffset(l.text, column);
        const to = l.from + columnOffset(l.text, endColumn);
        view.dispatch({ changes: { from, to, insert: text }, annotations: parts.external.of(true) });
      } else {
        const from = offsetIn(current, line, column);
        const to = offsetIn(current, line, endColumn);
        textarea.setRangeText(text, from, to, 'preserve');
      }
    },

    setDiagnostics(list) {
      diagnostics = list.map((d) => ({ ...d }));
      showProblems();
      applyDiagnostics();
    },

    setLineMarks(list) {
      // Called every frame of a run: nothing happens unless a mark moved.
      const key = list.map((m) => `${m.line}\u0000${m.colour}\u0000${m.label}`).join('\u0001');
      if (key === marksKey) return;
      marksKey = key;
      marks = list.map((m) => ({ ...m }));
      if (view && parts) view.dispatch({ effects: parts.setMarks.of(marks) });
    },

    setHighlight(line) {
      if (line === highlight) return;
      highlight = line;
      if (view && parts) view.dispatch({ effects: parts.setHighlight.of(line) });
    },

    setReadOnly(value) {
      readOnly = value;
      textarea.readOnly = value;
      if (view && cm && parts) view.dispatch({ effects: parts.readOnly.reconfigure(readOnlyExtension(cm, value)) });
      showHint();
    },

    focus() {
      if (view) view.focus();
      else textarea.focus();
    },

    upgrade() {
      if (view) return Promise.resolve();
      upgrading ??= import('./vendor/codemirror.js').then(
        (/** @type {CodeMirror} */ module) => {
          if (destroyed) return;
          cm = module;
          mountCodeMirror(module);
        },
        (error) => {
          upgrading = null;
          throw error;
        },
      );
      return upgrading;
    },

    get upgraded() {
      return view != null;
    },

    destroy() {
      destroyed = true;
      darkQuery.removeEventListener('change', onScheme);
      view?.destroy();
      root.remove();
    },
  };

  /** Replaces the textarea with CodeMirror, carrying over what the user and the caller set. */
  function mountCodeMirror(/** @type {CodeMirror} */ cm) {
    const external = cm.Annotation.define();
    const readOnlyCompartment = new cm.Compartment();
    const dark = new cm.Compartment();
    /** @type {import('@codemirror/state').StateEffectType<LineMark[]>} */
    const setMarks = cm.StateEffect.define();
    /** @type {import('@codemirror/state').StateEffectType<number | null>} */
    const setHighlight = cm.StateEffect.define();
    parts = { readOnly: readOnlyCompartment, dark, external, setMarks, setHighlight };

    // A live thread's mark in the gutter: one small bar per thread on the line, in its lane's colour. The
    // colour goes in through the CSSOM (`style.setProperty`), which the page's CSP allows.
    class ThreadMarker extends cm.GutterMarker {
      /** @param {LineMark[]} onLine */
      constructor(onLine) {
        super();
        this.onLine = onLine;
        this.key = onLine.map((m) => `${m.colour}\u0000${m.label}`).join('\u0001');
      }
      /** @param {ThreadMarker} other */
      eq(other) {
        return other.key === this.key;
      }
      toDOM() {
        const box = el('span', 'cm-threadMarks');
        box.title = this.onLine.map((m) => m.label).join(', ');
        for (const m of this.onLine) {
          const bar = el('span', 'cm-threadMark');
          bar.style.setProperty('--thread-colour', m.colour);
          box.append(bar);
        }
        return box;
      }
    }

    /** The marks as gutter markers and line decorations, by line. */
    const markSets = (/** @type {import('@codemirror/state').Text} */ text, /** @type {LineMark[]} */ list) => {
      /** @type {Map<number, LineMark[]>} */
      const byLine = new Map();
      for (const m of list) {
        if (!(m.line >= 1 && m.line <= text.lines)) continue;
        const onLine = byLine.get(m.line) ?? [];
        onLine.push(m);
        byLine.set(m.line, onLine);
      }
      const lines = [...byLine.keys()].sort((a, b) => a - b);
      const gutterMarks = lines.map((n) => new ThreadMarker(/** @type {LineMark[]} */ (byLine.get(n))).range(text.line(n).from));
      const lineDecos = lines.map((n) => {
        const first = /** @type {LineMark[]} */ (byLine.get(n))[0];
        return cm.Decoration.line({ class: 'cm-threadLine', attributes: { style: `--thread-colour: ${first.colour}` } }).range(text.line(n).from);
      });
      return { gutter: cm.RangeSet.of(gutterMarks), lines: cm.Decoration.set(lineDecos) };
    };
    const marksField = cm.StateField.define({
      create: (state) => markSets(state.doc, []),
      update(value, tr) {
        for (const e of tr.effects) if (e.is(setMarks)) return markSets(tr.state.doc, e.value);
        return tr.docChanged ? { gutter: value.gutter.map(tr.changes), lines: value.lines.map(tr.changes) } : value;
      },
      provide: (field) => cm.EditorView.decorations.from(field, (v) => v.lines),
    });
    const highlightField = cm.StateField.define({
      create: () => cm.Decoration.none,
      update(value, tr) {
        for (const e of tr.effects) {
          if (!e.is(setHighlight)) continue;
          const n = e.value;
          return n != null && n >= 1 && n <= tr.state.doc.lines
            ? cm.Decoration.set([cm.Decoration.line({ class: 'cm-spanLine' }).range(tr.state.doc.line(n).from)])
            : cm.Decoration.none;
        }
        return value.map(tr.changes);
      },
      provide: (field) => cm.EditorView.decorations.from(field),
    });

    /** @type {Extension[]} */
    // A function, so a fresh state (`setDoc(…, {resetHistory: true})`) starts from the compartments' current
    // values (read-only, dark), not those of the upgrade.
    const extensions = () => [
      cm.lineNumbers(),
      cm.gutter({
        class: 'cm-threadGutter',
        markers: (v) => v.state.field(marksField).gutter,
        // Room for one mark from the start, so the text doesn't shift when a run begins.
        initialSpacer: () => new ThreadMarker([{ line: 1, colour: 'transparent', label: '' }]),
      }),
      cm.lintGutter(),
      cm.highlightSpecialChars(),
      cm.history(),
      cm.drawSelection(),
      cm.pythonLanguage,
      cm.indentUnit.of('    '),
      cm.indentOnInput(),
      cm.bracketMatching(),
      cm.syntaxHighlighting(cm.classHighlighter),
      cm.keymap.of([...cm.defaultKeymap, ...cm.historyKeymap, ...cm.lintKeymap, cm.indentWithTab]),
      readOnlyCompartment.of(readOnlyExtension(cm, readOnly)),
      dark.of(cm.EditorView.darkTheme.of(darkQuery.matches)),
      marksField,
      highlightField,
      cm.EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': `${hint.id} ${problems.id}` }),
      cm.EditorView.updateListener.of((update) => {
        const byUser = update.transactions.filter((tr) => !tr.annotation(external));
        if (byUser.some((tr) => tr.docChanged)) onChange?.(update.state.doc.toString());
        if (byUser.some((tr) => tr.selection || tr.docChanged) && update.view.hasFocus) {
          reportLine(update.state.doc.lineAt(update.state.selection.main.head).number);
        }
      }),
    ];
    makeState = (text, selection) => cm.EditorState.create({ doc: text, selection, extensions: extensions() });

    const backward = textarea.selectionDirection === 'backward';
    const selection = {
      anchor: backward ? textarea.selectionEnd : textarea.selectionStart,
      head: backward ? textarea.selectionStart : textarea.selectionEnd,
    };
    const hadFocus = document.activeElement === textarea;
    const { scrollTop, scrollLeft } = textarea;
    view = new cm.EditorView({ state: makeState(textarea.value, selection) });
    root.replaceChild(view.dom, textarea);
    // After CodeMirror's first measure: set before it, the scroll position is reset by it. The two have the
    // same font and line height, so the same pixels show the same lines.
    const restored = view;
    restored.requestMeasure({
      read: () => null,
      write: () => {
        restored.scrollDOM.scrollTop = scrollTop;
        restored.scrollDOM.scrollLeft = scrollLeft;
      },
    });
    if (hadFocus) view.focus();
    view.dispatch({ effects: [setMarks.of(marks), setHighlight.of(highlight)] });
    applyDiagnostics();
    darkQuery.addEventListener('change', onScheme);
    root.classList.add('upgraded');
    showHint();
  }

  return editor;
}

/** Read-only: no edits (CodeMirror refuses them), but the text stays focusable, selectable and readable,
 *  which `EditorView.editable.of(false)` would not keep. @param {CodeMirror} cm @param {boolean} on */
function readOnlyExtension(cm, on) {
  return on ? [cm.EditorState.readOnly.of(true), cm.EditorView.contentAttributes.of({ 'aria-readonly': 'true' })] : [];
}
