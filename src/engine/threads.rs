//! Elastic threads: Web Workers that share the module's memory, each running jobs one at a time, as many
//! as a run needs. A Python thread that sleeps needs a worker of its own, whatever the core count, so the
//! rayon pool (one thread per core, never resized) can't host them; these workers can.
//!
//! Only JavaScript can create a Worker, so the engine worker asks [`threads_needed`] how many a request
//! needs, starts that many `thread-worker.js` before the run (they call [`worker_main`] and never return),
//! and a run only ever spawns jobs onto workers that are already idle: no job waits for a thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

type Job = Box<dyn FnOnce() + Send>;

static JOBS: Mutex<VecDeque<Job>> = Mutex::new(VecDeque::new());
static WAKE: Condvar = Condvar::new();
static IDLE: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

/// The body of every elastic worker: take a job, run it, forever.
pub fn worker_main() {
    TOTAL.fetch_add(1, Ordering::SeqCst);
    loop {
        let job = {
            let mut jobs = JOBS.lock().unwrap_or_else(|e| e.into_inner());
            IDLE.fetch_add(1, Ordering::SeqCst);
            loop {
                if let Some(job) = jobs.pop_front() {
                    break job;
                }
                jobs = WAKE.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        };
        job();
    }
}

/// Runs `job` on an idle worker. The caller has made sure one is idle (see the module's docs).
pub fn spawn(job: impl FnOnce() + Send + 'static) {
    // Counted as busy from now, so two spawns in a row don't both count the same idle worker.
    IDLE.fetch_sub(1, Ordering::SeqCst);
    JOBS.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push_back(Box::new(job));
    WAKE.notify_one();
}

/// Workers waiting for a job.
pub fn idle() -> usize {
    IDLE.load(Ordering::SeqCst)
}

/// Workers started so far.
pub fn total() -> usize {
    TOTAL.load(Ordering::SeqCst)
}
