//! A one-shot value handed from any thread to a future awaiting it on the engine worker.
//!
//! wasm-bindgen-futures, built with atomics, wakes a future from another thread through
//! `Atomics.waitAsync`, so a pool thread can finish a run and the engine worker's event loop resumes the
//! awaiting future without anyone blocking.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// The sending half.
pub struct Sender<T>(Arc<Mutex<Slot<T>>>);

/// The receiving half: a future of the value.
pub struct Receiver<T>(Arc<Mutex<Slot<T>>>);

/// A connected pair.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
    }));
    (Sender(slot.clone()), Receiver(slot))
}

impl<T> Sender<T> {
    /// Hands over the value and wakes the receiver.
    pub fn send(self, value: T) {
        let waker = {
            let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match slot.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A queue of values sent from any thread to one future-consuming receiver on the engine worker; `None`
/// closes it.
pub struct Mailbox<T> {
    slot: Mutex<(std::collections::VecDeque<Option<T>>, Option<Waker>)>,
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox {
            slot: Mutex::new((std::collections::VecDeque::new(), None)),
        }
    }
}

impl<T> Mailbox<T> {
    /// Sends a value (`None` closes the mailbox) and wakes the receiver.
    pub fn send(&self, value: Option<T>) {
        let waker = {
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.0.push_back(value);
            slot.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// The next value; `None` once closed.
    pub fn next(&self) -> impl Future<Output = Option<T>> + '_ {
        std::future::poll_fn(move |cx| {
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            match slot.0.pop_front() {
                Some(value) => Poll::Ready(value),
                None => {
                    slot.1 = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    }
}
