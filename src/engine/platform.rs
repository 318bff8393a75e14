//! The browser as a [`Platform`] for the real runtime (`runtime::real`): Python threads are jobs on
//! elastic workers, time is the one clock.
//!
//! A Python program starts threads as it runs, so their number isn't known before the run. A thread
//! started while no worker is idle is queued ([`threads::spawn`]) and asks the engine worker, through
//! [`WebPlatform::wants`], for more workers (only JavaScript can start one); it runs as soon as one is
//! up. Keeping [`SPARE`] workers idle makes that rare: each start that leaves fewer asks for more.

use std::sync::Arc;

use super::completion::Mailbox;
use super::{clock, threads};
use crate::runtime::real::Platform;

/// Idle workers a run keeps in reserve for the threads its program may start next.
pub const SPARE: usize = 2;

/// Elastic workers and the shared clock.
#[derive(Default)]
pub struct WebPlatform {
    /// How many more workers the run needs now (`None` closes it: the run has ended).
    pub wants: Arc<Mailbox<usize>>,
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
}
