// @ts-check
// Predict, then run: with the switch on (a teacher's `quiz=1` in the link, or the toggle), Run first asks
// the learner how long the shown program will take and which line it prints first and last; after the
// run the answers stand beside what the run measured and what the prediction said.
import { el, fmtSeconds } from './timeline.js';

/** An answer within this fraction of the measured time counts as right. */
const CLOSE = 0.15;

/**
 * @param {{program: () => any, predict: (program: any) => Promise<any>, toggled: (on: boolean) => void}} hooks
 *   `program`: the program shown (its id and title); `predict`: its prediction (null if it has none);
 *   `toggled`: the learner switched the quiz on or off
 */
export function createQuiz(hooks) {
  const box = /** @type {HTMLElement} */ (document.getElementById('quiz'));
  const toggle = /** @type {HTMLInputElement} */ (document.getElementById('quiz-toggle'));
  let on = false;
  /** Counts the questions asked: one answered late gives way to a newer one. */
  let questions = 0;
  /** The question being asked: its program, the answers, how it ends. @type {{program: any, answers: any, resolve: (go: boolean) => void} | null} */
  let asking = null;
  /** The last answers given, until the run they were for ends. @type {{program: any, seconds: number | null, first: string, last: string, predicted: any} | null} */
  let answered = null;

  toggle.addEventListener('change', () => {
    setOn(toggle.checked);
    hooks.toggled(on);
  });

  /** @param {boolean} value */
  function setOn(value) {
    on = value;
    toggle.checked = value;
    if (!on) {
      cancel();
      box.hidden = true;
    }
  }

  /** The distinct lines a prediction prints, in an order that gives nothing away. @param {any} prediction */
  const choices = (prediction) =>
    [...new Set((prediction?.output ?? []).filter((/** @type {any} */ o) => !o.err).map((/** @type {any} */ o) => o.text))].sort();

  /** @param {string} id @param {string} label @param {string[]} options */
  function select(id, label, options) {
    const wrap = el('label', 'quiz-q', label);
    const s = /** @type {HTMLSelectElement} */ (el('select'));
    s.id = id;
    s.append(new Option('(no answer)', ''), ...options.map((o) => new Option(o, o)));
    wrap.append(s);
    return wrap;
  }

  /**
   * Asks before a run; resolves true to run (answered or skipped), false if the run was called off.
   * @returns {Promise<boolean>}
   */
  async function beforeRun() {
    if (!on) return true;
    cancel();
    const asked = ++questions;
    const program = hooks.program();
    const prediction = await hooks.predict(program);
    // Switched off, or asked again (another Run, another example) while the prediction was made.
    if (!on || asked !== questions) return false;
    const form = /** @type {HTMLFormElement} */ (el('form', 'quiz-form'));
    const time = el('label', 'quiz-q', 'How long will it take, in seconds? ');
    const seconds = /** @type {HTMLInputElement} */ (el('input'));
    Object.assign(seconds, { id: 'quiz-seconds', type: 'text', inputMode: 'decimal', autocomplete: 'off' });
    time.append(seconds);
    const lines = choices(prediction);
    const go = /** @type {HTMLButtonElement} */ (el('button', '', 'Run and see'));
    go.type = 'submit';
    go.id = 'quiz-go';
    const skip = /** @type {HTMLButtonElement} */ (el('button', 'secondary', 'Skip'));
    skip.type = 'button';
    const problem = el('p', 'field-error');
    problem.setAttribute('role', 'alert');
    form.append(heading(program), time);
    if (lines.length > 1) form.append(select('quiz-first', 'Which line does it print first? ', lines), select('quiz-last', 'Which line does it print last? ', lines));
    form.append(problem, el('div', 'quiz-buttons'));
    /** @type {HTMLElement} */ (form.lastElementChild).append(go, skip);
    box.replaceChildren(form);
    box.hidden = false;
    seconds.focus();
    return new Promise((resolve) => {
      asking = { program, answers: null, resolve };
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const text = seconds.value.trim();
        const x = text === '' ? null : Number(text.replace(',', '.'));
        if (x != null && (!Number.isFinite(x) || x < 0 || x > 3600)) {
          problem.textContent = `${text} is not a time; allowed: a number of seconds from 0 to 3600, or nothing.`;
          seconds.setAttribute('aria-invalid', 'true');
          return;
        }
        const value = (/** @type {string} */ id) => /** @type {HTMLSelectElement | null} */ (form.querySelector(`#${id}`))?.value ?? '';
        answered = { program, seconds: x, first: value('quiz-first'), last: value('quiz-last'), predicted: prediction };
        say(`Your answers are in: ${program.title} is running…`);
        asking = null;
        resolve(true);
      });
      skip.addEventListener('click', () => {
        answered = null;
        box.hidden = true;
        asking = null;
        // The button is gone: the keyboard goes back to Run.
        document.getElementById('run')?.focus();
        resolve(true);
      });
    });
  }

  /** After the runs: the answers beside the run and the prediction. @param {Map<string, any>} results */
  function afterRun(results) {
    if (!on || !answered) return;
    const { program, seconds, first, last, predicted } = answered;
    answered = null;
    const record = results.get(program.id);
    if (!record || record.status === 'cancelled') {
      say('The run was stopped: nothing to compare your answers with.');
      return;
    }
    const printed = record.output.filter((/** @type {any} */ o) => !o.err);
    const guessed = predicted?.output?.filter((/** @type {any} */ o) => !o.err) ?? [];
    const table = el('table', 'quiz-table');
    const head = el('tr');
    head.append(el('th', '', ''), el('th', '', 'you said'), el('th', '', 'the run'), el('th', '', 'the prediction'));
    table.append(head);
    const verdict = (/** @type {boolean | null} */ right) => (right == null ? '' : right ? ' ✓ right' : ' ✗ not this time');
    /** @param {string} what @param {string} said @param {string} ran @param {string} guess @param {boolean | null} right */
    const row = (what, said, ran, guess, right) => {
      const tr = el('tr');
      tr.append(el('th', '', what), el('td', right == null ? '' : right ? 'right' : 'wrong', `${said || '(no answer)'}${verdict(right)}`), el('td', '', ran), el('td', '', guess));
      table.append(tr);
    };
    const measured = record.wallMs / 1000 / (record.timeScale || 1);
    row(
      'how long (at time scale 1)',
      seconds == null ? '' : fmtSeconds(seconds * 1000),
      fmtSeconds(measured * 1000),
      record.predictedMs != null ? fmtSeconds(record.predictedMs / (record.timeScale || 1)) : '—',
      seconds == null ? null : Math.abs(seconds - measured) <= CLOSE * Math.max(measured, 0.05),
    );
    const ranFirst = printed[0]?.text ?? '';
    const ranLast = printed.at(-1)?.text ?? '';
    if (first || last || printed.length > 1) {
      row('printed first', first, ranFirst, guessed[0]?.text ?? '—', first ? first === ranFirst : null);
      row('printed last', last, ranLast, guessed.at(-1)?.text ?? '—', last ? last === ranLast : null);
    }
    // Screen readers hear the outcome in a sentence; the table holds the detail.
    const rights = table.querySelectorAll('td.right').length;
    const asked = table.querySelectorAll('td.right, td.wrong').length;
    const summary = el('p', '', asked ? `${rights} of ${asked} answers right.` : 'No answers given.');
    summary.setAttribute('role', 'status');
    box.replaceChildren(heading(program), summary, table);
    box.hidden = false;
  }

  /** The quiz box's heading (its `aria-labelledby`), naming the program asked about. @param {any} program */
  function heading(program) {
    const h = el('h3', '', program ? `Predict, then run: ${program.title}` : 'Predict, then run');
    h.id = 'quiz-heading';
    return h;
  }

  /** A line in the quiz's box under its heading (the run going, or why there is no answer). @param {string} text */
  function say(text) {
    const line = el('p', 'muted', text);
    line.setAttribute('role', 'status');
    line.tabIndex = -1;
    box.replaceChildren(heading(null), line);
    box.hidden = false;
    // The button that was pressed is gone: the keyboard stays in the quiz's box.
    if (box.contains(document.activeElement) || document.activeElement === document.body) line.focus();
  }

  /** Calls off a question being asked, or answers waiting for their run (Stop, a new example). */
  function cancel() {
    questions++;
    if (asking) {
      asking.resolve(false);
      asking = null;
      box.hidden = true;
    }
    if (answered) say('The run was stopped: nothing to compare your answers with.');
    answered = null;
  }

  return {
    setOn,
    get on() {
      return on;
    },
    beforeRun,
    afterRun,
    cancel,
    reset() {
      cancel();
      box.hidden = true;
    },
  };
}
