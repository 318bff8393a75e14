// @ts-check
// The live thread list: what `threading.enumerate()` would say now, and who has ended.
import { el } from './timeline.js';

export const inspector = {
  /** @type {Map<string, {name: string, alive: boolean, daemon: boolean, end?: string, line?: number}>} */
  rows: new Map(),
  /** The thread each lane runs on (an asyncio task's is its loop's thread), by lane id. @type {Map<string, string>} */
  threadOf: new Map(),
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
    this.threadOf = new Map(lanes.filter((l) => l.thread).map((l) => [l.id, l.thread]));
    const main = lanes.find((l) => l.id === 'main') ?? lanes.find((l) => l.kind === 'thread' && l.name === 'MainThread');
    this.mainKey = main?.id ?? 'main';
    this.mainPending = !main;
    this.rows.set(this.mainKey, { name: main?.thread || 'MainThread', alive: true, daemon: false });
    this.render();
  },
  /** A lane appears or is renamed; the first thread lane (MainThread) takes the main thread's row. @param {any} lane */
  lane(lane) {
    this.names.set(lane.id, lane.name);
    if (lane.thread) this.threadOf.set(lane.id, lane.thread);
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
  /**
   * Where each live thread is now (`[{lane, line}]`, a task's lane while it runs on its thread): the
   * `line now` column, for everyone, screen readers included, that can't see the editor's marks.
   * @param {{lane: string, line: number}[]} lines
   */
  lines(lines) {
    const byRow = new Map();
    for (const { lane, line } of lines) {
      const key = this.rows.has(lane) ? lane : [...this.rows].find(([, r]) => r.name === this.threadOf.get(lane))?.[0];
      if (key != null) byRow.set(key, line);
    }
    let changed = false;
    for (const [key, row] of this.rows) {
      const line = row.alive ? byRow.get(key) : undefined;
      if (row.line !== line) {
        row.line = line;
        changed = true;
      }
    }
    if (changed) this.render();
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
    for (const row of this.rows.values()) {
      row.alive = false;
      row.line = undefined;
    }
    this.render();
  },
  render() {
    const body = /** @type {HTMLElement} */ (document.querySelector('#threads tbody'));
    body.replaceChildren(
      ...[...this.rows.values()].map((r) => {
        const tr = el('tr');
        tr.dataset.alive = String(r.alive);
        tr.append(el('td', '', r.name), el('td', '', r.alive ? 'True' : `False${r.end ? ` (${r.end})` : ''}`), el('td', '', r.daemon ? 'True' : 'False'), el('td', 'line-now', r.line ? `line ${r.line}` : ''));
        return tr;
      }),
    );
    const alive = [...this.rows.values()].filter((r) => r.alive).length;
    /** @type {HTMLElement} */ (document.getElementById('active-count')).textContent = `active_count() = ${alive}`;
  },
};
