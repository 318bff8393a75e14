//! What drives the VM: runtimes implement [`crate::vm::host::Host`] and run a program's threads.
//!
//! - [`virtual_time`]: the prediction. Threads share `cores` cores (one at a time under the GIL) in
//!   virtual time; instructions cost a calibrated time each; sleeps, timeouts and the network advance the
//!   clock. Deterministic, and cheap where a program only waits.
//! - [`native`] (not on wasm): real `std::thread`s and a real GIL, for native tests and the `threadlab`
//!   binary, so the real semantics are tested without a browser.
//!
//! Both produce an [`Outcome`]: the output, the uncaught exceptions, the elapsed time and a [`Timeline`].

pub mod timeline;
pub mod virtual_time;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

pub use crate::python::SyntaxError;
pub use crate::vm::host::ExceptionReport;
pub use timeline::Timeline;

/// How a program runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Seed of `random` (runs and predictions with the same seed repeat).
    pub seed: u64,
    /// Threads take turns under a GIL (CPython's default) or run in parallel (free-threaded).
    pub gil: bool,
    /// Cores the program may use.
    pub cores: usize,
    /// Run time after which the run is stopped (seconds on the run's clock).
    pub max_seconds: f64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: 0,
            gil: true,
            cores: 2,
            max_seconds: 30.0,
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// What the program printed.
    pub stdout: String,
    /// Tracebacks and `Exception in thread ...` blocks.
    pub stderr: String,
    /// Errors found before running (nothing ran if any).
    pub syntax_errors: Vec<SyntaxError>,
    /// The uncaught exception that ended the main program, if any.
    pub exception: Option<ExceptionReport>,
    /// Uncaught exceptions of other threads (each ended its thread; the rest went on).
    pub thread_exceptions: Vec<ExceptionReport>,
    /// Wall time of the program, seconds (virtual seconds for the prediction).
    pub elapsed_s: f64,
    /// Why the run ended early, if it did (stopped, over a limit, deadlock).
    pub stopped: Option<String>,
    /// Lanes and spans.
    pub timeline: Timeline,
}
