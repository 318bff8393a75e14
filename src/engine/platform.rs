//! The browser as a [`Platform`] for the real runtime (`runtime::real`): Python threads are jobs on
//! elastic workers, time is the one clock, real downloads are the engine worker's `fetch()`es.
//!
//! A Python program starts threads as it runs, so their number isn't known before the run. A thread
//! started while no worker is idle is queued ([`threads::spawn`]) and asks the engine worker, through
//! [`WebPlatform::wants`], for more workers (only JavaScript can start one); it runs as soon as one is
//! up. Keeping [`SPARE`] workers idle makes that rare: each start that leaves fewer asks for more.
//!
//! A real download (`network: "real"`) is a ranged request the engine worker makes (only JavaScript can
//! `fetch()`; there a Stop aborts it and a timeout bounds it, `serveSourceDownloads` in
//! `www/engine-worker.js`): the thread's [`Fetch`] waits in [`WebPlatform`] under an id, the request goes
//! out through [`WebPlatform::fetches`], and the answer comes back through [`WebPlatform::answer`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use super::completion::Mailbox;
use super::{clock, link, net, threads};
use crate::runtime::link::{encode_start, ChildStart, Link};
use crate::runtime::real::{Fetch, Platform};

/// Idle workers a run keeps in reserve for the threads its program may start next.
pub const SPARE: usize = 2;

/// The size of the playground's own file of bytes (`www/files/data.bin`, written by build.sh): a longer
/// download of it wraps around.
pub const OWN_FILE_BYTES: u64 = 100_000_000;

/// A real download for the engine worker to make: `(id, absolute url, offset, len)`.
pub type FetchRequest = (u32, String, u64, u64);

/// Elastic workers, the shared clock, real downloads.
#[derive(Default)]
pub struct WebPlatform {
    /// How many more workers the run needs now (`None` closes it: the run has ended).
    pub wants: Arc<Mailbox<usize>>,
    /// Real downloads to make (`None` closes it: the run has ended or was stopped, so the engine worker
    /// aborts those still going).
    pub fetches: Arc<Mailbox<FetchRequest>>,
    /// The transfers waiting for the engine worker's answer, by id.
    pending: Mutex<HashMap<u32, Fetch>>,
    next: AtomicU32,
    closed: AtomicBool,
    /// Child processes to start, each in a worker of its own (only the engine worker can start one):
    /// `(link slot, the bytes of its ChildStart)`. `None` closes it.
    pub processes: Arc<Mailbox<(u32, Vec<u8>)>>,
}

impl WebPlatform {
    /// The engine worker's answer to download `id` (the bytes received, or why none came): wakes the
    /// thread waiting for it. An unknown id (the run was closed) is ignored.
    pub fn answer(&self, id: u32, result: Result<u64, String>) {
        let fetch = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        if let Some(fetch) = fetch {
            fetch.answer(result);
        }
    }

    /// The run has ended or is stopped: no more downloads; the engine worker aborts those still going,
    /// and the threads still waiting get an error (a stopped run's threads are cancelled anyway).
    pub fn close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        self.fetches.send(None);
        self.processes.send(None);
        let pending: Vec<Fetch> = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .map(|(_, f)| f)
            .collect();
        for fetch in pending {
            fetch.answer(Err("the run was stopped".into()));
        }
    }
}

/// Where download `fetch` goes: its absolute http(s) address (an empty one: the playground's own file,
/// whose offsets wrap around), and the range.
fn target(fetch: &Fetch) -> Result<(String, u64, u64), String> {
    let url = net::resolve(&fetch.url)?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err("only http and https addresses can be downloaded".into());
    }
    if fetch.url.is_empty() {
        let offset = fetch.offset % OWN_FILE_BYTES;
        Ok((url, offset, fetch.len.min(OWN_FILE_BYTES - offset)))
    } else {
        Ok((url, fetch.offset, fetch.len))
    }
}

impl Platform for WebPlatform {
    fn now(&self) -> f64 {
        clock::now_ms() / 1000.0
    }

    fn epoch(&self) -> f64 {
        clock::now_ms() / 1000.0
    }

    fn spawn(&self, _name: &str, job: Box<dyn FnOnce() + Send>) -> Result<(), String> {
        threads::spawn(job);
        let short = threads::shortfall(SPARE);
        if short > 0 {
            self.wants.send(Some(short));
        }
        Ok(())
    }

    fn open_link(&self) -> Result<(u32, Link), String> {
        link::open()
    }

    fn spawn_process(&self, slot: u32, start: ChildStart) -> Result<(), String> {
        if self.closed.load(Ordering::SeqCst) {
            return Err("the run is over".into());
        }
        self.processes.send(Some((slot, encode_start(&start))));
        Ok(())
    }

    fn close_link(&self, slot: u32) {
        link::close(slot);
    }

    fn fetch(&self, fetch: Fetch) {
        let (url, offset, len) = match target(&fetch) {
            Ok(t) => t,
            Err(e) => return fetch.answer(Err(e)),
        };
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            // Checked under the lock `close` drains: no transfer is left behind unanswered.
            if self.closed.load(Ordering::SeqCst) {
                drop(pending);
                return fetch.answer(Err("the run was stopped".into()));
            }
            pending.insert(id, fetch);
        }
        self.fetches.send(Some((id, url, offset, len)));
    }
}
