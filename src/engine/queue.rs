//! `queue.Queue`: a FIFO of items shared by threads, with Python's blocking `put` (when full), `get` (when
//! empty), `task_done` and `join`. Every change of depth is recorded for the page's queue track.

use super::cancel::{wait_until, CancelToken, Stop};
use super::recorder::Recorder;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// One queue of a run.
pub struct BlockingQueue {
    index: usize,
    maxsize: usize,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    items: VecDeque<i64>,
    unfinished: usize,
}

impl BlockingQueue {
    /// An empty queue; `maxsize` 0 is unbounded.
    pub fn new(index: usize, maxsize: usize) -> Self {
        BlockingQueue {
            index,
            maxsize,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    /// Whether `put` would block now.
    pub fn full(&self) -> bool {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.maxsize > 0 && s.items.len() >= self.maxsize
    }

    /// Items in the queue now.
    pub fn qsize(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .items
            .len()
    }

    /// Whether the queue is empty now.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether every item put has been marked done.
    pub fn all_done(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unfinished
            == 0
    }

    /// `put`: waits while the queue is full.
    pub fn put(
        &self,
        item: i64,
        rec: &Recorder,
        token: &CancelToken,
        daemon: bool,
    ) -> Result<(), Stop> {
        let maxsize = self.maxsize;
        let mut depth = 0;
        wait_until(&self.state, &self.changed, token, daemon, |s| {
            if maxsize > 0 && s.items.len() >= maxsize {
                return false;
            }
            s.items.push_back(item);
            s.unfinished += 1;
            depth = s.items.len();
            true
        })?;
        rec.depth(self.index, depth);
        self.changed.notify_all();
        Ok(())
    }

    /// `get`: waits while the queue is empty; first in, first out.
    pub fn get(&self, rec: &Recorder, token: &CancelToken, daemon: bool) -> Result<i64, Stop> {
        let mut got = None;
        let mut depth = 0;
        wait_until(&self.state, &self.changed, token, daemon, |s| {
            got = s.items.pop_front();
            depth = s.items.len();
            got.is_some()
        })?;
        rec.depth(self.index, depth);
        self.changed.notify_all();
        Ok(got.expect("wait_until returned with an item"))
    }

    /// `get` without waiting: the first item, if there is one.
    pub fn try_get(&self, rec: &Recorder) -> Option<i64> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let item = s.items.pop_front()?;
        let depth = s.items.len();
        drop(s);
        rec.depth(self.index, depth);
        self.changed.notify_all();
        Some(item)
    }

    /// `task_done`: one item finished.
    pub fn task_done(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.unfinished = s.unfinished.saturating_sub(1);
        drop(s);
        self.changed.notify_all();
    }

    /// `join`: waits until every item put has been marked done.
    pub fn join(&self, token: &CancelToken, daemon: bool) -> Result<(), Stop> {
        wait_until(&self.state, &self.changed, token, daemon, |s| {
            s.unfinished == 0
        })
    }
}
