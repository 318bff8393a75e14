//! Cancellation: one token per run, seen by blocking sleeps on pool threads (woken at once through a
//! condition variable) and by the asyncio loop's timers (cleared and resolved at once).

use super::clock::{global, now_ms};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The run was cancelled while this step waited.
#[derive(Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Shared by every thread of a run.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Shared>);

#[derive(Default)]
struct Shared {
    cancelled: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl CancelToken {
    /// Cancels: every blocking sleep returns now; the asyncio loop's timers are fired by [`Timers::cancel`].
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        // Taking the lock orders this notify after any sleeper's check of the flag, so no wake-up is lost.
        let _guard = self.0.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.0.wake.notify_all();
    }

    /// Whether the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// A real blocking sleep of `ms` on this thread (`Atomics.wait` underneath: workers only), ended early
    /// by cancellation. It sleeps to a deadline on the shared clock, so spurious wake-ups cost nothing.
    pub fn sleep(&self, ms: f64) -> Result<(), Cancelled> {
        let deadline = now_ms() + ms;
        let mut guard = self.0.lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.is_cancelled() {
                return Err(Cancelled);
            }
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
}

/// The asyncio loop's pending timers, on the thread that runs the loop.
#[derive(Clone, Default)]
pub struct Timers(Rc<RefCell<Vec<(f64, js_sys::Function)>>>);

impl Timers {
    /// `await asyncio.sleep`: a `setTimeout` on this thread's event loop, resolved early by [`Timers::cancel`].
    pub async fn sleep(&self, ms: f64, token: &CancelToken) -> Result<(), Cancelled> {
        if token.is_cancelled() {
            return Err(Cancelled);
        }
        let timers = self.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let id = global().set_timeout(&resolve, ms);
            timers.0.borrow_mut().push((id, resolve));
        });
        // The timer resolves either way; the token says whether it was cut short.
        let _ = JsFuture::from(promise).await;
        if token.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Clears and resolves every pending timer, so every coroutine wakes and sees the cancelled token.
    pub fn cancel(&self) {
        let pending = std::mem::take(&mut *self.0.borrow_mut());
        for (id, resolve) in pending {
            global().clear_timeout(id);
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}
