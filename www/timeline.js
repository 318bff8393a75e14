// @ts-check
// One mode's timeline: rows of spans that grow while they are open, print marks, the predicted run drawn
// faintly behind, a queue-depth track where the program uses a queue, and a time axis shared with the other
// modes' timelines. Rows are either logical tasks (one per lane) or physical threads (lanes that run on the
// same thread share a row, so asyncio's tasks all land on MainThread).
//
// Spans are positioned in percent of the axis, so a frame only touches the spans still open; rescaling the
// axis re-lays every span once. Text goes in through textContent only: nothing reaches innerHTML.

/** Colour-blind-safe (Okabe–Ito), one per lane; colour is never the only cue: rows carry names, spans
 *  carry labels and a pattern per kind. */
export const LANE_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

/** What each span kind means, for labels and the legend. */
export const KIND_NAMES = {
  start: 'starting',
  sleep: 'sleeping',
  io: 'waiting on the network',
  compute: 'computing',
  'wait-join': 'waiting for another thread',
  'wait-queue': 'waiting on a queue',
  'wait-gil': 'waiting for the GIL',
  gil: 'holding the GIL',
};

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
  return `${s.toFixed(s >= 10 ? 1 : s >= 1 ? 2 : 3)} s`;
}

/** A round tick step (1, 2 or 5 × 10^k ms) giving about six ticks. */
function tickStep(/** @type {number} */ axisMs) {
  const rough = axisMs / 6;
  const p = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= rough) ?? 10 * p;
}

/**
 * @typedef {{id: string, name: string, kind: string, thread: string}} Lane
 * @typedef {{node: HTMLElement, lane: string, start: number, end: number | null}} Placed
 */

export class Timeline {
  /**
   * @param {HTMLElement} parent
   * @param {{id: string, title: string}} mode
   * @param {boolean} byThread rows by physical thread rather than by logical task
   */
  constructor(parent, mode, byThread) {
    this.mode = mode;
    this.byThread = byThread;
    this.axisMs = 1000;
    /** @type {Lane[]} */
    this.lanes = [];
    /** Row track by row key. @type {Map<string, HTMLElement>} */
    this.tracks = new Map();
    /** @type {Map<string, string>} */
    this.colours = new Map();
    /** Open spans by id. @type {Map<number, Placed>} */
    this.open = new Map();
    /** Every placed item, to re-lay on an axis change and re-home on a regrouping. @type {Placed[]} */
    this.placed = [];
    /** @type {{atMs: number, depth: number}[]} */
    this.depth = [];
    this.t0 = 0;
    this.predictedMs = 0;
    this.simulated = false;

    this.root = el('section', 'timeline');
    this.root.dataset.mode = mode.id;
    const head = el('header', 'timeline-head');
    head.append(el('h3', 'timeline-title', mode.title));
    this.figures = el('p', 'timeline-figures', 'not run yet');
    head.append(this.figures);
    this.body = el('div', 'lanes');
    this.queueRow = el('div', 'lane queue-row');
    this.queueRow.hidden = true;
    this.axis = el('div', 'axis');
    this.axis.setAttribute('aria-hidden', 'true');
    this.root.append(head, this.body, this.queueRow, this.axis);
    parent.append(this.root);
  }

  /** The row a lane is drawn in. @param {string} laneId */
  rowKey(laneId) {
    const lane = this.lanes.find((l) => l.id === laneId);
    if (!lane || !this.byThread || lane.kind === 'gil') return laneId;
    return `thread:${lane.thread || lane.id}`;
  }

  /** Builds the rows for the current grouping and moves every placed item into its row. */
  buildRows() {
    this.body.replaceChildren();
    this.tracks.clear();
    for (const lane of this.lanes) {
      const key = this.rowKey(lane.id);
      if (this.tracks.has(key)) continue;
      const row = el('div', `lane lane-${lane.kind}`);
      row.dataset.lane = key;
      row.style.setProperty('--lane-colour', this.byThread && key.startsWith('thread:') ? 'var(--fg)' : this.colours.get(lane.id) ?? '');
      const label = this.byThread && key.startsWith('thread:') ? lane.thread : lane.name;
      const name = el('div', 'lane-name', label);
      name.title = this.byThread ? `thread ${label}` : `${lane.kind} on ${lane.thread || '—'}`;
      const track = el('div', 'track');
      track.setAttribute('role', 'list');
      track.setAttribute('aria-label', `${label}: spans`);
      row.append(name, track);
      this.body.append(row);
      this.tracks.set(key, track);
    }
    for (const item of this.placed) this.tracks.get(this.rowKey(item.lane))?.append(item.node);
    this.root.classList.toggle('by-thread', this.byThread);
  }

  /** @param {boolean} byThread */
  setGrouping(byThread) {
    this.byThread = byThread;
    this.buildRows();
  }

  /** Lanes from a prediction; the predicted spans drawn faintly; no measured spans. @param {any} predicted */
  showPredicted(predicted) {
    this.lanes = predicted.lanes;
    this.colours = new Map(this.lanes.map((l, i) => [l.id, LANE_COLOURS[i % LANE_COLOURS.length]]));
    this.open.clear();
    this.placed = [];
    this.depth = [];
    this.buildRows();
    for (const s of predicted.spans) {
      const node = el('div', `span predicted kind-${s.kind}`);
      node.setAttribute('aria-hidden', 'true');
      node.title = `predicted: ${s.label}, ${fmtSeconds(s.startMs)} to ${fmtSeconds(s.endMs)}`;
      this.place(s.lane, node, s.startMs, s.endMs);
    }
    this.predictedMs = predicted.wallMs;
    this.queueRow.hidden = predicted.queueDepth.length === 0;
    this.drawDepth();
    const never = predicted.status === 'deadlocked' ? ' (then waits forever)' : '';
    this.figures.textContent = `predicted ${fmtSeconds(predicted.wallMs)}${never}`;
    delete this.root.dataset.status;
  }

  /** @param {string} lane @param {HTMLElement} node @param {number} start @param {number | null} end */
  place(lane, node, start, end) {
    node.style.setProperty('--lane-colour', this.colours.get(lane) ?? '');
    node.dataset.lane = lane;
    const item = { node, lane, start, end };
    this.placed.push(item);
    this.tracks.get(this.rowKey(lane))?.append(node);
    this.lay(item, end ?? start);
    return item;
  }

  /** @param {Placed} item @param {number} end */
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
      const digits = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
      const tick = el('span', 'tick', `${(t / 1000).toFixed(digits)} s`);
      tick.style.left = `${(100 * t) / this.axisMs}%`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(...ticks);
    this.drawDepth();
  }

  /** The queue-depth track: a step chart in an SVG stretched over the axis. */
  drawDepth() {
    if (this.queueRow.hidden) return;
    const max = Math.max(1, ...this.depth.map((d) => d.depth));
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${this.axisMs} ${max}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    let d = `M0 ${max}`;
    let level = 0;
    for (const s of this.depth) {
      d += ` H${s.atMs} V${max - s.depth}`;
      level = s.depth;
    }
    const end = this.depth.length ? Math.max(this.depth[this.depth.length - 1].atMs, this.lastNow ?? 0) : 0;
    d += ` H${end} V${max} Z`;
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
    const name = el('div', 'lane-name', `queue: ${level}`);
    name.title = `q.qsize() over time (at most ${max})`;
    const track = el('div', 'track depth');
    track.append(svg);
    this.queueRow.replaceChildren(name, track);
  }

  /**
   * A run starts: clear the measured spans, keep the predicted ones. A simulated run (no cross-origin
   * isolation) is the prediction played back, and says so.
   * @param {number} t0 @param {boolean} [simulated]
   */
  begin(t0, simulated = false) {
    this.t0 = t0;
    this.simulated = simulated;
    this.root.classList.toggle('simulated', simulated);
    this.open.clear();
    this.depth = [];
    this.placed = this.placed.filter((p) => {
      if (p.node.classList.contains('predicted')) return true;
      p.node.remove();
      return false;
    });
    this.root.classList.add('running');
    delete this.root.dataset.status;
    this.figures.textContent = simulated
      ? `simulated: playing the prediction, ${fmtSeconds(this.predictedMs)}…`
      : `running… predicted ${fmtSeconds(this.predictedMs)}`;
  }

  /** @param {any[]} events */
  apply(events) {
    let depthChanged = false;
    for (const ev of events) {
      if (ev.e === 'begin') {
        const node = el('div', `span measured kind-${ev.kind}`);
        node.dataset.span = String(ev.span);
        node.dataset.label = ev.label;
        node.dataset.start = String(ev.t);
        node.tabIndex = 0;
        node.setAttribute('role', 'listitem');
        node.append(el('span', 'span-label', ev.label));
        const item = this.place(ev.lane, node, ev.t, null);
        this.open.set(ev.span, item);
        this.describe(item);
      } else if (ev.e === 'end') {
        const item = this.open.get(ev.span);
        if (item) {
          this.open.delete(ev.span);
          item.end = ev.t;
          this.lay(item, ev.t);
          this.describe(item);
        }
      } else if (ev.e === 'print') {
        const mark = el('div', 'mark');
        mark.dataset.t = String(ev.t);
        mark.dataset.text = ev.text;
        mark.title = `${fmtSeconds(ev.t)}: printed "${ev.text}"`;
        this.place(ev.lane, mark, ev.t, ev.t);
      } else if (ev.e === 'thread' && ev.life === 'raised') {
        // A task that failed: a red mark where it raised, on its lane.
        const mark = el('div', 'mark raised');
        mark.dataset.t = String(ev.t);
        mark.title = `${fmtSeconds(ev.t)}: raised an exception and ended`;
        this.place(ev.lane, mark, ev.t, ev.t);
      } else if (ev.e === 'depth') {
        this.depth.push({ atMs: ev.t, depth: ev.depth });
        depthChanged = true;
      }
    }
    if (depthChanged) this.drawDepth();
  }

  /** The words a hover or focus shows: label, kind, start, end, duration. @param {Placed} item */
  describe(item) {
    const { node, start, end } = item;
    const kind = KIND_NAMES[/** @type {keyof KIND_NAMES} */ (node.className.match(/kind-([\w-]+)/)?.[1] ?? '')] ?? '';
    const lane = this.lanes.find((l) => l.id === item.lane)?.name ?? item.lane;
    const text =
      end == null
        ? `${lane}: ${node.dataset.label} (${kind}), from ${fmtSeconds(start)}, still going`
        : `${lane}: ${node.dataset.label} (${kind}), ${fmtSeconds(start)} to ${fmtSeconds(end)}, ${fmtSeconds(end - start)}`;
    node.dataset.tip = text;
    if (end != null) node.dataset.end = String(end);
    node.setAttribute('aria-label', text);
  }

  /** Grows the open spans to now; returns the run's elapsed ms. @param {number} nowAbs */
  frame(nowAbs) {
    const now = nowAbs - this.t0;
    for (const item of this.open.values()) this.lay(item, now);
    this.lastNow = now;
    return now;
  }

  /** @param {any} record */
  finish(record) {
    this.root.classList.remove('running');
    // Spans a cancelled run left open end where the run ended.
    for (const item of this.open.values()) {
      item.end = record.wallMs;
      this.lay(item, record.wallMs);
      this.describe(item);
    }
    this.open.clear();
    this.lastNow = record.wallMs;
    this.drawDepth();
    const gap = record.wallMs - record.predictedMs;
    const status = record.status === 'cancelled' ? 'stopped after' : 'measured';
    if (record.simulated) {
      this.figures.textContent = `simulated (the prediction played back, no real threads): ${record.status === 'cancelled' ? 'stopped after ' : ''}${fmtSeconds(record.wallMs)}`;
      this.root.dataset.status = record.status;
      return;
    }
    this.figures.textContent =
      `${status} ${fmtSeconds(record.wallMs)} · predicted ${fmtSeconds(record.predictedMs)}` +
      (record.status === 'completed' ? ` (${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(0)} ms)` : '');
    this.root.dataset.status = record.status;
  }
}
