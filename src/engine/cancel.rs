//! Stopping a run: one token per run, seen by every blocking wait (woken at once through a condition
//! variable) and every compute slice. It has two levels: at the program's exit only daemon threads must
//! stop; on cancel, everything stops.

use super::clock::now_ms;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Why a thread stopped before the end of its steps.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum Stop {
    /// The run was cancelled.
    Cancelled,
    /// The program exited while this daemon ran.
    Killed,
    /// Its function raised this error.
    Raised(String),
}

// The state starts at 0, running; it only ever rises.
const EXITING: u8 = 1;
const CANCELLED: u8 = 2;

/// Shared by every thread of a run.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Shared>);

#[derive(Default)]
struct Shared {
    state: AtomicU8,
    lock: Mutex<()>,
    wake: Condvar,
}

impl CancelToken {
    fn raise(&self, level: u8) {
        self.0.state.fetch_max(level, Ordering::SeqCst);
        // Taking the lock orders this notify after any sleeper's check, so no wake-up is lost.
        let _guard = self.0.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.0.wake.notify_all();
    }

    /// Cancels: every wait and compute of the run stops now.
    pub fn cancel(&self) {
        self.raise(CANCELLED);
    }

    /// The program exits: daemon threads stop now.
    pub fn exit(&self) {
        self.raise(EXITING);
    }

    /// Whether the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.state.load(Ordering::SeqCst) == CANCELLED
    }

    /// Whether a thread (a daemon or not) must stop now, and why.
    pub fn check(&self, daemon: bool) -> Result<(), Stop> {
        match self.0.state.load(Ordering::SeqCst) {
            CANCELLED => Err(Stop::Cancelled),
            EXITING if daemon => Err(Stop::Killed),
            _ => Ok(()),
        }
    }

    /// A real blocking sleep until `deadline` on the shared clock (`Atomics.wait` underneath: workers
    /// only), cut short when the thread must stop.
    pub fn sleep_until(&self, deadline: f64, daemon: bool) -> Result<(), Stop> {
        let mut guard = self.0.lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            self.check(daemon)?;
            let left = deadline - now_ms();
            if left <= 0.0 {
                return Ok(());
            }
            guard = self
                .0
                .wake
                .wait_timeout(guard, Duration::from_secs_f64(left / 1000.0))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// [`CancelToken::sleep_until`] `ms` from now.
    pub fn sleep(&self, ms: f64, daemon: bool) -> Result<(), Stop> {
        self.sleep_until(now_ms() + ms, daemon)
    }
}

/// Waits on `cv` until `done` holds, checking `token` every few ms (a cancel doesn't know every condition
/// variable of a run, so waits poll it; 5 ms is well inside the 100 ms a Stop may take).
pub fn wait_until<T>(
    lock: &Mutex<T>,
    cv: &Condvar,
    token: &CancelToken,
    daemon: bool,
    mut done: impl FnMut(&mut T) -> bool,
) -> Result<(), Stop> {
    let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if done(&mut guard) {
            return Ok(());
        }
        token.check(daemon)?;
        guard = cv
            .wait_timeout(guard, Duration::from_millis(5))
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}
