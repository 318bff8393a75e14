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
//
// A CPU-bound run hands the GIL over every 5 ms: a thousand spans a mode, most a few pixels wide, which as
// elements cost the page's main thread hundreds of ms of style, layout and paint. So a lane's spans too
// narrow to show a label or a pattern (`DENSE_PX`), `DENSE_RUN` or more in a row, are drawn as one *dense*
// block: one element whose SVG draws every span of the run to half a pixel (busy kinds filled, waits faint),
// focusable and described like a span ("91 spans, … computing 46× (0.23 s), waiting for the GIL 45× (0.78 s)";
// on the GIL's lane, "189 hand-overs" and who held it). A measured span that ends narrow joins its lane's
// dense block then and there, so a frame touches only what changed; a new scale or width regroups every
// span once. Nothing here reads layout: the tracks' width comes from a ResizeObserver.

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

/** Spans narrower than this (CSS px at the current scale) show neither their label nor their kind's pattern
 *  (a label needs a few characters): where `DENSE_RUN` or more of a lane's follow one another, they are drawn
 *  as one dense block. (At 12 px, a CPU-bound run's 15 ms GIL waits on a 0.8 s axis, 12.4 px each, kept
 *  hundreds of elements apart.) */
const DENSE_PX = 24;
/** Narrow spans closer than this (px) are one run: a hand-over leaves a gap of microseconds. */
const GAP_PX = 1;
/** How many narrow spans in a row make a dense block: fewer stay spans of their own (a deadlock's short
 *  wait is still its own span to focus). */
const DENSE_RUN = 4;
/** The track's width until it is measured (a ResizeObserver reports it; nothing reads layout). */
const GUESS_PX = 800;
/** Kinds drawn filled (the thread is busy or asleep); the others are waits, drawn as outlines. */
const FILLED = new Set(['start', 'compute', 'gil', 'sleep', 'io']);
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @typedef {{id: string, name: string, kind: string, thread: string, pending?: boolean}} Lane
 * @typedef {{lane: string, kind: string, label: string, line?: number | string | null, start: number, end: number | null, id?: number}} Span
 * @typedef {{node: HTMLElement, lane: string, start: number, end: number | null, spans?: Span[], predicted?: boolean}} Placed
 *   a drawn element: a span, a dense block of spans (`spans` holds more than one), or a mark (no `spans`)
 */

/** Each timeline learns its tracks' width from its axis (as wide as a track), without reading layout. */
/** @type {WeakMap<Element, Timeline>} */
const measured = new WeakMap();
const resizes = new ResizeObserver((entries) => {
  for (const entry of entries) measured.get(entry.target)?.resized(entry.contentRect.width);
});

/** Seconds as `0.23 s`, for the sums of a dense block. */
const sum = (/** @type {Span[]} */ spans) => fmtSeconds(spans.reduce((a, s) => a + (s.end ?? s.start) - s.start, 0));

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
    /** Every drawn item, to re-lay on an axis change and re-home on a regrouping. @type {Set<Placed>} */
    this.placed = new Set();
    /** The predicted spans and the measured ones (in order of arrival), to regroup on a new scale. @type {Span[]} */
    this.ghosts = [];
    /** @type {Span[]} */
    this.spans = [];
    /** Each lane's last measured items while a narrow span that ends next to them may join them: a dense
     *  block, or the narrow spans (fewer than `DENSE_RUN`) that end the lane. @type {Map<string, Placed[]>} */
    this.tails = new Map();
    /** The tracks' width in CSS px, once measured. */
    this.trackPx = 0;
    /** Dense blocks that took spans since they were last drawn: drawn once per batch of events. @type {Set<Placed>} */
    this.grown = new Set();
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
    measured.set(this.axis, this);
    resizes.observe(this.axis);
  }

  /** The tracks' new width: a first measurement or a big change regroups the spans. @param {number} px */
  resized(px) {
    if (!px) return;
    const before = this.trackPx || GUESS_PX;
    this.trackPx = px;
    if (Math.abs(px - before) > before / 4) this.drawSpans();
  }

  /** How many ms a CSS pixel of the track shows. */
  msPerPx() {
    return this.axisMs / (this.trackPx || GUESS_PX);
  }

  /** Whether a span has ended too narrow to show its label or pattern. @param {Span} s */
  narrow(s) {
    return s.end != null && s.end - s.start < DENSE_PX * this.msPerPx();
  }

  /**
   * Groups spans, lane by lane in order of start, into runs: `DENSE_RUN` or more narrow spans that follow
   * one another (within `GAP_PX`) make one run, any other span a run of its own.
   * @param {Span[]} spans
   */
  runs(spans) {
    /** @type {Map<string, Span[]>} */
    const byLane = new Map();
    for (const s of spans) {
      const list = byLane.get(s.lane);
      if (list) list.push(s);
      else byLane.set(s.lane, [s]);
    }
    const gap = GAP_PX * this.msPerPx();
    /** @type {Span[][]} */
    const runs = [];
    for (const list of byLane.values()) {
      list.sort((a, b) => a.start - b.start);
      /** @type {Span[]} */
      let run = [];
      let end = -Infinity;
      const flush = () => {
        if (run.length >= DENSE_RUN) runs.push(run);
        else runs.push(...run.map((s) => [s]));
      };
      for (const s of list) {
        if (run.length && this.narrow(s) && this.narrow(run[run.length - 1]) && s.start - end <= gap) {
          run.push(s);
        } else {
          flush();
          run = [s];
          end = -Infinity;
        }
        end = Math.max(end, s.end ?? s.start);
      }
      flush();
    }
    return runs;
  }

  /**
   * Draws every span again, grouped for the current scale: after a new axis or width, or new spans. Marks
   * stay as they are.
   */
  drawSpans() {
    for (const item of this.placed) {
      if (!item.spans) continue;
      item.node.remove();
      this.placed.delete(item);
    }
    this.open.clear();
    this.tails.clear();
    for (const run of this.runs(this.ghosts)) this.put(run, true);
    // Runs come lane by lane in order of start: what ends a lane may take its next narrow span.
    for (const run of this.runs(this.spans)) {
      const item = this.put(run, false);
      if (item.end == null) this.open.set(/** @type {number} */ (run[0].id), item);
      this.follow(item);
    }
  }

  /**
   * Whether a narrow measured item ends its lane's run so far: it follows the run's last item. Otherwise
   * it starts a run of its own, or, not narrow (or open), ends the lane's run.
   * @param {Placed} item
   */
  follow(item) {
    const spans = /** @type {Span[]} */ (item.spans);
    // A dense block holds narrow spans only: it was grouped at this scale.
    if (spans.length === 1 && !this.narrow(spans[0])) {
      this.tails.delete(item.lane);
      return false;
    }
    const tail = this.tails.get(item.lane);
    const last = tail?.[tail.length - 1];
    if (tail && last && this.placed.has(last) && item.start - (last.end ?? Infinity) <= GAP_PX * this.msPerPx()) {
      tail.push(item);
      return true;
    }
    this.tails.set(item.lane, [item]);
    return false;
  }

  /** Draws a run of spans (one span, or a dense block): its element, placed in its row. @param {Span[]} spans @param {boolean} predicted */
  put(spans, predicted) {
    /** @type {Placed} */
    const item = { node: el('div'), lane: spans[0].lane, start: spans[0].start, end: null, spans, predicted };
    this.dress(item);
    return this.add(item);
  }

  /**
   * Gives an item's element its classes, data, label and description from its spans: a span as it always
   * was, or a dense block with an SVG of its spans. The same element is dressed again as a block grows,
   * so focus and highlighting stay on it.
   * @param {Placed} item
   */
  dress(item) {
    const spans = /** @type {Span[]} */ (item.spans);
    const { node } = item;
    const lit = node.classList.contains('highlight');
    for (const key of Object.keys(node.dataset)) delete node.dataset[key];
    node.replaceChildren();
    item.start = Infinity;
    item.end = -Infinity;
    for (const s of spans) {
      item.start = Math.min(item.start, s.start);
      item.end = s.end == null || item.end == null ? null : Math.max(item.end, s.end);
    }
    node.dataset.lane = item.lane;
    node.style.setProperty('--lane-colour', this.colours.get(item.lane) ?? '');
    if (spans.length === 1) {
      const [s] = spans;
      node.className = `span ${item.predicted ? 'predicted' : 'measured'} kind-${s.kind}`;
      if (item.predicted) {
        node.setAttribute('aria-hidden', 'true');
        node.title = `predicted: ${spanText(s.label, s.line)}, ${fmtSeconds(s.start)} to ${fmtSeconds(s.end ?? s.start)}`;
      } else {
        if (s.id != null) node.dataset.span = String(s.id);
        node.dataset.label = s.label;
        if (s.line != null) node.dataset.line = String(s.line);
        node.dataset.start = String(s.start);
        node.tabIndex = 0;
        node.setAttribute('role', 'listitem');
        node.append(el('span', 'span-label', s.label));
        this.describe(item);
      }
    } else {
      node.className = `span ${item.predicted ? 'predicted' : 'measured'} dense`;
      node.dataset.start = String(item.start);
      node.append(this.drawing(item));
      if (item.predicted) {
        node.setAttribute('aria-hidden', 'true');
        node.title = `predicted: ${this.summary(item)}`;
      } else {
        node.tabIndex = 0;
        node.setAttribute('role', 'listitem');
        const gil = this.lanes.find((l) => l.id === item.lane)?.kind === 'gil';
        node.append(el('span', 'span-label', `${spans.length} ${gil ? 'hand-overs' : 'spans'}`));
        this.describe(item);
      }
    }
    if (lit) node.classList.add('highlight');
  }

  /**
   * A dense block's spans as an SVG stretched over the block: busy kinds filled, waits faint. Spans of a
   * class less than half a pixel apart are one rectangle, so a block of any length costs at most a
   * rectangle or two per pixel to draw.
   * @param {Placed} item
   */
  drawing(item) {
    const spans = /** @type {Span[]} */ (item.spans);
    const width = Math.max((item.end ?? item.start) - item.start, 1e-3);
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width.toFixed(3)} 1`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    const join = this.msPerPx() / 2;
    /** Rectangles, [from, to] in ms from the block's start, by class. @type {Record<string, [number, number][]>} */
    const rects = { wait: [], busy: [] };
    for (const s of spans) {
      const list = rects[FILLED.has(s.kind) ? 'busy' : 'wait'];
      const from = s.start - item.start;
      const to = (s.end ?? s.start) - item.start;
      const last = list[list.length - 1];
      if (last && from >= last[0] && from - last[1] <= join) last[1] = Math.max(last[1], to);
      else list.push([from, to]);
    }
    for (const [cls, list] of Object.entries(rects)) {
      if (!list.length) continue;
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('class', cls);
      path.setAttribute('d', list.map(([a, b]) => `M${a.toFixed(3)} 0H${b.toFixed(3)}V1H${a.toFixed(3)}Z`).join(''));
      svg.append(path);
    }
    return svg;
  }

  /**
   * What a dense block holds: how many spans, from when to when, then per kind how many and how long (on
   * the GIL's lane: how many hand-overs, and who held it how often). Its line, when every span shares one.
   * @param {Placed} item
   */
  summary(item) {
    const spans = /** @type {Span[]} */ (item.spans);
    const lane = this.lanes.find((l) => l.id === item.lane);
    const gil = lane?.kind === 'gil';
    /** @type {Map<string, Span[]>} */
    const parts = new Map();
    for (const s of spans) {
      const key = gil ? s.label : s.kind;
      const list = parts.get(key);
      if (list) list.push(s);
      else parts.set(key, [s]);
    }
    const each = [...parts].map(([key, list], i) =>
      gil ? `${key} ${i ? '' : 'held it '}${list.length}× (${sum(list)})` : `${KIND_NAMES[/** @type {keyof KIND_NAMES} */ (key)] ?? key} ${list.length}× (${sum(list)})`,
    );
    const line = spans.every((s) => s.line != null && s.line === spans[0].line) ? `${spanText(spans[0].label, spans[0].line)}: ` : '';
    const what = gil ? `${spans.length} hand-overs` : `${spans.length} spans`;
    return `${line}${what}, ${fmtSeconds(item.start)} to ${fmtSeconds(item.end ?? item.start)}: ${each.join(', ')}`;
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
    this.tails.clear();
    this.placed = new Set();
    this.ghosts = [];
    this.spans = [];
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
    /** @type {Span[]} */
    const ghosts = spans.map((s) => ({ lane: laneOf(s.lane), kind: s.kind, label: s.label, line: s.line, start: s.startMs, end: s.endMs }));
    this.ghosts.push(...ghosts);
    for (const run of this.runs(ghosts)) this.put(run, true);
  }

  /** The next lane colour, in order of arrival. */
  takeColour() {
    return LANE_COLOURS[this.nextColour++ % LANE_COLOURS.length];
  }

  /** Moves the placed items of lane `from` to lane `to` (ghosts of a pending lane its real lane claimed). @param {string} from @param {string} to */
  rehome(from, to) {
    const colour = this.colours.get(to) ?? '';
    for (const s of this.ghosts) if (s.lane === from) s.lane = to;
    for (const s of this.spans) if (s.lane === from) s.lane = to;
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

  /** A mark at a moment of a lane. @param {string} lane @param {HTMLElement} node @param {number} at */
  place(lane, node, at) {
    node.style.setProperty('--lane-colour', this.colours.get(lane) ?? '');
    node.dataset.lane = lane;
    return this.add({ node, lane, start: at, end: at });
  }

  /** Puts a drawn item in its row, where its times say. @param {Placed} item */
  add(item) {
    this.placed.add(item);
    this.tracks.get(this.rowKey(item.lane))?.append(item.node);
    this.lay(item, item.end ?? item.start);
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
    const before = this.axisMs;
    this.axisMs = Math.max(ms, 1);
    // A new scale regroups the spans (which are narrow depends on it); the marks only move.
    if (this.axisMs !== before) this.drawSpans();
    for (const item of this.placed) if (!item.spans) this.lay(item, item.start);
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
    this.tails.clear();
    this.depth = [];
    this.spans = [];
    for (const item of this.placed) {
      if (item.predicted) continue;
      item.node.remove();
      this.placed.delete(item);
    }
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
        /** @type {Span} */
        const span = { id: ev.span, lane: ev.lane, kind: ev.kind, label: ev.label, line: ev.line, start: ev.t, end: null };
        this.spans.push(span);
        this.open.set(ev.span, this.put([span], false));
      } else if (ev.e === 'end') {
        const item = this.open.get(ev.span);
        if (item) {
          this.open.delete(ev.span);
          this.close(item, ev.t);
        }
      } else if (ev.e === 'lane') {
        this.addLane(ev.lane);
      } else if (ev.e === 'print') {
        const mark = el('div', ev.err ? 'mark err' : 'mark');
        mark.dataset.t = String(ev.t);
        mark.dataset.text = ev.text;
        mark.title = `${fmtSeconds(ev.t)}: ${ev.err ? 'wrote to stderr' : 'printed'} "${ev.text}"`;
        this.place(ev.lane, mark, ev.t);
      } else if (ev.e === 'thread' && ev.life === 'raised') {
        // A task that failed: a red mark where it raised, on its lane.
        const mark = el('div', 'mark raised');
        mark.dataset.t = String(ev.t);
        mark.title = `${fmtSeconds(ev.t)}: raised an exception and ended`;
        this.place(ev.lane, mark, ev.t);
      } else if (ev.e === 'depth') {
        this.depth.push({ atMs: ev.t, depth: ev.depth });
        depthChanged = true;
      }
    }
    this.redrawGrown();
    if (depthChanged) this.drawDepth();
  }

  /**
   * A measured span ends: it joins its lane's dense block (or the narrow span before it) when it is narrow
   * and follows it, else it stays as it is and may take the next one.
   * @param {Placed} item @param {number} end
   */
  close(item, end) {
    /** @type {Span[]} */ (item.spans)[0].end = end;
    item.end = end;
    this.lay(item, end);
    this.describe(item);
    if (!this.follow(item)) return;
    const tail = /** @type {Placed[]} */ (this.tails.get(item.lane));
    const [first] = tail;
    // A dense block takes the span; enough narrow spans in a row become one.
    if (tail.length < DENSE_RUN && /** @type {Span[]} */ (first.spans).length === 1) return;
    for (const other of tail.slice(1)) {
      other.node.remove();
      this.placed.delete(other);
      first.spans?.push(...(other.spans ?? []));
      // Drawn later, with the batch; its end counts now, for the next span to follow it.
      first.end = Math.max(first.end ?? -Infinity, other.end ?? -Infinity);
    }
    this.tails.set(item.lane, [first]);
    this.grown.add(first);
  }

  /** Draws the dense blocks that took spans, once for all the spans a batch of events closed. */
  redrawGrown() {
    for (const item of this.grown) {
      if (!this.placed.has(item)) continue;
      this.dress(item);
      this.lay(item, item.end ?? item.start);
    }
    this.grown.clear();
  }

  /** The words a hover or focus shows: label, kind, start, end, duration; a dense block's summary. @param {Placed} item */
  describe(item) {
    const { node, start, end } = item;
    const spans = item.spans ?? [];
    const lane = this.lanes.find((l) => l.id === item.lane)?.name ?? item.lane;
    let text;
    if (spans.length > 1) {
      text = `${lane}: ${this.summary(item)}`;
    } else {
      const [s] = spans;
      const kind = KIND_NAMES[/** @type {keyof KIND_NAMES} */ (s.kind)] ?? '';
      const what = spanText(s.label, s.line);
      text =
        end == null
          ? `${lane}: ${what} (${kind}), from ${fmtSeconds(start)}, still going`
          : `${lane}: ${what} (${kind}), ${fmtSeconds(start)} to ${fmtSeconds(end)}, ${fmtSeconds(end - start)}`;
    }
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
    const open = [...this.open.values()];
    this.open.clear();
    for (const item of open) this.close(item, record.wallMs);
    this.redrawGrown();
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
