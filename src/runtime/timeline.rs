//! Lanes and spans of a run: what each thread, task, process and GIL did when, built by both runtimes.
//!
//! A runtime tells a [`TimelineBuilder`] about state *changes* only (a thread starts waiting for the GIL,
//! runs, sleeps at line 7, ends); the builder closes the open span and opens the next, merging a span
//! with the previous one of the same kind when they touch, so a long CPU loop is one span however many
//! times the scheduler resumed it. [`render_text`] draws a timeline as text for the CLI and for test
//! failure messages.

use std::fmt::Write as _;

use serde::Serialize;

use super::virtual_time::MAIN_PID;
use crate::trace::{self, Event, EventLog, Life};
use crate::vm::host::WaitKind;

/// How the events name lane `id`.
#[optimize(size)]
pub fn lane_id(id: u32) -> String {
    format!("l{id}")
}

impl LaneKind {
    /// Its name in the run record (`thread`, `task`, `process`, `gil`).
    #[optimize(size)]
    pub fn name(self) -> &'static str {
        match self {
            LaneKind::Thread => "thread",
            LaneKind::Task => "task",
            LaneKind::Process => "process",
            LaneKind::Gil => "gil",
        }
    }
}

impl SpanKind {
    /// The span of a wait of `kind` (a sleep is a sleep, a transfer I/O).
    #[optimize(size)]
    pub fn of_wait(kind: WaitKind) -> SpanKind {
        match kind {
            WaitKind::Sleep => SpanKind::Sleep,
            WaitKind::Io => SpanKind::Io,
            k => SpanKind::Wait(k),
        }
    }

    /// The run record's kind for this state.
    #[optimize(size)]
    pub fn trace(self) -> trace::SpanKind {
        use trace::SpanKind as T;
        match self {
            SpanKind::Running => T::Compute,
            SpanKind::GilWait => T::WaitGil,
            SpanKind::Ready => T::Ready,
            SpanKind::Sleep | SpanKind::Wait(WaitKind::Sleep) => T::Sleep,
            SpanKind::Io | SpanKind::Wait(WaitKind::Io) => T::Io,
            SpanKind::Wait(WaitKind::Lock) => T::WaitLock,
            SpanKind::Wait(WaitKind::Join) => T::WaitJoin,
            SpanKind::Wait(WaitKind::Queue) => T::WaitQueue,
            SpanKind::Wait(WaitKind::Event) => T::WaitEvent,
            SpanKind::Wait(WaitKind::Semaphore) => T::WaitSemaphore,
            SpanKind::Wait(WaitKind::Condition) => T::WaitCondition,
            SpanKind::Wait(WaitKind::Barrier) => T::WaitBarrier,
            SpanKind::Wait(WaitKind::Future) => T::WaitFuture,
            SpanKind::Wait(WaitKind::Process) => T::WaitProcess,
            SpanKind::Wait(WaitKind::Idle) => T::Idle,
        }
    }

    /// Words for a span with no source line to show.
    #[optimize(size)]
    pub fn words(self) -> &'static str {
        match self {
            SpanKind::Running => "running",
            SpanKind::GilWait => "waiting for the GIL",
            SpanKind::Ready => "waiting for a core",
            SpanKind::Sleep => "sleeping",
            SpanKind::Io => "waiting for the network",
            SpanKind::Wait(WaitKind::Idle) => "event loop idle",
            SpanKind::Wait(_) => "waiting",
        }
    }
}

/// The lanes and print marks of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    /// One lane per thread, task, process (its main thread) and GIL, in order of creation.
    pub lanes: Vec<Lane>,
    /// Where each `print` happened, in time order.
    pub marks: Vec<Mark>,
    /// The end of the run, seconds.
    pub end_s: f64,
}

/// What a lane stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LaneKind {
    /// A Python thread of the main process.
    Thread,
    /// An asyncio task (spans while the task runs on its thread's event loop).
    Task,
    /// A process's main thread (`Process-1`); its other threads are `Thread` lanes.
    Process,
    /// Who holds a process's GIL: spans name the holder's lane.
    Gil,
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lane {
    /// Its index in [`Timeline::lanes`].
    pub id: u32,
    /// `MainThread`, `Thread-1 (worker)`, `Task-2`, `Process-1`, `GIL`.
    pub name: String,
    /// What it stands for.
    pub kind: LaneKind,
    /// Its spans in time order, never overlapping.
    pub spans: Vec<Span>,
}

/// What a thread is doing during a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// Executing Python (on a GIL lane: holding the GIL).
    Running,
    /// Ready to run, waiting for its process's GIL.
    GilWait,
    /// Ready to run (and holding the GIL if there is one), waiting for a free core.
    Ready,
    /// `time.sleep`.
    Sleep,
    /// Blocked on a lock, a join, a queue, ... until another thread acts or a timeout passes.
    Wait(#[serde(with = "wait_kind_name")] WaitKind),
    /// Waiting for a (simulated or real) transfer.
    Io,
}

/// `WaitKind` as a lowercase name in JSON (`"lock"`), without asking the VM's type to derive serde.
mod wait_kind_name {
    use serde::Serializer;

    use crate::vm::host::WaitKind;

    #[optimize(size)]
    pub fn serialize<S: Serializer>(kind: &WaitKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::wait_kind_label(*kind))
    }
}

/// The label and kind of the lane of thread `name` of process `pid` (`process` is its name): a thread
/// of the main program is a thread lane under its own name; the first thread of a child process is the
/// process's lane; its other threads are `Process-1/name`.
#[optimize(size)]
pub fn thread_lane(pid: u64, first: bool, process: &str, name: &str) -> (String, LaneKind) {
    match (pid == MAIN_PID, first) {
        (true, _) => (name.to_string(), LaneKind::Thread),
        (false, true) => (process.to_string(), LaneKind::Process),
        (false, false) => (format!("{process}/{name}"), LaneKind::Thread),
    }
}

/// The lowercase name of a wait kind (`lock`, `join`, ...), for JSON and messages.
#[optimize(size)]
pub fn wait_kind_label(kind: WaitKind) -> &'static str {
    match kind {
        WaitKind::Sleep => "sleep",
        WaitKind::Lock => "lock",
        WaitKind::Join => "join",
        WaitKind::Queue => "queue",
        WaitKind::Event => "event",
        WaitKind::Semaphore => "semaphore",
        WaitKind::Condition => "condition",
        WaitKind::Barrier => "barrier",
        WaitKind::Future => "future",
        WaitKind::Process => "process",
        WaitKind::Io => "io",
        WaitKind::Idle => "idle",
    }
}

/// A stretch of time a lane spent in one state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// Start, seconds from the run's start.
    pub start_s: f64,
    /// End, seconds from the run's start.
    pub end_s: f64,
    /// What the lane was doing.
    pub kind: SpanKind,
    /// The user's source line that runs (where the span began) or waits; 0 if unknown.
    pub line: u32,
    /// On a GIL lane: the lane of the thread holding the GIL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<u32>,
}

/// A line printed by a thread, at the time it printed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    /// Seconds from the run's start.
    pub t_s: f64,
    /// The lane that printed.
    pub lane: u32,
    /// The text (the whole `print` call, `end` included).
    pub text: String,
}

/// A lane's state between two changes: `None` is "nothing to draw" (not started, ended).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    /// The span kind.
    pub kind: SpanKind,
    /// The user's line.
    pub line: u32,
    /// The GIL's holder, on GIL lanes.
    pub holder: Option<u32>,
}

impl State {
    /// A state of `kind` at `line`.
    #[optimize(size)]
    pub fn new(kind: SpanKind, line: u32) -> State {
        State {
            kind,
            line,
            holder: None,
        }
    }
}

/// Spans closer than this (seconds) touch, for merging.
const TOUCH_S: f64 = 1e-9;

/// Builds a [`Timeline`] from state changes, lane by lane, and at the same time the run's
/// [`trace::Event`]s (what the page draws live and the run record is made of): each span labelled with
/// the source text of the line it runs or waits at.
#[derive(Debug, Default)]
pub struct TimelineBuilder {
    timeline: Timeline,
    /// Per lane: the open span's state and start.
    open: Vec<Option<(State, f64)>>,
    /// The events so far.
    log: EventLog,
    /// Per lane: the open event span.
    open_event: Vec<Option<u32>>,
    /// Per lane: how the events name it.
    meta: Vec<trace::Lane>,
    /// The program's lines, for labels.
    lines: Vec<String>,
    /// The latest time seen, seconds (for lanes, which are announced without one).
    last_t: f64,
    /// The queues seen, by identity, in order: a queue's index in the events.
    queues: Vec<u64>,
    /// Per lane: a printed line still waiting for its end, and when it began.
    partial: Vec<Option<(String, f64, Option<u32>)>>,
}

impl TimelineBuilder {
    /// An empty timeline.
    #[optimize(size)]
    pub fn new() -> TimelineBuilder {
        TimelineBuilder::default()
    }

    /// An empty timeline whose spans are labelled with the lines of `source`.
    #[optimize(size)]
    pub fn with_source(source: &str) -> TimelineBuilder {
        TimelineBuilder {
            lines: source.lines().map(|l| l.trim().to_string()).collect(),
            ..TimelineBuilder::default()
        }
    }

    /// Adds a lane; returns its id.
    #[optimize(size)]
    pub fn lane(&mut self, name: &str, kind: LaneKind) -> u32 {
        self.add_lane(name, kind, name.to_string())
    }

    /// Adds the lane of an asyncio task that runs on the thread of lane `on`; returns its id.
    #[optimize(size)]
    pub fn task_lane(&mut self, name: &str, on: u32) -> u32 {
        let thread = self
            .meta
            .get(on as usize)
            .map(|l| l.thread.clone())
            .unwrap_or_default();
        self.add_lane(name, LaneKind::Task, thread)
    }

    #[optimize(size)]
    fn add_lane(&mut self, name: &str, kind: LaneKind, thread: String) -> u32 {
        let id = self.timeline.lanes.len() as u32;
        self.timeline.lanes.push(Lane {
            id,
            name: name.to_string(),
            kind,
            spans: Vec::new(),
        });
        self.open.push(None);
        self.open_event.push(None);
        let meta = trace::Lane {
            id: lane_id(id),
            name: name.to_string(),
            kind: kind.name().to_string(),
            thread: if kind == LaneKind::Gil {
                String::new()
            } else {
                thread
            },
        };
        self.log.lane(meta.clone(), self.last_t * 1000.0);
        self.meta.push(meta);
        id
    }

    /// Records a thread's (or task's) life event on `lane` at `t`.
    #[optimize(size)]
    pub fn life(&mut self, lane: u32, life: Life, daemon: bool, t: f64) {
        self.last_t = self.last_t.max(t);
        self.log.life(&lane_id(lane), life, daemon, t * 1000.0);
    }

    /// Queue `queue` (an identity) holds `depth` items from `t` on.
    #[optimize(size)]
    pub fn depth(&mut self, queue: u64, depth: usize, t: f64) {
        self.last_t = self.last_t.max(t);
        let index = match self.queues.iter().position(|&q| q == queue) {
            Some(i) => i,
            None => {
                self.queues.push(queue);
                self.queues.len() - 1
            }
        };
        self.log.depth(index, depth, t * 1000.0);
    }

    /// The events recorded so far.
    #[optimize(size)]
    pub fn events(&self) -> &[Event] {
        &self.log.events
    }

    /// The lanes as the events name them.
    #[optimize(size)]
    pub fn event_lanes(&self) -> &[trace::Lane] {
        &self.meta
    }

    /// The lanes so far.
    #[optimize(size)]
    pub fn lanes(&self) -> &[Lane] {
        &self.timeline.lanes
    }

    /// A thread's lane for the thread `name` of process `pid` (see [`thread_lane`]); returns its id.
    #[optimize(size)]
    pub fn thread_lane(&mut self, pid: u64, first: bool, process: &str, name: &str) -> u32 {
        let (label, kind) = thread_lane(pid, first, process, name);
        self.lane(&label, kind)
    }

    /// The thread of `lane` is now called `name` (`t.name = ...` after it started). A process's own lane
    /// keeps the process's name; another thread of a process becomes `Process-1/name`.
    #[optimize(size)]
    pub fn rename_thread(&mut self, lane: u32, pid: u64, process: &str, name: &str) {
        let Some(l) = self.timeline.lanes.get_mut(lane as usize) else {
            return;
        };
        if l.kind == LaneKind::Thread {
            l.name = thread_lane(pid, false, process, name).0;
            let meta = &mut self.meta[lane as usize];
            meta.name = l.name.clone();
            meta.thread = l.name.clone();
            self.log.lane(meta.clone(), self.last_t * 1000.0);
        }
    }

    /// Lane `lane` is in `state` from `t` on (`None`: nothing to draw). The same kind (and holder) as the
    /// open span keeps that span going, so callers may repeat a state freely.
    #[optimize(size)]
    pub fn set(&mut self, lane: u32, t: f64, state: Option<State>) {
        let i = lane as usize;
        let Some(slot) = self.open.get_mut(i) else {
            return;
        };
        self.last_t = self.last_t.max(t);
        match (*slot, state) {
            (Some((open, _)), Some(new)) if open.kind == new.kind && open.holder == new.holder => {
                return;
            }
            (Some((open, start)), _) => {
                *slot = state.map(|s| (s, t));
                Self::close(&mut self.timeline.lanes[i], open, start, t);
            }
            (None, _) => *slot = state.map(|s| (s, t)),
        }
        if let Some(span) = self.open_event[i].take() {
            self.log.end(span, t * 1000.0);
        }
        if let Some(state) = state {
            let label = self.label(&state);
            let line = (state.line > 0).then_some(state.line);
            let span =
                self.log
                    .begin_at(&lane_id(lane), label, state.kind.trace(), t * 1000.0, line);
            self.open_event[i] = Some(span);
        }
    }

    /// What a span in `state` says: the holder's name on a GIL lane, else the source text of its line.
    #[optimize(size)]
    fn label(&self, state: &State) -> String {
        if let Some(holder) = state.holder {
            return self
                .meta
                .get(holder as usize)
                .map(|l| l.name.clone())
                .unwrap_or_default();
        }
        let text = state
            .line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i as usize))
            .filter(|l| !l.is_empty());
        match text {
            Some(text) => text.clone(),
            None => state.kind.words().to_string(),
        }
    }

    /// The thread drawn on lane `old` is drawn on lane `target` from `t` (an asyncio task switch):
    /// `target` takes its state, and `old` shows `parting` (what its task awaits) or nothing. A task that
    /// resumes runs from the line it awaited at, so its running span is labelled with that line (not the
    /// line of the thread's event loop, `asyncio.run(main())`).
    #[optimize(size)]
    pub fn switch(&mut self, old: u32, target: u32, t: f64, parting: Option<State>) {
        if old == target {
            return;
        }
        let mut state = self.state(old);
        if let (Some(s), Some(awaited)) = (state.as_mut(), self.state(target)) {
            if awaited.line > 0 {
                s.line = awaited.line;
            }
        }
        self.set(old, t, parting);
        self.set(target, t, state);
    }

    /// The state lane `lane` is in.
    #[optimize(size)]
    pub fn state(&self, lane: u32) -> Option<State> {
        self.open
            .get(lane as usize)
            .copied()
            .flatten()
            .map(|(s, _)| s)
    }

    /// Records what `lane` wrote to stderr at `t` (a traceback): events only, a line each.
    #[optimize(size)]
    pub fn mark_err(&mut self, lane: u32, t: f64, text: &str, line: Option<u32>) {
        self.write(lane, t, text, true, line);
    }

    /// Output lines are events once they are whole: `print(x, end="")` waits on its lane for the rest of
    /// its line (the line's time is when it began), as a terminal shows it.
    #[optimize(size)]
    fn write(&mut self, lane: u32, t: f64, text: &str, err: bool, at: Option<u32>) {
        self.last_t = self.last_t.max(t);
        let i = lane as usize;
        if self.partial.len() <= i {
            self.partial.resize(i + 1, None);
        }
        // A line begun by an earlier `print(..., end="")` keeps that print's time and line.
        let (mut line, mut since, mut by) =
            self.partial[i].take().unwrap_or((String::new(), t, at));
        for piece in text.split_inclusive('\n') {
            match piece.strip_suffix('\n') {
                Some(end) => {
                    line.push_str(end);
                    self.log.write(
                        &lane_id(lane),
                        &std::mem::take(&mut line),
                        since * 1000.0,
                        err,
                        by,
                    );
                    since = t;
                    by = at;
                }
                None => line.push_str(piece),
            }
        }
        if !line.is_empty() {
            self.partial[i] = Some((line, since, by));
        }
    }

    /// Writes out the lines still waiting for their end (the program ended without one).
    #[optimize(size)]
    fn flush_partial(&mut self) {
        for i in 0..self.partial.len() {
            if let Some((line, since, by)) = self.partial[i].take() {
                self.log
                    .write(&lane_id(i as u32), &line, since * 1000.0, false, by);
            }
        }
    }

    /// Records a print on `lane` at `t`.
    #[optimize(size)]
    pub fn mark(&mut self, lane: u32, t: f64, text: &str, line: Option<u32>) {
        self.write(lane, t, text, false, line);
        self.timeline.marks.push(Mark {
            t_s: t,
            lane,
            text: text.to_string(),
        });
    }

    #[optimize(size)]
    fn close(lane: &mut Lane, state: State, start: f64, end: f64) {
        if let Some(last) = lane.spans.last_mut() {
            if last.kind == state.kind
                && last.holder == state.holder
                && (start - last.end_s).abs() <= TOUCH_S
            {
                last.end_s = last.end_s.max(end);
                return;
            }
        }
        if end - start <= TOUCH_S {
            return;
        }
        lane.spans.push(Span {
            start_s: start,
            end_s: end,
            kind: state.kind,
            line: state.line,
            holder: state.holder,
        });
    }

    /// Closes every open span at `end` and returns the timeline and the events. GIL lanes that only ever
    /// had one holder (a process with one thread) are left out of the timeline: they would only repeat
    /// that thread's lane.
    #[optimize(size)]
    pub fn finish(mut self, end: f64) -> (Timeline, Vec<Event>) {
        for i in 0..self.open.len() {
            self.set(i as u32, end, None);
        }
        self.flush_partial();
        let events = std::mem::take(&mut self.log.events);
        (Self::trim(self.timeline, end), events)
    }

    #[optimize(size)]
    fn trim(mut timeline: Timeline, end: f64) -> Timeline {
        timeline.end_s = end;
        timeline.marks.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let keep: Vec<bool> = timeline
            .lanes
            .iter()
            .map(|lane| {
                lane.kind != LaneKind::Gil
                    || lane.spans.iter().any(|s| s.holder != lane.spans[0].holder)
            })
            .collect();
        if keep.iter().all(|k| *k) {
            return timeline;
        }
        let mut new_id = vec![u32::MAX; keep.len()];
        let mut next = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                new_id[i] = next;
                next += 1;
            }
        }
        let remap = |id: u32| new_id.get(id as usize).copied().unwrap_or(u32::MAX);
        timeline.lanes.retain(|lane| keep[lane.id as usize]);
        for lane in &mut timeline.lanes {
            lane.id = remap(lane.id);
            for span in &mut lane.spans {
                span.holder = span.holder.map(remap);
            }
        }
        for mark in &mut timeline.marks {
            mark.lane = remap(mark.lane);
        }
        timeline
    }
}

impl Timeline {
    /// The lane named `name`, if any.
    #[optimize(size)]
    pub fn lane(&self, name: &str) -> Option<&Lane> {
        self.lanes.iter().find(|l| l.name == name)
    }
}

impl Lane {
    /// Total seconds this lane spent in spans matching `pred`.
    #[optimize(size)]
    pub fn total(&self, pred: impl Fn(SpanKind) -> bool) -> f64 {
        self.spans
            .iter()
            .filter(|s| pred(s.kind))
            .map(|s| s.end_s - s.start_s)
            .sum()
    }
}

/// The character drawing a span kind in [`render_text`].
#[optimize(size)]
fn glyph(kind: SpanKind) -> char {
    match kind {
        SpanKind::Running => '#',
        SpanKind::GilWait => '~',
        SpanKind::Ready => '-',
        SpanKind::Sleep => '.',
        SpanKind::Wait(_) => '_',
        SpanKind::Io => '=',
    }
}

/// A text drawing of `timeline`, `width` columns for the time axis: one row per lane (`#` running,
/// `~` waiting for the GIL, `-` waiting for a core, `.` sleeping, `_` blocked, `=` I/O; a GIL lane shows
/// the holder's lane number), then the spans and the print marks with their times.
#[optimize(size)]
pub fn render_text(timeline: &Timeline, width: usize) -> String {
    let width = width.max(10);
    let end = timeline
        .lanes
        .iter()
        .flat_map(|l| l.spans.last().map(|s| s.end_s))
        .chain(timeline.marks.iter().map(|m| m.t_s))
        .fold(timeline.end_s, f64::max);
    let name_w = timeline
        .lanes
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 28);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:name_w$}  0 s{:>w$}",
        "",
        format!("{end:.3} s"),
        w = width - 1
    );
    let cell = if end > 0.0 { end / width as f64 } else { 1.0 };
    for lane in &timeline.lanes {
        let mut row = vec![' '; width];
        for (c, slot) in row.iter_mut().enumerate() {
            let (a, b) = (c as f64 * cell, (c + 1) as f64 * cell);
            // The span covering most of the cell draws it.
            let mut best: Option<(f64, &Span)> = None;
            for s in &lane.spans {
                let cover = s.end_s.min(b) - s.start_s.max(a);
                if cover > 0.0 && best.is_none_or(|(c, _)| cover > c) {
                    best = Some((cover, s));
                }
            }
            if let Some((_, s)) = best {
                *slot = match (lane.kind, s.holder) {
                    (LaneKind::Gil, Some(h)) => char::from_digit(h % 36, 36).unwrap_or('?'),
                    _ => glyph(s.kind),
                };
            }
        }
        let name: String = lane.name.chars().take(name_w).collect();
        let _ = writeln!(
            out,
            "{name:name_w$} |{}|",
            row.into_iter().collect::<String>()
        );
    }
    let _ = writeln!(
        out,
        "{:name_w$}  # running  ~ GIL wait  - core wait  . sleep  _ blocked  = I/O",
        ""
    );
    for lane in &timeline.lanes {
        let _ = writeln!(out, "{} [{}]:", lane.name, lane.id);
        for s in &lane.spans {
            let what = match s.kind {
                SpanKind::Wait(k) => format!("wait ({})", wait_kind_label(k)),
                SpanKind::Running if lane.kind == LaneKind::Gil => {
                    format!("held by lane {}", s.holder.unwrap_or(u32::MAX))
                }
                k => format!("{k:?}").to_lowercase(),
            };
            let line = if s.line > 0 {
                format!(" line {}", s.line)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:8.4} - {:8.4} s  {what}{line}", s.start_s, s.end_s);
        }
    }
    for m in &timeline.marks {
        let who = timeline
            .lanes
            .get(m.lane as usize)
            .map(|l| l.name.as_str())
            .unwrap_or("?");
        let _ = writeln!(
            out,
            "{:8.4} s {who}: {}",
            m.t_s,
            m.text.trim_end_matches('\n')
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_kind_changes_make_one_span() {
        let mut b = TimelineBuilder::new();
        let main = b.lane("MainThread", LaneKind::Thread);
        for i in 0..1000 {
            b.set(
                main,
                i as f64 * 0.001,
                Some(State::new(SpanKind::Running, 3)),
            );
        }
        b.set(main, 1.0, Some(State::new(SpanKind::Sleep, 4)));
        b.set(main, 1.5, None);
        b.mark(main, 0.5, "hi\n", Some(1));
        let t = b.finish(2.0).0;
        let lane = t.lane("MainThread").unwrap();
        assert_eq!(lane.spans.len(), 2);
        assert_eq!(
            (
                lane.spans[0].start_s,
                lane.spans[0].end_s,
                lane.spans[0].line
            ),
            (0.0, 1.0, 3)
        );
        assert_eq!(lane.spans[1].kind, SpanKind::Sleep);
        assert_eq!(t.end_s, 2.0);
        let text = render_text(&t, 40);
        assert!(text.contains("MainThread |####"), "{text}");
        assert!(text.contains("0.5000 s MainThread: hi"), "{text}");
    }

    #[test]
    fn touching_spans_of_one_kind_merge_even_across_a_gap_of_nothing() {
        let mut b = TimelineBuilder::new();
        let l = b.lane("T", LaneKind::Thread);
        b.set(l, 0.0, Some(State::new(SpanKind::Running, 1)));
        b.set(l, 0.1, None);
        b.set(l, 0.1, Some(State::new(SpanKind::Running, 2)));
        b.set(l, 0.2, Some(State::new(SpanKind::Wait(WaitKind::Lock), 5)));
        b.set(l, 0.2, Some(State::new(SpanKind::Running, 6)));
        let t = b.finish(0.3).0;
        let spans = &t.lanes[0].spans;
        // The zero-length wait is dropped and the running spans around it merge.
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!((spans[0].start_s, spans[0].end_s), (0.0, 0.3));
    }

    #[test]
    fn a_gil_lane_with_one_holder_is_left_out_and_ids_are_remapped() {
        let mut b = TimelineBuilder::new();
        let gil = b.lane("GIL", LaneKind::Gil);
        let main = b.lane("MainThread", LaneKind::Thread);
        b.set(
            gil,
            0.0,
            Some(State {
                holder: Some(main),
                ..State::new(SpanKind::Running, 0)
            }),
        );
        b.set(main, 0.0, Some(State::new(SpanKind::Running, 1)));
        b.mark(main, 0.1, "x", None);
        let t = b.finish(0.2).0;
        assert_eq!(t.lanes.len(), 1);
        assert_eq!(t.lanes[0].id, 0);
        assert_eq!(t.marks[0].lane, 0);
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"kind\":\"running\""), "{json}");
    }

    #[test]
    fn wait_kinds_serialise_by_name() {
        let mut b = TimelineBuilder::new();
        let l = b.lane("T", LaneKind::Thread);
        b.set(l, 0.0, Some(State::new(SpanKind::Wait(WaitKind::Join), 9)));
        let t = b.finish(1.0).0;
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("{\"wait\":\"join\"}"), "{json}");
        assert!(render_text(&t, 20).contains("wait (join) line 9"));
    }
}
