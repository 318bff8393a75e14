//! The recorder: every thread of a run appends events here; the engine worker drains what is new once per
//! animation frame of the page and posts it. The lock is held for a push or a copy, never across a wait,
//! and only workers take it: the page never touches it.

use super::clock::now_ms;
use crate::trace::{Event, EventLog, Life, SpanKind};
use std::sync::Mutex;

/// The events of one run, with times in ms from `t0`.
pub struct Recorder {
    t0: f64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    log: EventLog,
    drained: usize,
}

impl Recorder {
    /// A recorder whose zero is `t0` on the shared clock.
    pub fn new(t0: f64) -> Self {
        Recorder {
            t0,
            inner: Mutex::default(),
        }
    }

    /// The run's zero, ms since the Unix epoch on the shared clock.
    pub fn t0(&self) -> f64 {
        self.t0
    }

    /// Now, in ms from the run's start.
    pub fn now(&self) -> f64 {
        now_ms() - self.t0
    }

    /// Records into the log at the current time (read before the lock is taken, so waiting for the lock
    /// never shifts a timestamp).
    fn log<T>(&self, f: impl FnOnce(&mut EventLog, f64) -> T) -> T {
        let t = self.now();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner.log, t)
    }

    /// Opens a span on `lane`, now.
    pub fn begin(&self, lane: &str, label: String, kind: SpanKind) -> u32 {
        self.log(|log, t| log.begin(lane, label, kind, t))
    }

    /// Closes a span, now.
    pub fn end(&self, span: u32) {
        self.log(|log, t| log.end(span, t));
    }

    /// Records a printed line, now.
    pub fn print(&self, lane: &str, text: &str) {
        self.log(|log, t| log.print(lane, text, t));
    }

    /// Records a thread's or task's life event, now.
    pub fn life(&self, lane: &str, life: Life, daemon: bool) {
        self.log(|log, t| log.life(lane, life, daemon, t));
    }

    /// Records a queue's new depth, now.
    pub fn depth(&self, queue: usize, depth: usize) {
        self.log(|log, t| log.depth(queue, depth, t));
    }

    /// Records an event another memory (a process) timed on the shared clock, renumbering its span ids
    /// into this run's: `ids` maps the process's ids to ours.
    pub fn ingest(&self, event: Event, ids: &mut std::collections::HashMap<u32, u32>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::Begin {
                span,
                lane,
                label,
                kind,
                t,
                line,
            } => {
                let ours = inner.log.begin_at(&lane, label, kind, t, line);
                ids.insert(span, ours);
            }
            Event::End { span, t } => {
                if let Some(ours) = ids.get(&span) {
                    inner.log.end(*ours, t);
                }
            }
            Event::Print { lane, text, t, err } => inner.log.write(&lane, &text, t, err),
            Event::Thread {
                lane,
                life,
                daemon,
                t,
            } => inner.log.life(&lane, life, daemon, t),
            Event::Depth { queue, depth, t } => inner.log.depth(queue, depth, t),
            Event::Lane { lane, t } => inner.log.lane(lane, t),
        }
    }

    /// When span `span` began, if it did.
    pub fn span_start(&self, span: u32) -> Option<f64> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.log.events.iter().find_map(|e| match e {
            Event::Begin { span: s, t, .. } if *s == span => Some(*t),
            _ => None,
        })
    }

    /// Closes a span at a given time.
    pub fn end_at(&self, span: u32, t: f64) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .log
            .end(span, t);
    }

    /// The events recorded since the last drain.
    pub fn drain(&self) -> Vec<Event> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let new = inner.log.events[inner.drained..].to_vec();
        inner.drained = inner.log.events.len();
        new
    }

    /// Every event of the run.
    pub fn all(&self) -> Vec<Event> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .log
            .events
            .clone()
    }
}
