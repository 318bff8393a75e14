//! What drives the VM: runtimes implement [`crate::vm::host::Host`] and run a program's threads.
//!
//! - [`virtual_time`]: the prediction. Threads share `cores` cores (one at a time under the GIL) in
//!   virtual time; instructions cost a calibrated time each; sleeps, timeouts and the network advance the
//!   clock. Deterministic, and cheap where a program only waits.
//! - [`real`]: the real runs: a thread per Python thread, a real GIL, real time, over a [`real::Platform`]
//!   that starts threads and reads the clock: [`native`] (not on wasm: `std::thread`s, for native tests
//!   and the `threadlab-py` binary, so the real semantics are tested without a browser) or the browser's
//!   elastic workers (`crate::web`).
//!
//! Both produce an [`Outcome`]: the output, the uncaught exceptions, the elapsed time and a [`Timeline`].

pub mod link;
pub mod real;
pub mod request;
pub mod timeline;
pub mod virtual_time;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

pub use crate::python::SyntaxError;
pub use crate::vm::host::ExceptionReport;
use crate::vm::host::{Portable, Waitable};
pub use timeline::Timeline;

/// Seconds a process takes to start in the prediction: CPython's spawn start method starts a new
/// interpreter and imports the program again, about 50 ms on a typical machine, before the target runs.
/// The native runtime charges nothing: its processes pay their real start (a new interpreter running
/// the program as `__mp_main__`, `native::measure_process_start`, `threadlab-py calibrate`), which is
/// far less: 0.2 ms in a release build, 1.3 ms in a debug build on the development machine (2 cores,
/// 2026-12; the prelude's compiled modules are shared by a run's interpreters). So a native run ends
/// earlier than its prediction by about this much per process started one after another.
pub const PROCESS_START_S: f64 = 0.05;

/// The most lines a run may print (stdout and stderr together) before it is stopped: a page must draw
/// every one of them, and a loop printing forever would fill the tab's memory.
pub const MAX_OUTPUT_LINES: usize = 10_000;

/// The most processes a run may start: each is a whole interpreter (a worker of its own, later).
pub const MAX_PROCESSES: usize = 8;

/// Why a run that printed too much was stopped.
pub(crate) fn output_cap_message() -> String {
    format!("the program printed more than ThreadLab's limit of {MAX_OUTPUT_LINES} lines")
}

/// Why `Process.start()` failed: the run has started its share already.
pub(crate) fn process_cap_message() -> String {
    format!(
        "can't start a new process: ThreadLab runs at most {MAX_PROCESSES} processes per program"
    )
}

/// The exit code of a process stopped by `terminate()` (`-signal.SIGTERM`), as `Process.exitcode`.
pub const TERMINATED: i32 = -15;

/// A process's exit code, as CPython's `Process._bootstrap` makes it: -15 if terminated, else the status
/// its program exited with (`sys.exit(n)`), else 1 after an uncaught exception, else 0.
pub(crate) fn exit_code(terminated: bool, status: Option<i32>, failed: bool) -> i32 {
    if terminated {
        TERMINATED
    } else {
        status.unwrap_or(i32::from(failed))
    }
}

/// A process of a run as its hosts see it: both runtimes keep one per pid behind their run's lock.
#[derive(Debug)]
pub(crate) struct ProcessRecord {
    /// `Process-1` (`MainProcess`).
    pub(crate) name: String,
    /// Bumped when the process ends, for joiners.
    pub(crate) waitable: Arc<Waitable>,
    /// Set when it has ended.
    pub(crate) exitcode: Option<i32>,
    /// Its main thread ended with an uncaught exception (exit code 1).
    pub(crate) failed: bool,
    /// The status its program exited with (`sys.exit(n)`), if it said.
    pub(crate) status: Option<i32>,
    /// Stopped by `terminate()`.
    pub(crate) terminated: bool,
    /// Terminated when the main program ends instead of waited for.
    pub(crate) daemon: bool,
}

impl ProcessRecord {
    /// A process that has just started.
    pub(crate) fn new(name: &str, daemon: bool) -> ProcessRecord {
        ProcessRecord {
            name: name.to_string(),
            waitable: Waitable::new(),
            exitcode: None,
            failed: false,
            status: None,
            terminated: false,
            daemon,
        }
    }

    /// The process has ended: its exit code is set from how it ended ([`exit_code`]) and joiners wake.
    pub(crate) fn end(&mut self) {
        self.exitcode = Some(exit_code(self.terminated, self.status, self.failed));
        self.waitable.bump();
    }
}

/// The cross-process channels of a run (`multiprocessing.Queue`s): unbounded queues of copies, each with
/// a waitable bumped whenever an item comes or goes. Both runtimes keep one behind their run's lock.
#[derive(Debug, Default)]
pub(crate) struct Channels {
    queues: BTreeMap<u64, (VecDeque<Portable>, Arc<Waitable>)>,
    last: u64,
}

impl Channels {
    /// A new empty channel; returns its id (from 1).
    pub(crate) fn open(&mut self) -> u64 {
        self.last += 1;
        self.queues
            .insert(self.last, (VecDeque::new(), Waitable::new()));
        self.last
    }

    /// Appends `item`; true if the channel exists (its waitable was bumped: notify).
    pub(crate) fn put(&mut self, channel: u64, item: Portable) -> bool {
        let Some((items, w)) = self.queues.get_mut(&channel) else {
            return false;
        };
        items.push_back(item);
        w.bump();
        true
    }

    /// Takes the first item, if any (its waitable is bumped then: notify).
    pub(crate) fn get(&mut self, channel: u64) -> Option<Portable> {
        let (items, w) = self.queues.get_mut(&channel)?;
        let item = items.pop_front()?;
        w.bump();
        Some(item)
    }

    /// Items waiting on `channel`.
    pub(crate) fn len(&self, channel: u64) -> usize {
        self.queues
            .get(&channel)
            .map_or(0, |(items, _)| items.len())
    }

    /// What waiters on `channel` wait on (a fresh one, never notified, for an unknown channel).
    pub(crate) fn waitable(&self, channel: u64) -> Arc<Waitable> {
        self.queues
            .get(&channel)
            .map_or_else(Waitable::new, |(_, w)| w.clone())
    }
}

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
    /// How fast the program's clock goes: at 0.1 a `time.sleep(1)` takes 0.1 s, and the program's
    /// clocks (`time.time()`, `perf_counter()`) read the real time passed divided by the scale, so the
    /// sleep still reads 1 s. CPU work takes the time it takes. Timelines are in real seconds.
    pub time_scale: f64,
    /// The `network` module downloads for real (`network: "real"`) through the platform's fetch
    /// (`runtime::real::Platform::fetch`) instead of simulating; the prediction simulates either way.
    pub network_real: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: 0,
            gil: true,
            cores: 2,
            max_seconds: 30.0,
            time_scale: 1.0,
            network_real: false,
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
    /// The same run as the page's events (lanes, spans with their lines, prints, thread lives), in ms.
    pub events: Vec<crate::trace::Event>,
}

impl Outcome {
    /// The run record the page and `threadlab.run` get: lanes, spans with their lines, output (stderr
    /// lines marked), thread lives; `predicted_ms` is the prediction's time (NaN if unknown).
    pub fn record(&self, time_scale: f64, predicted_ms: f64) -> crate::trace::RunRecord {
        use crate::trace::{digest, Event, RunRecord, Status};
        let wall_ms = self.elapsed_s * 1000.0;
        let d = digest(&self.events, wall_ms);
        let mut lanes: Vec<crate::trace::Lane> = Vec::new();
        for event in &self.events {
            if let Event::Lane { lane, .. } = event {
                match lanes.iter_mut().find(|l| l.id == lane.id) {
                    Some(known) => *known = lane.clone(),
                    None => lanes.push(lane.clone()),
                }
            }
        }
        let status = match self.stopped.as_deref() {
            Some(real::STOPPED) => Status::Cancelled,
            Some(why) if why.starts_with("deadlock") => Status::Deadlocked,
            Some(_) => Status::Failed,
            None if self.exception.is_some() || !self.syntax_errors.is_empty() => Status::Failed,
            None => Status::Completed,
        };
        RunRecord {
            example: String::new(),
            mode: String::new(),
            params: serde_json::Value::Null,
            time_scale,
            status,
            wall_ms,
            predicted_ms,
            lanes,
            spans: d.spans,
            output: d.output,
            threads: d.threads,
            queue_depth: d.queue_depth,
            simulated: false,
            stopped: self.stopped.clone(),
        }
    }
}
