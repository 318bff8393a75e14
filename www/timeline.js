// @ts-check
// One mode's timeline: a lane per task, spans that grow while they are open, print marks, the predicted run
// drawn faintly behind, and a time axis shared with the other modes' timelines.
//
// Spans are positioned in percent of the axis, so a frame only touches the spans still open; rescaling the
// axis re-lays every span once. Text goes in through textContent only: nothing reaches innerHTML.

/** Colour-blind-safe (Okabe–Ito), one per lane; colour is never the only cue: lanes carry names and spans labels. */
export const LANE_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

/** @param {string} tag @param {string} [cls] @param {string} [text] */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

/** Seconds with as many decimals as the scale needs. */
export function fmtSeconds(/** @type {number} */ ms) {
  const s = ms / 1000;
  return `${s.toFixed(s >= 10 ? 1 : 2)} s`;
}

/** A round tick step (1, 2 or 5 × 10^k ms) giving about six ticks. */
function tickStep(/** @type {number} */ axisMs) {
  const rough = axisMs / 6;
  const p = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= rough) ?? 10 * p;
}

export class Timeline {
  /**
   * @param {HTMLElement} parent
   * @param {{id: string, title: string}} mode
   */
  constructor(parent, mode) {
    this.mode = mode;
    this.axisMs = 1000;
    /** @type {Map<string, {track: HTMLElement, colour: string}>} */
    this.lanes = new Map();
    /** Open spans by id: the element and its start. @type {Map<number, {node: HTMLElement, start: number}>} */
    this.open = new Map();
    /** Every placed item, to re-lay on an axis change. @type {{node: HTMLElement, start: number, end: number | null}[]} */
    this.placed = [];
    this.t0 = 0;

    this.root = el('section', 'timeline');
    this.root.dataset.mode = mode.id;
    const head = el('header', 'timeline-head');
    head.append(el('h3', 'timeline-title', mode.title));
    this.figures = el('p', 'timeline-figures', 'not run yet');
    head.append(this.figures);
    this.body = el('div', 'lanes');
    this.axis = el('div', 'axis');
    this.axis.setAttribute('aria-hidden', 'true');
    this.root.append(head, this.body, this.axis);
    parent.append(this.root);
  }

  /** Lanes from a record or a run's start; the predicted run drawn faintly. @param {any} predicted */
  showPredicted(predicted) {
    this.body.replaceChildren();
    this.lanes.clear();
    this.open.clear();
    this.placed = [];
    predicted.lanes.forEach((/** @type {any} */ lane, /** @type {number} */ i) => {
      const row = el('div', 'lane');
      row.dataset.lane = lane.id;
      const colour = LANE_COLOURS[i % LANE_COLOURS.length];
      row.style.setProperty('--lane-colour', colour);
      const name = el('div', 'lane-name', lane.name);
      name.title = `${lane.kind} on ${lane.thread}`;
      const track = el('div', 'track');
      row.append(name, track);
      this.body.append(row);
      this.lanes.set(lane.id, { track, colour });
    });
    for (const s of predicted.spans) {
      const node = el('div', 'span predicted');
      node.title = `predicted: ${s.label}, ${fmtSeconds(s.startMs)} to ${fmtSeconds(s.endMs)}`;
      this.place(s.lane, node, s.startMs, s.endMs);
    }
    this.predictedMs = predicted.wallMs;
    this.figures.textContent = `predicted ${fmtSeconds(predicted.wallMs)}`;
  }

  /** @param {string} lane @param {HTMLElement} node @param {number} start @param {number | null} end */
  place(lane, node, start, end) {
    const row = this.lanes.get(lane);
    if (!row) return;
    row.track.append(node);
    const item = { node, start, end };
    this.placed.push(item);
    this.lay(item, end ?? start);
  }

  /** @param {{node: HTMLElement, start: number}} item @param {number} end */
  lay(item, end) {
    item.node.style.left = `${(100 * item.start) / this.axisMs}%`;
    if (!item.node.classList.contains('mark')) {
      item.node.style.width = `${(100 * Math.max(0, end - item.start)) / this.axisMs}%`;
    }
  }

  /** Shared by every timeline of the example so their times line up. @param {number} ms */
  setAxis(ms) {
    this.axisMs = Math.max(ms, 1);
    for (const item of this.placed) this.lay(item, item.end ?? item.start);
    const step = tickStep(this.axisMs);
    const ticks = [];
    for (let t = 0; t <= this.axisMs + 1e-9; t += step) {
      const tick = el('span', 'tick', step >= 1000 ? `${Math.round(t / 1000)} s` : `${(t / 1000).toFixed(step >= 100 ? 1 : 2)} s`);
      tick.style.left = `${(100 * t) / this.axisMs}%`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(...ticks);
  }

  /** A real run starts: clear the measured spans, keep the predicted ones. @param {number} t0 */
  begin(t0) {
    this.t0 = t0;
    this.open.clear();
    this.placed = this.placed.filter((p) => {
      if (p.node.classList.contains('predicted')) return true;
      p.node.remove();
      return false;
    });
    this.root.classList.add('running');
    this.figures.textContent = `running… predicted ${fmtSeconds(this.predictedMs ?? 0)}`;
  }

  /** @param {any[]} events */
  apply(events) {
    for (const ev of events) {
      if (ev.e === 'begin') {
        const node = el('div', `span measured kind-${ev.kind}`);
        node.dataset.span = String(ev.span);
        node.tabIndex = 0;
        node.append(el('span', 'span-label', ev.label));
        node.title = `${ev.label}, from ${fmtSeconds(ev.t)}`;
        this.place(ev.lane, node, ev.t, null);
        const item = this.placed[this.placed.length - 1];
        this.open.set(ev.span, { node, start: ev.t, item });
      } else if (ev.e === 'end') {
        const o = this.open.get(ev.span);
        if (o) {
          this.open.delete(ev.span);
          o.item.end = ev.t;
          this.lay(o.item, ev.t);
          o.node.title = `${o.node.textContent}: ${fmtSeconds(o.start)} to ${fmtSeconds(ev.t)} (${fmtSeconds(ev.t - o.start)})`;
        }
      } else if (ev.e === 'print') {
        const mark = el('div', 'mark');
        mark.title = `${fmtSeconds(ev.t)}: ${ev.text}`;
        this.place(ev.lane, mark, ev.t, ev.t);
      }
    }
  }

  /** Grows the open spans to now; returns the run's elapsed ms. @param {number} nowAbs */
  frame(nowAbs) {
    const now = nowAbs - this.t0;
    for (const o of this.open.values()) this.lay(o.item, now);
    return now;
  }

  /** @param {any} record */
  finish(record) {
    this.root.classList.remove('running');
    // Spans a cancelled run left open end where the run ended.
    for (const o of this.open.values()) {
      o.item.end = record.wallMs;
      this.lay(o.item, record.wallMs);
    }
    this.open.clear();
    const gap = record.wallMs - record.predictedMs;
    const status = record.status === 'cancelled' ? 'stopped after' : 'measured';
    this.figures.textContent =
      `${status} ${fmtSeconds(record.wallMs)} · predicted ${fmtSeconds(record.predictedMs)}` +
      (record.status === 'completed' ? ` (${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(0)} ms)` : '');
    this.root.dataset.status = record.status;
  }
}
