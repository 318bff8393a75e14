//! The GIL: one lock a thread must hold to run Python code. A thread gives it up around every blocking
//! wait (sleep, join, queue), and, while computing, hands it to the next waiting thread once it has held it
//! for the switch interval, as CPython's forced switching does. Hand-offs go first come, first served.
//!
//! The GIL lane shows who holds it (one span per holding); a thread's own lane shows its wait for it.

use super::cancel::{wait_until, CancelToken, Stop};
use super::clock::now_ms;
use super::recorder::Recorder;
use crate::scenario::labels;
use crate::trace::SpanKind;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

/// A thread's identity for the GIL: its id and its name.
pub type Holder = (usize, String);

/// The global interpreter lock of one run.
pub struct Gil {
    state: Mutex<State>,
    cv: Condvar,
    switch_ms: f64,
    recorder: Arc<Recorder>,
}

struct State {
    holder: Option<usize>,
    since: f64,
    held_span: Option<u32>,
    waiting: VecDeque<Holder>,
}

impl Gil {
    /// A free GIL with the given switch interval.
    pub fn new(switch_ms: f64, recorder: Arc<Recorder>) -> Self {
        Gil {
            state: Mutex::new(State {
                holder: None,
                since: 0.0,
                held_span: None,
                waiting: VecDeque::new(),
            }),
            cv: Condvar::new(),
            switch_ms,
            recorder,
        }
    }

    fn grant(&self, state: &mut State, to: &Holder) {
        state.holder = Some(to.0);
        state.since = now_ms();
        state.held_span = Some(self.recorder.begin("gil", to.1.clone(), SpanKind::Gil));
    }

    /// Takes the GIL, waiting (on `lane`, visibly) behind the threads already waiting.
    pub fn acquire(
        &self,
        me: &Holder,
        lane: &str,
        token: &CancelToken,
        daemon: bool,
    ) -> Result<(), Stop> {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.holder.is_none() && state.waiting.is_empty() {
                self.grant(&mut state, me);
                return Ok(());
            }
            state.waiting.push_back(me.clone());
        }
        let span = self
            .recorder
            .begin(lane, labels::WAIT_GIL.into(), SpanKind::WaitGil);
        let got = wait_until(&self.state, &self.cv, token, daemon, |s| {
            s.holder == Some(me.0)
        });
        self.recorder.end(span);
        if got.is_err() {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.waiting.retain(|(id, _)| *id != me.0);
            // Handed over just as we gave up: pass it on.
            if state.holder == Some(me.0) {
                drop(state);
                self.release(me.0);
            }
        }
        got
    }

    /// Gives the GIL up, handing it to the first waiting thread.
    pub fn release(&self, me: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.holder != Some(me) {
            return;
        }
        if let Some(span) = state.held_span.take() {
            self.recorder.end(span);
        }
        state.holder = None;
        if let Some(next) = state.waiting.pop_front() {
            self.grant(&mut state, &next);
        }
        drop(state);
        self.cv.notify_all();
    }

    /// Between compute slices: if another thread waits and `me` has held the GIL for the switch interval,
    /// hands it over and queues for it again.
    pub fn maybe_switch(
        &self,
        me: &Holder,
        lane: &str,
        token: &CancelToken,
        daemon: bool,
    ) -> Result<(), Stop> {
        let due = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.holder == Some(me.0)
                && !state.waiting.is_empty()
                && now_ms() - state.since >= self.switch_ms
        };
        if due {
            self.release(me.0);
            self.acquire(me, lane, token, daemon)?;
        }
        Ok(())
    }
}
