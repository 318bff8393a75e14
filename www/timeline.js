// @ts-check
// One mode's timeline: rows of spans that grow while they are open, print marks, the predicted run drawn
// faintly behind, a queue-depth track where the program uses a queue, and a time axis shared with the other
// modes' timelines. Rows are either logical tasks (one per lane) or physical threads (lanes that run on the
// same thread share a row, so asyncio's tasks all land on MainThread).
//
// Two shapes of run are drawn. A step-engine run names its lanes up front, with the prediction's ids. A
// Python run names none: each lane arrives as an event (`{e: 'lane'}`) when the program makes it (the same
// id again renames it), and its prediction, if any, has ids of its own. So, for such a run, the predicted
// lanes become *pending* rows (`p:<id>`, drawn faintly) that a real lane of the same kind and name claims
// when it appears; a real lane the prediction lacks gets a row of its own, in order of arrival.
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
  'wait-lock': 'waiting for a lock',
  'wait-event': 'waiting for an event',
  'wait-semaphore': 'waiting on a semaphore',
  'wait-condition': 'waiting on a condition',
  'wait-barrier': 'waiting at a barrier',
  'wait-future': 'waiting for a future',
  'wait-process': 'waiting for a process',
  idle: 'idle: nothing ready to run',
  ready: 'ready, waiting for a free core',
};

/** How a span reads in a tooltip or a description: `line 4: with lock:` when it knows its line. */
export function spanText(/** @type {string} */ label, /** @type {number | string | undefined} */ line) {
  return line != null && line !== '' ? `line ${line}: ${label}` : label;
}

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
 * @typedef {{id: string, name: string, kind: string, thread: string, pending?: boolean}} Lane
 * @typedef {{node: HTMLElement, lane: string, start: number, end: number | null}} Placed
 */

/** What a predicted lane and a real one must share for the real one to take its row. @param {Lane} lane */
const matchKey = (lane) => `${lane.kind}\u0000${lane.name}`;

/** How a timeline's figures name a run's end. @type {Record<string, string>} */
const STATUS_WORDS = { completed: 'measured', cancelled: 'stopped after', failed: 'failed after', deadlocked: 'deadlocked after' };

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
    /** The prediction's total, or null while there is none (a Python run too long to predict first). @type {number | null} */
    this.predictedMs = 0;
    this.simulated = false;
    /** Lanes arrive as events (a Python run) rather than with the start. */
    this.live = false;
    /** Colours handed out so far, so each new lane gets the next one. */
    this.nextColour = 0;

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
    /** Row keys with a lane that really ran (a row is pending only while all its lanes are). */
    const real = new Set(this.lanes.filter((l) => !l.pending).map((l) => this.rowKey(l.id)));
    for (const lane of this.lanes) {
      const key = this.rowKey(lane.id);
      if (this.tracks.has(key)) continue;
      const row = el('div', `lane lane-${lane.kind}${real.has(key) ? '' : ' pending'}`);
      row.dataset.lane = key;
      row.style.setProperty('--lane-colour', this.byThread && key.startsWith('thread:') ? 'var(--fg)' : this.colours.get(lane.id) ?? '');
      const label = this.byThread && key.startsWith('thread:') ? lane.thread : lane.name;
      const name = el('div', 'lane-name', label);
      name.title =
        (this.byThread ? `thread ${label}` : `${lane.kind} on ${lane.thread || '—'}`) +
        (real.has(key) ? '' : ' (predicted; not started in this run)');
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

  /**
   * Lanes from a prediction; the predicted spans drawn faintly; no measured spans. Null (a Python run
   * with no prediction yet) leaves no rows: the run's lanes bring their own.
   * @param {any} predicted
   */
  showPredicted(predicted) {
    this.lanes = predicted ? predicted.lanes.map((/** @type {Lane} */ l) => ({ ...l })) : [];
    this.colours = new Map(this.lanes.map((l, i) => [l.id, LANE_COLOURS[i % LANE_COLOURS.length]]));
    this.nextColour = this.lanes.length;
    this.live = false;
    this.open.clear();
    this.placed = [];
    this.depth = [];
    this.buildRows();
    this.predictedMs = predicted ? predicted.wallMs : null;
    this.queueRow.hidden = !predicted || (predicted.queueDepth ?? []).length === 0;
    if (predicted) this.placeGhosts(predicted.spans, (id) => id);
    this.drawDepth();
    const never = predicted?.status === 'deadlocked' ? ' (then waits forever)' : '';
    this.figures.textContent = predicted ? `predicted ${fmtSeconds(predicted.wallMs)}${never}` : 'no prediction yet';
    delete this.root.dataset.status;
  }

  /** The predicted spans, faint, each on the lane `laneOf` maps its lane to. @param {any[]} spans @param {(id: string) => string} laneOf */
  placeGhosts(spans, laneOf) {
    for (const s of spans) {
      const node = el('div', `span predicted kind-${s.kind}`);
      node.setAttribute('aria-hidden', 'true');
      node.title = `predicted: ${spanText(s.label, s.line)}, ${fmtSeconds(s.startMs)} to ${fmtSeconds(s.endMs)}`;
      this.place(laneOf(s.lane), node, s.startMs, s.endMs);
    }
  }

  /** The next lane colour, in order of arrival. */
  takeColour() {
    return LANE_COLOURS[this.nextColour++ % LANE_COLOURS.length];
  }

  /** Moves the placed items of lane `from` to lane `to` (ghosts of a pending lane its real lane claimed). @param {string} from @param {string} to */
  rehome(from, to) {
    const colour = this.colours.get(to) ?? '';
    for (const item of this.placed) {
      if (item.lane !== from) continue;
      item.lane = to;
      item.node.dataset.lane = to;
      item.node.style.setProperty('--lane-colour', colour);
    }
  }

  /**
   * A lane of a Python run appears, or is renamed (the same id again). It takes the row of the first
   * pending predicted lane of its kind and name, else a new row at the end.
   * @param {Lane} lane
   */
  addLane(lane) {
    const known = this.lanes.find((l) => l.id === lane.id && !l.pending);
    const i = this.lanes.findIndex((l) => l.pending && matchKey(l) === matchKey(lane));
    const pending = i >= 0 ? this.lanes[i] : null;
    if (known) {
      Object.assign(known, { name: lane.name, kind: lane.kind, thread: lane.thread });
      if (pending) {
        // Renamed to what the prediction called it: its predicted spans come along.
        this.lanes.splice(i, 1);
        this.rehome(pending.id, known.id);
      }
    } else if (pending) {
      this.lanes[i] = { ...lane };
      this.colours.set(lane.id, this.colours.get(pending.id) ?? this.takeColour());
      this.rehome(pending.id, lane.id);
    } else {
      this.lanes.push({ ...lane });
      this.colours.set(lane.id, this.takeColour());
    }
    this.buildRows();
  }

  /**
   * The prediction of a Python run that came only with its record: ghosts on the lanes that ran, matched
   * by kind and name; lanes only the prediction has get pending rows.
   * @param {any} predicted
   */
  addPredicted(predicted) {
    /** @type {Map<string, string>} */
    const laneOf = new Map();
    const used = new Set();
    for (const p of predicted.lanes) {
      const real = this.lanes.find((l) => !l.pending && !used.has(l.id) && matchKey(l) === matchKey(p));
      if (real) {
        used.add(real.id);
        laneOf.set(p.id, real.id);
      } else {
        const id = `p:${p.id}`;
        this.lanes.push({ ...p, id, pending: true });
        this.colours.set(id, this.takeColour());
        laneOf.set(p.id, id);
      }
    }
    this.buildRows();
    this.placeGhosts(predicted.spans, (id) => laneOf.get(id) ?? `p:${id}`);
    this.predictedMs = predicted.wallMs;
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
  begin(t0, simulated = false, live = false) {
    this.t0 = t0;
    this.live = live;
    if (live) {
      // The prediction's lanes wait, faint, for the run's own lanes to claim them.
      for (const lane of this.lanes) {
        if (lane.pending) continue;
        const id = `p:${lane.id}`;
        this.colours.set(id, this.colours.get(lane.id) ?? '');
        this.rehome(lane.id, id);
        lane.id = id;
        lane.pending = true;
      }
    }
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
    if (live) this.buildRows();
    const predicted = this.predictedMs == null ? 'no prediction yet (too long to predict first)' : `predicted ${fmtSeconds(this.predictedMs)}`;
    this.figures.textContent = simulated
      ? `simulated: playing the prediction, ${this.predictedMs == null ? '' : fmtSeconds(this.predictedMs)}…`
      : `running… ${predicted}`;
  }

  /** @param {any[]} events */
  apply(events) {
    let depthChanged = false;
    for (const ev of events) {
      if (ev.e === 'begin') {
        const node = el('div', `span measured kind-${ev.kind}`);
        node.dataset.span = String(ev.span);
        node.dataset.label = ev.label;
        if (ev.line != null) node.dataset.line = String(ev.line);
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
      } else if (ev.e === 'lane') {
        this.addLane(ev.lane);
      } else if (ev.e === 'print') {
        const mark = el('div', ev.err ? 'mark err' : 'mark');
        mark.dataset.t = String(ev.t);
        mark.dataset.text = ev.text;
        mark.title = `${fmtSeconds(ev.t)}: ${ev.err ? 'wrote to stderr' : 'printed'} "${ev.text}"`;
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
    const what = spanText(node.dataset.label ?? '', node.dataset.line);
    const text =
      end == null
        ? `${lane}: ${what} (${kind}), from ${fmtSeconds(start)}, still going`
        : `${lane}: ${what} (${kind}), ${fmtSeconds(start)} to ${fmtSeconds(end)}, ${fmtSeconds(end - start)}`;
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
    // A Python run too long to predict first brings its prediction with its record.
    if (this.live && this.predictedMs == null && record.predicted) this.addPredicted(record.predicted);
    this.drawDepth();
    const predictedMs = record.predictedMs ?? null;
    const status = STATUS_WORDS[record.status] ?? 'measured';
    if (record.simulated) {
      this.figures.textContent = `simulated (the prediction played back, no real threads): ${record.status === 'completed' ? '' : `${status} `}${fmtSeconds(record.wallMs)}`;
      this.root.dataset.status = record.status;
      return;
    }
    const gap = predictedMs == null ? 0 : record.wallMs - predictedMs;
    this.figures.textContent =
      `${status} ${fmtSeconds(record.wallMs)} · predicted ${predictedMs == null ? '—' : fmtSeconds(predictedMs)}` +
      (record.status === 'completed' && predictedMs != null ? ` (${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(0)} ms)` : '');
    this.root.dataset.status = record.status;
  }
}
