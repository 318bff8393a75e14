//! The recorder: every thread of a run appends events here; the engine worker drains what is new once per
//! animation frame of the page and posts it. The lock is held for a push or a copy, never across a wait,
//! and only workers take it: the page never touches it.

use super::clock::now_ms;
use crate::trace::{Event, Life, SpanKind};
use std::sync::Mutex;

/// The events of one run, with times in ms from `t0`.
pub struct Recorder {
    t0: f64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    events: Vec<Event>,
    drained: usize,
    spans: u32,
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

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a span on `lane`, now.
    pub fn begin(&self, lane: &str, label: String, kind: SpanKind) -> u32 {
        let t = self.now();
        let mut inner = self.inner();
        let span = inner.spans;
        inner.spans += 1;
        inner.events.push(Event::Begin {
            span,
            lane: lane.into(),
            label,
            kind,
            t,
        });
        span
    }

    /// Closes a span, now.
    pub fn end(&self, span: u32) {
        let t = self.now();
        self.inner().events.push(Event::End { span, t });
    }

    /// Records a printed line, now.
    pub fn print(&self, lane: &str, text: &str) {
        let t = self.now();
        self.inner().events.push(Event::Print {
            lane: lane.into(),
            text: text.into(),
            t,
        });
    }

    /// Records a thread's or task's life event, now.
    pub fn life(&self, lane: &str, life: Life, daemon: bool) {
        let t = self.now();
        self.inner().events.push(Event::Thread {
            lane: lane.into(),
            life,
            daemon,
            t,
        });
    }

    /// Records a queue's new depth, now.
    pub fn depth(&self, queue: usize, depth: usize) {
        let t = self.now();
        self.inner().events.push(Event::Depth { queue, depth, t });
    }

    /// The events recorded since the last drain.
    pub fn drain(&self) -> Vec<Event> {
        let mut inner = self.inner();
        let new = inner.events[inner.drained..].to_vec();
        inner.drained = inner.events.len();
        new
    }

    /// Every event of the run.
    pub fn all(&self) -> Vec<Event> {
        self.inner().events.clone()
    }
}
