// @ts-check
// The ordering explorer: runs one mode of the example many times at a fast time scale and counts the
// distinct orders its output came in, so that the nondeterminism of threads shows, and the determinism
// of sequential code too.
import { el } from './timeline.js';

/**
 * @param {any} lab the `window.threadlab` API
 * @param {{request: (mode: string, timeScale: number) => any, busyChanged: () => void}} hooks `request`: the
 *   run request of a program at a time scale
 */
export function createExplorer(lab, { request, busyChanged }) {
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const modeSelect = /** @type {HTMLSelectElement} */ ($('explore-mode'));
  const runsInput = /** @type {HTMLInputElement} */ ($('explore-runs'));
  const scaleInput = /** @type {HTMLInputElement} */ ($('explore-scale'));
  const button = /** @type {HTMLButtonElement} */ ($('explore'));
  const status = $('explore-status');
  const box = $('orders');
  let busy = false;
  let stopped = false;

  button.addEventListener('click', async () => {
    const runs = Number(runsInput.value);
    const scale = Number(scaleInput.value);
    if (!Number.isInteger(runs) || runs < 2 || runs > 100) {
      status.textContent = `Runs: ${runsInput.value || '(empty)'} is not allowed; allowed: a whole number from 2 to 100.`;
      return;
    }
    if (!Number.isFinite(scale) || scale < 0.01 || scale > 1) {
      status.textContent = `Time scale: ${scaleInput.value || '(empty)'} is not allowed; allowed: a number from 0.01 to 1.`;
      return;
    }
    const mode = modeSelect.value;
    busy = true;
    stopped = false;
    busyChanged();
    box.replaceChildren();
    /** @type {Map<string, number>} */
    const counts = new Map();
    let done = 0;
    try {
      for (let i = 0; i < runs && !stopped; i++) {
        status.textContent = `Run ${i + 1} of ${runs}…`;
        const record = await lab.run(request(mode, scale));
        // A program that raised still printed in some order (its traceback too); a stopped one did not finish.
        if (record.status === 'cancelled') break;
        const key = record.output.map((/** @type {any} */ l) => l.text).join('\n');
        counts.set(key, (counts.get(key) ?? 0) + 1);
        done++;
      }
    } catch (e) {
      status.textContent = /** @type {Error} */ (e).message;
    } finally {
      busy = false;
      busyChanged();
    }
    render(mode, counts, done);
  });

  /** @param {string} mode @param {Map<string, number>} counts @param {number} done */
  function render(mode, counts, done) {
    box.dataset.distinct = String(counts.size);
    status.textContent =
      `${counts.size} distinct ${counts.size === 1 ? 'order' : 'orders'} in ${done} runs of ${mode}` +
      (counts.size === 1 ? ': the output is the same every time.' : ': the order changes from run to run.');
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    box.replaceChildren(
      ...sorted.map(([key, count], i) => {
        const lines = key.split('\n');
        const details = /** @type {HTMLDetailsElement} */ (el('details', 'order'));
        details.open = i === 0 && sorted.length <= 3;
        details.append(el('summary', '', `${count}× order ${i + 1}: ${lines.slice(0, 3).join(' · ')}${lines.length > 3 ? ' …' : ''}`));
        const list = el('ol');
        list.append(...lines.map((l) => el('li', '', l)));
        details.append(list);
        return details;
      }),
    );
  }

  return {
    get busy() {
      return busy;
    },
    /** @param {any} example */
    setExample(example) {
      modeSelect.replaceChildren(...example.modes.map((/** @type {any} */ m) => new Option(m.title, m.id)));
      box.replaceChildren();
      delete box.dataset.distinct;
      status.textContent = '';
    },
    /** @param {boolean} on */
    enable(on) {
      button.disabled = !on;
    },
    stop() {
      stopped = true;
    },
  };
}
